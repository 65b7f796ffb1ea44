// Registering a Node and keeping its status current: created if missing (adopted with our
// labels if it exists), then the status subresource patched when anything but the heartbeat
// changed, and at least every report interval (kubelet's nodeStatusReportFrequency, 5 min):
// the Lease is the frequent heartbeat, the status is not.
import type { Node } from "../../apis/core/v1/node";
import type { Clock } from "../clock";
import { isApiError, type KubeClient } from "../kube/client";
import { NODES, createObject, getObject, mergePatch } from "../kube/resources";
import type { MachineFacts } from "./machine";
import { nodeLabels, nodeStatus, statusChanged } from "./nodestatus";

export interface RegistrationOptions {
  client: KubeClient;
  name: string;
  internalIP: string;
  runtimeVersion: string;
  clock: Clock;
  /** Extra labels (--node-labels), on top of the well-known ones. */
  labels?: Record<string, string>;
  /** Annotations the Node must carry (edgeplane.dev/pod-network from --pod-network). */
  annotations?: Record<string, string>;
  reportIntervalMs?: number;
  maxPods?: number;
}

const DEFAULT_REPORT_INTERVAL_MS = 5 * 60_000;

/** The entries of `wanted` that `current` lacks or holds with another value. */
function differing(wanted: Record<string, string>, current: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current[k] !== v));
}

export class NodeRegistration {
  /** The Node's uid once registered (the Lease's owner reference needs it). */
  uid = "";
  private posted?: NonNullable<Node["status"]>;
  private postedAt = 0;

  constructor(private readonly options: RegistrationOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** Creates the Node, or adopts an existing one of that name. */
  async register(facts: MachineFacts): Promise<void> {
    const { client, name } = this.options;
    const labels = { ...nodeLabels(name, facts), ...this.options.labels };
    const annotations = this.options.annotations ?? {};
    const status = this.status(facts, { ready: true });
    let node: Node;
    try {
      node = await createObject<Node>(client, NODES, { apiVersion: "v1", kind: "Node", metadata: { name, labels, annotations }, spec: {}, status });
    } catch (err) {
      if (!isApiError(err, 409)) throw err;
      node = await getObject<Node>(client, NODES, { name });
      const metadata = { labels: differing(labels, node.metadata.labels), annotations: differing(annotations, node.metadata.annotations) };
      if (Object.keys(metadata.labels).length || Object.keys(metadata.annotations).length) node = await mergePatch<Node>(client, NODES, { name }, { metadata });
    }
    this.uid = node.metadata.uid ?? "";
    // Where the API keeps a created Node's status (as Kubernetes does), there is nothing more to send.
    this.posted = node.status && Object.keys(node.status).length ? node.status : undefined;
    await this.report(facts, { ready: true });
  }

  private status(facts: MachineFacts, ready: { ready: boolean; message?: string }): NonNullable<Node["status"]> {
    const o = this.options;
    return nodeStatus({ facts, internalIP: o.internalIP, runtimeVersion: o.runtimeVersion, ready, previous: this.posted, now: o.clock.now(), maxPods: o.maxPods });
  }

  /** Patches the status if it changed, or if the last report is older than the report interval. */
  async report(facts: MachineFacts, ready: { ready: boolean; message?: string }, force = false): Promise<boolean> {
    const now = this.options.clock.now();
    const next = this.status(facts, ready);
    const due = now - this.postedAt >= (this.options.reportIntervalMs ?? DEFAULT_REPORT_INTERVAL_MS);
    if (!force && !due && !statusChanged(this.posted, next)) return false;
    const node = await mergePatch<Node>(this.options.client, NODES, { name: this.options.name, subresource: "status" }, { status: next });
    this.posted = node.status ?? next;
    this.postedAt = now;
    return true;
  }
}
