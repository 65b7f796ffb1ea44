// Service account tokens for projected volumes, kept as the kubelet's token manager keeps them:
// one TokenRequest per pod, audience and lifetime, bound to the pod (so the token dies with it),
// reused until 80% of its lifetime or 24 hours have passed, then requested again. A refresh that
// fails keeps the old token while it is still valid and is tried again shortly.
import type { Pod } from "../../apis/core/v1/pod";
import type { Volume } from "../../apis/core/v1/volume";
import type { Clock } from "../clock";
import type { KubeClient } from "../kube/client";
import { SERVICE_ACCOUNTS, resourcePath } from "../kube/resources";

export type TokenProjection = NonNullable<NonNullable<NonNullable<Volume["projected"]>["sources"]>[number]["serviceAccountToken"]>;

/** What a token is asked for: the audience ("" for the API's own) and the lifetime. */
export interface TokenWanted {
  audience: string;
  expirationSeconds: number;
}

export interface Issued {
  token: string;
  expiresAt: number;
  expirationSeconds: number;
}

export interface FetchedToken {
  token: string;
  /** When the volume must be written again with a fresh token. */
  refreshAt: number;
}

/** What the pod worker asks for tokens; absent on simulated nodes, whose containers read no files. */
export interface TokenSource {
  get(pod: Pod, wanted: TokenWanted): Promise<FetchedToken>;
  /** The pod is gone: its tokens are dropped. */
  release(podUid: string): void;
}

/** ServiceAccountTokenProjection's default lifetime (an hour), as the API defaults it. */
const DEFAULT_EXPIRATION_SECONDS = 3600;
/** The kubelet refreshes any token older than a day, whatever its lifetime. */
const MAX_TTL_MS = 24 * 3600 * 1000;
/** After a failed refresh, the next attempt. */
const RETRY_MS = 10_000;

export function tokenWanted(p: TokenProjection): TokenWanted {
  return { audience: p.audience ?? "", expirationSeconds: p.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS };
}

export function wantedKey(w: TokenWanted): string {
  return `${w.expirationSeconds}:${w.audience}`;
}

/** The token projections of one volume. */
export function tokenProjections(volume: Volume): TokenWanted[] {
  return (volume.projected?.sources ?? []).flatMap((s) => (s.serviceAccountToken ? [tokenWanted(s.serviceAccountToken)] : []));
}

/** requiresRefresh: past 80% of the lifetime, or a day old. */
export function refreshTime(t: Issued): number {
  const issuedAt = t.expiresAt - t.expirationSeconds * 1000;
  return Math.min(issuedAt + t.expirationSeconds * 800, issuedAt + MAX_TTL_MS);
}

interface TokenRequestAnswer {
  spec?: { expirationSeconds?: number };
  status?: { token?: string; expirationTimestamp?: string };
}

export class ServiceAccountTokens implements TokenSource {
  /** By pod uid, then by what was wanted. */
  private readonly issued = new Map<string, Map<string, Issued>>();

  constructor(
    private readonly client: KubeClient,
    private readonly clock: Clock,
  ) {}

  async get(pod: Pod, wanted: TokenWanted): Promise<FetchedToken> {
    const uid = pod.metadata.uid ?? "";
    const key = wantedKey(wanted);
    const cached = this.issued.get(uid)?.get(key);
    const now = this.clock.now();
    if (cached && now < refreshTime(cached)) return { token: cached.token, refreshAt: refreshTime(cached) };
    try {
      const fresh = await this.request(pod, wanted);
      let forPod = this.issued.get(uid);
      if (!forPod) this.issued.set(uid, (forPod = new Map()));
      forPod.set(key, fresh);
      return { token: fresh.token, refreshAt: refreshTime(fresh) };
    } catch (err) {
      if (cached && now < cached.expiresAt) return { token: cached.token, refreshAt: now + RETRY_MS };
      throw err;
    }
  }

  release(podUid: string): void {
    this.issued.delete(podUid);
  }

  private async request(pod: Pod, wanted: TokenWanted): Promise<Issued> {
    const serviceAccount = pod.spec?.serviceAccountName || "default";
    const body = {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: {
        // No audience: the API's own, as the kubelet asks for the default token.
        audiences: wanted.audience ? [wanted.audience] : [],
        expirationSeconds: wanted.expirationSeconds,
        boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata.name, uid: pod.metadata.uid },
      },
    };
    const path = resourcePath(SERVICE_ACCOUNTS, { namespace: pod.metadata.namespace, name: serviceAccount, subresource: "token" });
    const answer = await this.client.request<TokenRequestAnswer>(path, { method: "POST", body });
    const token = answer.status?.token;
    const expiresAt = Date.parse(answer.status?.expirationTimestamp ?? "");
    if (!token || Number.isNaN(expiresAt)) throw new Error("the TokenRequest answer has no token or expiration");
    return { token, expiresAt, expirationSeconds: answer.spec?.expirationSeconds ?? wanted.expirationSeconds };
  }
}
