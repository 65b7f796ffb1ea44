// Cluster IPs on the loopback interface, so the proxy can listen on clusterIP:port and the real
// ClusterIP answers on this node: host-network processes reach it through the local route, and
// Podman pods through the bridge (the host accepts packets for any of its addresses on any
// interface). Needs root and iproute2's `ip`; without them the agent falls back to "local"
// listeners. Only addresses this agent added are removed again, so another agent on the same
// machine (tests) or an operator's address is left alone.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface AddressManager {
  /** Whether the address is on the interface now. */
  add(ip: string): Promise<boolean>;
  remove(ip: string): Promise<void>;
  /** Removes every address this manager added. */
  removeAll(): Promise<void>;
}

const DEVICE = "lo";

export class LoopbackAddresses implements AddressManager {
  private readonly owned = new Set<string>();

  async add(ip: string): Promise<boolean> {
    try {
      await run("ip", ["addr", "add", `${ip}/32`, "dev", DEVICE]);
      this.owned.add(ip);
      return true;
    } catch (err) {
      // Already there (an earlier agent's, or the operator's): usable, not ours to remove.
      return /File exists|already assigned/.test(String((err as { stderr?: string }).stderr ?? ""));
    }
  }

  async remove(ip: string): Promise<void> {
    if (!this.owned.delete(ip)) return;
    await run("ip", ["addr", "del", `${ip}/32`, "dev", DEVICE]).catch(() => undefined);
  }

  async removeAll(): Promise<void> {
    for (const ip of [...this.owned]) await this.remove(ip);
  }
}

/** Whether this process may put addresses on the loopback interface: root with `ip` installed. */
export async function canManageAddresses(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    await run("ip", ["-V"]);
    return true;
  } catch {
    return false;
  }
}
