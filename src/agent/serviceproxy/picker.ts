// Which backend a new connection goes to: round robin over the ready backends, the next ones in
// line as fallbacks when a connect fails, and with sessionAffinity ClientIP the client's previous
// backend first while its affinity lasts (kube-proxy keeps it `timeoutSeconds` after last use).
// Pure apart from the clock it is given.
import type { Backend } from "../../services/proxytable";

export interface Affinity {
  sessionAffinity: "None" | "ClientIP";
  affinitySeconds: number;
}

const backendKey = (b: Backend) => `${b.ip}:${b.port}`;

export class Picker {
  private next = 0;
  private readonly sticky = new Map<string, { backend: string; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The backends to try for one connection from `clientIP`, in order (each once). */
  order(backends: readonly Backend[], clientIP: string, affinity: Affinity): Backend[] {
    if (backends.length === 0) return [];
    const start = this.next++ % backends.length;
    if (this.next >= Number.MAX_SAFE_INTEGER) this.next = 0;
    const rotated = [...backends.slice(start), ...backends.slice(0, start)];
    if (affinity.sessionAffinity !== "ClientIP") return rotated;
    const remembered = this.sticky.get(clientIP);
    if (!remembered || remembered.until < this.now()) return rotated;
    const first = rotated.findIndex((b) => backendKey(b) === remembered.backend);
    return first < 0 ? rotated : [rotated[first], ...rotated.slice(0, first), ...rotated.slice(first + 1)];
  }

  /** A connection from `clientIP` reached `backend`: with ClientIP affinity, it sticks. */
  connected(backend: Backend, clientIP: string, affinity: Affinity): void {
    if (affinity.sessionAffinity !== "ClientIP") return;
    this.sticky.set(clientIP, { backend: backendKey(backend), until: this.now() + affinity.affinitySeconds * 1000 });
    // Forget expired clients now and then, so a busy port does not keep every client forever.
    if (this.sticky.size > 1024) for (const [ip, s] of this.sticky) if (s.until < this.now()) this.sticky.delete(ip);
  }
}
