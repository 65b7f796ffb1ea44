// Node heartbeats: one Lease per node in kube-node-lease, renewed every interval. Renewals are
// spread evenly over the interval with a cap on requests in flight, so one process playing a
// thousand nodes sends a steady trickle instead of a burst every ten seconds.
import type { Lease } from "../../apis/coordination/v1/lease";
import { microTime, type Clock } from "../clock";
import { isApiError, type KubeClient } from "../kube/client";
import { abortableSleep } from "../kube/informer";
import { LEASES, createObject, getObject, updateObject } from "../kube/resources";
import { errorText, type Logger } from "../log";

export const LEASE_NAMESPACE = "kube-node-lease";
export const LEASE_DURATION_SECONDS = 40;

export interface LeaseHolder {
  name: string;
  /** The Node's uid, for the Lease's owner reference (empty until registered). */
  uid: string;
}

export interface LeaseOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  intervalMs: number;
  /** Requests in flight at once. */
  concurrency?: number;
}

/** The Lease a node holds, renewed at `now`. */
export function renewedLease(holder: LeaseHolder, now: number, current?: Lease): Lease {
  const ownerReferences = holder.uid ? [{ apiVersion: "v1", kind: "Node", name: holder.name, uid: holder.uid }] : current?.metadata.ownerReferences;
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { ...current?.metadata, name: holder.name, namespace: LEASE_NAMESPACE, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { ...current?.spec, holderIdentity: holder.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) },
  };
}

export class LeaseRenewer {
  private readonly leases = new Map<string, Lease>();

  constructor(private readonly options: LeaseOptions) {}

  /** Renews one node's Lease: update what we hold, re-read on a conflict, create when missing. */
  async renew(holder: LeaseHolder): Promise<void> {
    const { client, clock } = this.options;
    const target = { namespace: LEASE_NAMESPACE, name: holder.name };
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = this.leases.get(holder.name);
      try {
        const lease = current
          ? await updateObject<Lease>(client, LEASES, renewedLease(holder, clock.now(), current))
          : await createObject<Lease>(client, LEASES, renewedLease(holder, clock.now()));
        this.leases.set(holder.name, lease);
        return;
      } catch (err) {
        if (isApiError(err, 409) || isApiError(err, 404)) {
          // Someone else wrote it (or we never had it): start again from what the server holds.
          const found = await getObject<Lease>(client, LEASES, target).catch((e: unknown) => (isApiError(e, 404) ? undefined : Promise.reject(e)));
          if (found) this.leases.set(holder.name, found);
          else this.leases.delete(holder.name);
          continue;
        }
        throw err;
      }
    }
    throw new Error(`lease ${holder.name}: conflicts on every attempt`);
  }

  /** Renews every holder once per interval until `signal` aborts. */
  async run(holders: () => LeaseHolder[], signal: AbortSignal): Promise<void> {
    const { intervalMs, log } = this.options;
    const concurrency = this.options.concurrency ?? 8;
    while (!signal.aborted) {
      const started = Date.now();
      const all = holders();
      const gap = all.length > 1 ? intervalMs / all.length : 0;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (!signal.aborted && next < all.length) {
          const index = next++;
          const due = started + index * gap;
          if (due > Date.now()) await abortableSleep(due - Date.now(), signal);
          await this.renew(all[index]).catch((err: unknown) => log("warn", `renewing the lease of node ${all[index].name}: ${errorText(err)}`));
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, all.length) }, worker));
      // With nothing to renew yet (nodes still registering), look again soon.
      await abortableSleep(all.length ? Math.max(0, started + intervalMs - Date.now()) : Math.min(intervalMs, 1000), signal);
    }
  }
}
