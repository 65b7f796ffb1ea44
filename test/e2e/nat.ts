// Agents behind NAT for end-to-end tests. The agent runs in a network namespace of its own that
// has only a loopback interface, so nothing outside it (the Worker included) can reach its pods,
// and it reaches the control plane the way an agent behind NAT does, over connections it opens
// itself: a relay inside the namespace listens on the API's port on 127.0.0.1 and carries each
// connection over a Unix socket (a socket's path is not bound to a network namespace) to the
// test process, which connects it to the API. Everything stays on loopback.
import { spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { createConnection, createServer, type Socket } from "node:net";
import { join } from "node:path";

/** Runs inside the namespace: 127.0.0.1:PORT to the Unix socket. */
const RELAY = `
const net = require("net");
const [port, path] = process.argv.slice(1);
net.createServer((c) => {
  const u = net.connect(path);
  c.pipe(u); u.pipe(c);
  c.on("error", () => u.destroy()); u.on("error", () => c.destroy());
  c.on("close", () => u.destroy()); u.on("close", () => c.destroy());
}).listen(Number(port), "127.0.0.1");
`;

/** Undefined when this machine can make network namespaces, else why not. */
export function natUnavailable(): string | undefined {
  const probe = spawnSync("unshare", ["--net", "--", "ip", "link", "set", "lo", "up"], { encoding: "utf8" });
  if (probe.status === 0) return undefined;
  return `cannot make a network namespace (unshare --net and iproute2's ip, as root): ${(probe.error?.message ?? probe.stderr).trim()}`;
}

function splice(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  for (const [x, y] of [[a, b], [b, a]]) {
    x.on("error", () => y.destroy());
    x.on("close", () => y.destroy());
  }
}

export interface NatBridge {
  /** The command to start the agent through (its argv follows). */
  wrap: string[];
  stop(): Promise<void>;
}

/** A way out of the namespace to the API on 127.0.0.1:`apiPort`, through a Unix socket in `dir`. */
export async function natBridge(apiPort: number, dir: string): Promise<NatBridge> {
  const path = join(dir, `nat-${apiPort}.sock`);
  await rm(path, { force: true });
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const api = createConnection({ host: "127.0.0.1", port: apiPort });
    for (const s of [client, api]) {
      open.add(s);
      s.on("close", () => open.delete(s));
    }
    splice(client, api);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const script = `ip link set lo up && { "$0" -e "$EDGEPLANE_NAT_RELAY" ${apiPort} ${path} & } && exec "$@"`;
  return {
    wrap: ["env", `EDGEPLANE_NAT_RELAY=${RELAY}`, "unshare", "--net", "--", "sh", "-c", script, process.execPath],
    async stop() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(path, { force: true });
    },
  };
}
