// One TCP listener of the service proxy: accepts, connects to a backend chosen by the Picker
// (the next one when a connect fails or times out), then copies bytes both ways with half-close
// kept, as kube-proxy's userspace mode did. A connection with no backend to reach is reset.
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { Backend } from "../../services/proxytable";
import { errorText, type Logger } from "../log";
import { Picker } from "./picker";
import type { ListenerSpec } from "./table";

const CONNECT_TIMEOUT_MS = 2_000;

function connectTo(backend: Backend, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: backend.ip, port: backend.port, allowHalfOpen: true });
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`connect timed out after ${timeoutMs} ms`)));
    socket.once("error", fail);
    socket.once("connect", () => {
      socket.setTimeout(0);
      socket.off("error", fail);
      resolve(socket);
    });
  });
}

/** Copies both ways; either side failing ends both. */
function splice(client: Socket, upstream: Socket): void {
  const done = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", done);
  upstream.on("error", done);
  client.on("close", () => upstream.destroySoon());
  upstream.on("close", () => client.destroySoon());
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
}

export class TcpListener {
  private readonly server: Server;
  private readonly picker = new Picker();
  private readonly sockets = new Set<Socket>();

  constructor(
    private spec: ListenerSpec,
    private readonly log: Logger,
    private readonly connectTimeoutMs = CONNECT_TIMEOUT_MS,
  ) {
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => void this.accept(socket));
  }

  get current(): ListenerSpec {
    return this.spec;
  }

  /** Binds; resolves with the port (the kernel's choice for port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen({ host: this.spec.host, port: this.spec.port, exclusive: true }, () => {
        this.server.off("error", reject);
        this.server.on("error", (err) => this.log("warn", `service proxy ${this.spec.key}: ${errorText(err)}`));
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** New backends or affinity: connections from now on follow them, open ones keep going. */
  update(spec: ListenerSpec): void {
    this.spec = spec;
  }

  /** Stops accepting; with `drop`, open connections are cut too (the agent stopping). */
  close(drop = false): Promise<void> {
    if (drop) for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // server.close waits for open connections; the caller need not.
      if (!drop) resolve();
    });
  }

  private async accept(client: Socket): Promise<void> {
    this.sockets.add(client);
    client.once("close", () => this.sockets.delete(client));
    client.on("error", () => client.destroy());
    const spec = this.spec;
    const clientIP = client.remoteAddress ?? "";
    for (const backend of this.picker.order(spec.backends, clientIP, spec)) {
      if (client.destroyed) return;
      try {
        const upstream = await connectTo(backend, this.connectTimeoutMs);
        this.sockets.add(upstream);
        upstream.once("close", () => this.sockets.delete(upstream));
        this.picker.connected(backend, clientIP, spec);
        splice(client, upstream);
        return;
      } catch (err) {
        this.log("debug", `service proxy ${spec.servicePort}: ${backend.ip}:${backend.port}: ${errorText(err)}; trying another endpoint`);
      }
    }
    this.log("debug", `service proxy ${spec.servicePort}: no endpoint reachable (${spec.backends.length} ready)`);
    client.resetAndDestroy();
  }
}
