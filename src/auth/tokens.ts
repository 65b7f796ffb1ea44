// Bearer tokens the server issues and keeps: bootstrap tokens for joining nodes (kubeadm's
// format, "[a-z0-9]{6}.[a-z0-9]{16}", listed and revoked by id) and the credentials nodes get
// for them. Only a SHA-256 hash of the secret part is stored. Valid tokens are remembered by
// each isolate for a few seconds so an agent's requests do not each read D1.
import { and, eq, gt, isNull, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { randomToken, sameText, sha256Hex } from "./base64";
import { tokens } from "./schema";
import { AUTHENTICATED, BOOTSTRAPPERS, nodeUser, type UserInfo } from "./user";

export type TokenKind = "bootstrap" | "node";

export interface TokenRecord {
  id: string;
  kind: TokenKind;
  username: string;
  groups: string[];
  description: string;
  createdAt: number;
  expiresAt: number | null;
}

export interface IssueOptions {
  kind: TokenKind;
  /** For node credentials: the node the credential is for. */
  nodeName?: string;
  ttlSeconds?: number;
  description?: string;
  now: number;
}

const TOKEN = /^([a-z0-9-]{6,40})\.([a-z0-9]{16,64})$/;
const REMEMBER_MS = 10_000;
const REMEMBERED_MAX = 10_000;

const remembered = new Map<string, { user: UserInfo; until: number }>();

export function looksLikeStoredToken(token: string): boolean {
  return TOKEN.test(token);
}

function userOf(kind: TokenKind, id: string, nodeName?: string): UserInfo {
  if (kind === "node") return nodeUser(nodeName ?? "");
  return { name: `system:bootstrap:${id}`, groups: [BOOTSTRAPPERS, AUTHENTICATED] };
}

export class TokenStore {
  private readonly db;

  constructor(d1: D1Database) {
    this.db = drizzle(d1);
  }

  /** A new token; the secret is returned here and never again. */
  async issue(o: IssueOptions): Promise<{ token: string; record: TokenRecord }> {
    const id = o.kind === "bootstrap" ? randomToken(6) : `node-${randomToken(12)}`;
    const secret = randomToken(o.kind === "bootstrap" ? 16 : 32);
    const user = userOf(o.kind, id, o.nodeName);
    const record: TokenRecord = {
      id,
      kind: o.kind,
      username: user.name,
      groups: user.groups,
      description: o.description ?? "",
      createdAt: o.now,
      expiresAt: o.ttlSeconds ? o.now + o.ttlSeconds * 1000 : null,
    };
    await this.db.insert(tokens).values({ ...record, groups: JSON.stringify(record.groups), secretHash: await sha256Hex(secret) });
    return { token: `${id}.${secret}`, record };
  }

  /** The user a presented token stands for, if it is one of ours and has not expired or been revoked. */
  async authenticate(token: string, now: number): Promise<UserInfo | undefined> {
    const match = TOKEN.exec(token);
    if (!match) return undefined;
    const hash = await sha256Hex(match[2]);
    const key = `${match[1]}.${hash}`;
    const hit = remembered.get(key);
    if (hit && hit.until > now) return hit.user;
    const [row] = await this.db
      .select()
      .from(tokens)
      .where(and(eq(tokens.id, match[1]), or(isNull(tokens.expiresAt), gt(tokens.expiresAt, now))))
      .limit(1);
    if (!row || !sameText(row.secretHash, hash)) return undefined;
    const user: UserInfo = { name: row.username, groups: JSON.parse(row.groups) as string[] };
    if (remembered.size >= REMEMBERED_MAX) remembered.clear();
    // Never past the token's own expiry.
    remembered.set(key, { user, until: Math.min(now + REMEMBER_MS, row.expiresAt ?? Infinity) });
    return user;
  }

  async list(): Promise<TokenRecord[]> {
    const rows = await this.db.select().from(tokens).orderBy(tokens.createdAt);
    return rows.map(({ secretHash: _h, groups, ...r }) => ({ ...r, groups: JSON.parse(groups) as string[] }));
  }

  /** Deletes a token; false when there was none with that id. */
  async revoke(id: string): Promise<boolean> {
    const deleted = await this.db.delete(tokens).where(eq(tokens.id, id)).returning({ id: tokens.id });
    for (const key of remembered.keys()) if (key.startsWith(`${id}.`)) remembered.delete(key);
    return deleted.length > 0;
  }
}
