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
  maxPods?: number;
}

/** The entries of `wanted` that `current` lacks or holds with another value. */
function differing(wanted: Record<string, string>, current: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current[k] !== v));
}

export class NodeRegistration {
  /** The Node's uid once registered (the Lease's owner reference needs it). */
  uid = "";
  private posted?: NonNullable<Node["status"]>;

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

  /**
   * Patches the status if it changed. The Lease is the node's heartbeat (node lifecycle reads its
   * renewals), so an unchanged status is not sent again: an idle cluster writes only Leases.
   * (kubelet re-sends it every nodeStatusReportFrequency, 5 minutes, to refresh lastHeartbeatTime;
   * that refresh is all it would buy here.)
   */
  async report(facts: MachineFacts, ready: { ready: boolean; message?: string }, force = false): Promise<boolean> {
    const next = this.status(facts, ready);
    if (!force && !statusChanged(this.posted, next)) return false;
    const node = await mergePatch<Node>(this.options.client, NODES, { name: this.options.name, subresource: "status" }, { status: next });
    this.posted = node.status ?? next;
    return true;
  }
}
