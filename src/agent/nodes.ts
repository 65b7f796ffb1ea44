// The nodes an agent plays: registered (retried while the control plane is busy or restarting),
// heartbeats through their Leases from the first registered one on, and their status checked
// every interval and written when it changed (or when a Node was deleted: registered again).
import type { Clock } from "./clock";
import { isApiError, type KubeClient } from "./kube/client";
import { abortableSleep } from "./kube/informer";
import { errorText, type Logger } from "./log";
import { LeaseRenewer } from "./node/leases";
import type { MachineFacts } from "./node/machine";
import { NodeRegistration } from "./node/registration";
import type { Runtime } from "./runtime/types";

export interface NodesOptions {
  client: KubeClient;
  names: string[];
  hostIP: string;
  runtime: Runtime;
  runtimeVersion: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  leaseIntervalMs: number;
  statusIntervalMs: number;
  /** Requests in flight at once for registrations, status reports and lease renewals. */
  concurrency: number;
  machine(): Promise<MachineFacts>;
}

export async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** Registers every node, starts their leases and the status loop; resolves once all are registered. */
export async function startNodes(o: NodesOptions): Promise<{ facts: MachineFacts }> {
  const { client, clock, log, signal } = o;
  const registrations = o.names.map((name) => new NodeRegistration({ client, name, internalIP: o.hostIP, runtimeVersion: o.runtimeVersion, clock, labels: o.labels, annotations: o.annotations }));
  // Leases are renewed from the first registered node on, so a long registration of many nodes
  // does not leave the early ones without a heartbeat.
  const leases = new LeaseRenewer({ client, clock, log, intervalMs: o.leaseIntervalMs, concurrency: o.concurrency });
  void leases.run(() => registrations.filter((r) => r.uid).map((r) => ({ name: r.name, uid: r.uid })), signal);
  const facts = await o.machine();
  await inBatches(registrations, o.concurrency, async (r) => {
    for (let wait = 1000; !signal.aborted; wait = Math.min(wait * 2, 30_000)) {
      try {
        await r.register(facts);
        // Its first heartbeat now: a registered node has its Lease (the loop renews it from here).
        return await leases.renew({ name: r.name, uid: r.uid }).catch((err: unknown) => log("warn", `lease of node ${r.name}: ${errorText(err)}`));
      } catch (err) {
        log("warn", `registering node ${r.name}: ${errorText(err)}; retrying in ${wait / 1000}s`);
        await abortableSleep(wait, signal);
      }
    }
  });
  void statusLoop(o, registrations);
  return { facts };
}

async function statusLoop(o: NodesOptions, registrations: NodeRegistration[]): Promise<void> {
  const { log, signal } = o;
  while (!signal.aborted) {
    await abortableSleep(o.statusIntervalMs, signal);
    if (signal.aborted) return;
    const [facts, runtimeOk] = await Promise.all([o.machine(), o.runtime.version().then(() => true, () => false)]);
    const readiness = runtimeOk ? { ready: true } : { ready: false, message: "container runtime is down" };
    await inBatches(registrations, o.concurrency, async (r) => {
      try {
        await r.report(facts, readiness);
      } catch (err) {
        // Someone deleted the Node: register it again, as the kubelet does.
        if (isApiError(err, 404)) await r.register(facts).catch((e: unknown) => log("warn", `re-registering ${r.name}: ${errorText(e)}`));
        else log("warn", `node ${r.name} status: ${errorText(err)}`);
      }
    });
  }
}
