// One UDP listener of the service proxy. UDP has no connections, so the datagrams from one client
// address (ip:port) make a flow, as Linux conntrack and kube-proxy's userspace mode see them: the
// flow's first datagram picks a backend the way a TCP connection does (round robin, ClientIP
// affinity), and the flow gets a socket of its own connected to that backend, so the backend's
// replies can be told apart and sent back to the client from the listener's address. A flow ends
// after FLOW_IDLE_MS without a datagram either way (conntrack's UDP timeout), when its backend
// leaves the endpoints, or when the backend refuses (ICMP port unreachable); the client's next
// datagram starts a new one. A datagram with no backend to go to is dropped, as UDP allows.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import type { Backend } from "../../services/proxytable";
import { errorText, type Logger } from "../log";
import { Picker } from "./picker";
import type { ListenerSpec } from "./table";

const FLOW_IDLE_MS = 30_000;

interface Flow {
  backend: Backend;
  socket: Socket;
  /** Datagrams from the client before the flow's socket is connected. */
  pending?: Buffer[];
  timer?: ReturnType<typeof setTimeout>;
}

const sameBackend = (a: Backend, b: Backend) => a.ip === b.ip && a.port === b.port;

export class UdpListener {
  private readonly socket: Socket;
  private readonly picker = new Picker();
  private readonly flows = new Map<string, Flow>();

  constructor(
    private spec: ListenerSpec,
    private readonly log: Logger,
    private readonly idleMs = FLOW_IDLE_MS,
  ) {
    this.socket = createSocket({ type: spec.host.includes(":") ? "udp6" : "udp4" });
    this.socket.on("message", (datagram, from) => this.receive(datagram, from));
  }

  get current(): ListenerSpec {
    return this.spec;
  }

  /** Binds; resolves with the port (the kernel's choice for port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.socket.once("error", reject);
      this.socket.bind({ address: this.spec.host, port: this.spec.port, exclusive: true }, () => {
        this.socket.off("error", reject);
        this.socket.on("error", (err) => this.log("warn", `service proxy ${this.spec.key}: ${errorText(err)}`));
        resolve(this.socket.address().port);
      });
    });
  }

  /** New backends or affinity: flows to backends still there go on, the others end. */
  update(spec: ListenerSpec): void {
    this.spec = spec;
    for (const [key, flow] of this.flows) if (!spec.backends.some((b) => sameBackend(b, flow.backend))) this.end(key);
  }

  /** Stops receiving and ends every flow. */
  close(): Promise<void> {
    for (const key of [...this.flows.keys()]) this.end(key);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private receive(datagram: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    const flow = this.flows.get(key) ?? this.open(key, from);
    if (!flow) {
      this.log("debug", `service proxy ${this.spec.servicePort}: no endpoint for a datagram from ${key}`);
      return;
    }
    if (flow.pending) flow.pending.push(datagram);
    else flow.socket.send(datagram);
    this.touch(key, flow);
  }

  private open(key: string, client: RemoteInfo): Flow | undefined {
    const [backend] = this.picker.order(this.spec.backends, client.address, this.spec);
    if (!backend) return undefined;
    this.picker.connected(backend, client.address, this.spec);
    const socket = createSocket({ type: backend.ip.includes(":") ? "udp6" : "udp4" });
    const flow: Flow = { backend, socket, pending: [] };
    this.flows.set(key, flow);
    socket.on("message", (reply) => {
      this.socket.send(reply, client.port, client.address);
      this.touch(key, flow);
    });
    socket.on("error", (err) => {
      this.log("debug", `service proxy ${this.spec.servicePort}: ${backend.ip}:${backend.port}: ${errorText(err)}; ending the flow from ${key}`);
      if (this.flows.get(key) === flow) this.end(key);
    });
    socket.connect(backend.port, backend.ip, () => {
      const pending = flow.pending ?? [];
      flow.pending = undefined;
      for (const datagram of pending) socket.send(datagram);
    });
    return flow;
  }

  private touch(key: string, flow: Flow): void {
    clearTimeout(flow.timer);
    flow.timer = setTimeout(() => this.end(key), this.idleMs);
  }

  private end(key: string): void {
    const flow = this.flows.get(key);
    if (!flow) return;
    this.flows.delete(key);
    clearTimeout(flow.timer);
    flow.socket.close();
  }
}
