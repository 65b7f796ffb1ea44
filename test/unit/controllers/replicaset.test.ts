import { describe, expect, test } from "vitest";
import { CREATED_NAME, decideReplicaSet, podCreateFailedEvent, rankPodsForDeletion, slowStartBatchSize, type ReplicaSet } from "../../../src/controllers/replicaset";
import { STATUS_RECOUNT_INTERVAL_MS, throttleRecount } from "../../../src/controllers/replicaset/status";
import type { Pod } from "../../../src/controllers/podutil";
import type { Action } from "../../../src/controllers/types";
import { iso, pod, replicaSet, summary, T0 } from "./fixtures";

const owner = { name: "web-rs", uid: "uid-web-rs" };
const owned = (name: string, o: Partial<Parameters<typeof pod>[0]> = {}) => pod({ name, owner, node: "n1", readyAt: T0, ...o });
const creates = (actions: Action[]) => actions.filter((a) => a.type === "create");

/** The RS with the status its controller would have written for these pods. */
function converged(rs: ReplicaSet, pods: Pod[]): ReplicaSet {
  const status = decideReplicaSet({ rs, pods, now: T0 }).actions.find((a) => a.type === "updateStatus");
  return status && status.type === "updateStatus" ? (status.object as ReplicaSet) : rs;
}

describe("slow start", () => {
  test.each([
    // [missing, existing, batch]
    [10, 0, 1],
    [9, 1, 2],
    [7, 3, 4],
    [3, 7, 3],
    [100, 7, 8],
    [1000, 600, 500], // burstReplicas caps a pass
    [0, 5, 0],
  ])("%i missing with %i existing → batch of %i", (missing, existing, batch) => {
    expect(slowStartBatchSize(missing, existing)).toBe(batch);
  });

  test("a new ReplicaSet of 10 grows 1, 2, 4, 3 pass by pass, requeueing while pods are missing", () => {
    const rs = replicaSet({ replicas: 10 });
    const pods: Pod[] = [];
    const batches: number[] = [];
    for (let pass = 0; pass < 6; pass++) {
      const d = decideReplicaSet({ rs, pods, now: T0 });
      const made = creates(d.actions);
      if (made.length === 0) break;
      batches.push(made.length);
      expect(d.requeueAfterMs).toBe(pods.length + made.length < 10 ? 0 : undefined);
      made.forEach(() => pods.push(owned(`p${pods.length}`)));
    }
    expect(batches).toEqual([1, 2, 4, 3]);
  });

  test("a refused create is reported as Kubernetes words it", () => {
    expect(podCreateFailedEvent(replicaSet({}), "quota exceeded")).toMatchObject({ eventType: "Warning", reason: "FailedCreate", message: "Error creating: quota exceeded" });
  });

  test("a template that never yields pods stays at one create per pass", () => {
    const rs = replicaSet({ replicas: 50 });
    expect(creates(decideReplicaSet({ rs, pods: [], now: T0, failure: { reason: "FailedCreate", message: "quota" } }).actions)).toHaveLength(1);
  });
});

describe("creating pods", () => {
  test("from the template, with generateName, labels, controller reference and a fill-in event", () => {
    const rs = replicaSet({ replicas: 1 });
    rs.spec!.template!.metadata!.annotations = { note: "x" };
    const [create, event] = decideReplicaSet({ rs, pods: [], now: T0 }).actions;
    expect(create).toMatchObject({
      type: "create",
      resource: "pods",
      object: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          generateName: "web-rs-",
          namespace: "default",
          labels: { app: "web" },
          annotations: { note: "x" },
          ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-rs", uid: "uid-web-rs", controller: true, blockOwnerDeletion: true }],
        },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    });
    expect(event).toMatchObject({ type: "event", eventType: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${CREATED_NAME}` });
  });
});

describe("deletion order", () => {
  const now = T0 + 3_600_000;
  test.each<[string, Pod, Pod]>([
    ["unscheduled before scheduled", owned("a", { node: undefined }), owned("b")],
    ["pending before running", owned("a", { phase: "Pending" }), owned("b")],
    ["unknown before running", owned("a", { phase: "Unknown" }), owned("b")],
    ["pending before unknown", owned("a", { phase: "Pending" }), owned("b", { phase: "Unknown" })],
    ["not ready before ready", owned("a", { readyAt: undefined }), owned("b")],
    ["lower deletion cost first", owned("a", { annotations: { "controller.kubernetes.io/pod-deletion-cost": "-1" } }), owned("b")],
    ["ready for less time first", owned("a", { readyAt: now - 60_000 }), owned("b", { readyAt: now - 3_000_000 })],
    ["more restarts first", owned("a", { restarts: 3 }), owned("b", { restarts: 1 })],
    ["newer first", owned("a", { createdAt: now - 60_000 }), owned("b", { createdAt: now - 3_000_000 })],
  ])("%s", (_, first, second) => {
    expect(rankPodsForDeletion([second, first], [second, first], now).map((p) => p.metadata.name)).toEqual(["a", "b"]);
    expect(rankPodsForDeletion([first, second], [first, second], now).map((p) => p.metadata.name)).toEqual(["a", "b"]);
  });

  test("a pod on a crowded node goes before one alone on its node", () => {
    const a = owned("a", { node: "busy" });
    const b = owned("b", { node: "quiet" });
    const sibling = owned("s", { node: "busy" });
    expect(rankPodsForDeletion([b, a], [a, b, sibling], now).map((p) => p.metadata.name)).toEqual(["a", "b"]);
  });

  test("scaling 4 → 2 deletes the unscheduled and the not-ready pod, with events", () => {
    const pods = [owned("ok1"), owned("unsched", { node: undefined, readyAt: undefined, phase: "Pending" }), owned("ok2"), owned("notready", { readyAt: undefined })];
    const rs = converged(replicaSet({ replicas: 4 }), pods);
    rs.spec!.replicas = 2;
    expect(summary(decideReplicaSet({ rs, pods, now: T0 }).actions)).toEqual([
      "delete pods unsched",
      "event SuccessfulDelete: Deleted pod: unsched",
      "delete pods notready",
      "event SuccessfulDelete: Deleted pod: notready",
    ]);
  });
});

describe("adoption and release", () => {
  test("an orphan that matches is adopted with a controller reference and counted", () => {
    const orphan = pod({ name: "orphan", node: "n1", readyAt: T0 });
    const rs = replicaSet({ replicas: 1 });
    const d = decideReplicaSet({ rs, pods: [orphan], now: T0 });
    expect(summary(d.actions)).toEqual(["update pods orphan", "updateStatus apps/replicasets web-rs"]);
    const update = d.actions[0];
    expect(update.type === "update" && update.object.metadata.ownerReferences).toEqual([
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-rs", uid: "uid-web-rs", controller: true, blockOwnerDeletion: true },
    ]);
  });

  test("an owned pod that stopped matching is released and replaced", () => {
    const relabeled = owned("moved", { labels: { app: "debug" } });
    const rs = converged(replicaSet({ replicas: 1 }), [owned("moved")]);
    const d = decideReplicaSet({ rs, pods: [relabeled], now: T0 });
    expect(summary(d.actions).slice(0, 2)).toEqual(["update pods moved", "create pods web-rs-"]);
    const update = d.actions[0];
    expect(update.type === "update" && update.object.metadata.ownerReferences).toBeUndefined();
  });

  test("pods of another controller, terminating orphans and other namespaces are left alone", () => {
    const others = [
      pod({ name: "theirs", owner: { name: "x", uid: "uid-x" }, readyAt: T0 }),
      pod({ name: "dying", deleting: true, readyAt: T0 }),
      pod({ name: "elsewhere", namespace: "other", readyAt: T0 }),
    ];
    const d = decideReplicaSet({ rs: replicaSet({ replicas: 0 }), pods: others, now: T0 });
    expect(d.actions.filter((a) => a.type === "update")).toEqual([]);
  });

  test("a ReplicaSet being deleted neither adopts, releases, creates nor deletes", () => {
    const rs = replicaSet({ replicas: 5 });
    rs.metadata.deletionTimestamp = iso(T0);
    const d = decideReplicaSet({ rs, pods: [pod({ name: "orphan" }), owned("moved", { labels: { app: "other" } })], now: T0 });
    expect(summary(d.actions)).toEqual(["updateStatus apps/replicasets web-rs"]);
  });
});

describe("status", () => {
  test("counts active pods only; terminating ones are replaced at once", () => {
    const pods = [owned("a"), owned("b", { readyAt: undefined }), owned("c", { deleting: true }), owned("d", { phase: "Failed" })];
    const d = decideReplicaSet({ rs: replicaSet({ replicas: 3, generation: 4 }), pods, now: T0 });
    expect(summary(d.actions)).toEqual(["create pods web-rs-", `event SuccessfulCreate: Created pod: ${CREATED_NAME}`, "updateStatus apps/replicasets web-rs"]);
    const update = d.actions[2];
    expect(update.type === "updateStatus" && update.object.status).toEqual({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: 4 });
  });

  test("minReadySeconds: ready but not yet available pods set a wake-up at the boundary", () => {
    const pods = [owned("a", { readyAt: T0 }), owned("b", { readyAt: T0 + 2_000 })];
    const rs = replicaSet({ replicas: 2, minReadySeconds: 10 });
    const d = decideReplicaSet({ rs, pods, now: T0 + 5_000 });
    const update = d.actions.find((a) => a.type === "updateStatus");
    expect(update?.type === "updateStatus" && update.object.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(update?.type === "updateStatus" && update.object.status).not.toHaveProperty("availableReplicas");
    expect(d.requeueAfterMs).toBe(5_001);
  });

  test("ReplicaFailure appears with a failure and goes away without one", () => {
    const rs = replicaSet({ replicas: 1 });
    const failed = decideReplicaSet({ rs, pods: [], now: T0, failure: { reason: "FailedCreate", message: 'pods "web-rs-x" is forbidden: exceeded quota' } });
    const update = failed.actions.find((a) => a.type === "updateStatus");
    const withFailure = update?.type === "updateStatus" ? (update.object as ReplicaSet) : rs;
    expect(withFailure.status?.conditions).toEqual([
      { type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: 'pods "web-rs-x" is forbidden: exceeded quota', lastTransitionTime: iso(T0) },
    ]);
    const recovered = decideReplicaSet({ rs: withFailure, pods: [owned("p")], now: T0 });
    const cleared = recovered.actions.find((a) => a.type === "updateStatus");
    expect(cleared?.type === "updateStatus" && cleared.object.status).not.toHaveProperty("conditions");
  });
});

describe("idempotence", () => {
  test("a converged ReplicaSet yields no actions", () => {
    const pods = [owned("a"), owned("b"), owned("c")];
    const rs = converged(replicaSet({ replicas: 3 }), pods);
    expect(decideReplicaSet({ rs, pods, now: T0 })).toEqual({ actions: [] });
  });

  test("deciding twice on the same state gives the same actions", () => {
    const pods = [owned("a"), owned("b", { node: undefined }), pod({ name: "orphan" })];
    const input = { rs: replicaSet({ replicas: 2 }), pods, now: T0 };
    expect(decideReplicaSet(input)).toEqual(decideReplicaSet(input));
  });
});

describe("status recounts while pods change", () => {
  // Written when one pod existed; a second one has come since.
  const rs = converged(replicaSet({ replicas: 2 }), [owned("a")]);
  const pods = [owned("a"), owned("b")];
  const recount = decideReplicaSet({ rs, pods, now: T0 });

  test("writes the first recount at once and holds back the next ones until the interval is over", () => {
    expect(throttleRecount(recount, rs, undefined, T0)).toBe(recount);
    expect(throttleRecount(recount, rs, T0 - 600, T0)).toBe(recount);
    const held = throttleRecount(recount, rs, T0 - 100, T0);
    expect(summary(held.actions)).toEqual([]);
    expect(held.requeueAfterMs).toBe(STATUS_RECOUNT_INTERVAL_MS - 100);
  });

  test("never holds back a new generation or a condition", () => {
    const newer = { ...rs, metadata: { ...rs.metadata, generation: 2 } };
    const decision = decideReplicaSet({ rs: { ...converged(rs, pods), metadata: newer.metadata }, pods, now: T0 });
    expect(summary(throttleRecount(decision, newer, T0 - 100, T0).actions)).toEqual(["updateStatus apps/replicasets web-rs"]);
    const failing = decideReplicaSet({ rs, pods, now: T0, failure: { reason: "FailedCreate", message: "quota" } });
    expect(throttleRecount(failing, rs, T0 - 100, T0)).toBe(failing);
  });

  test("keeps the creates of a held-back pass and the sooner requeue", () => {
    const growing = { ...rs, spec: { ...rs.spec, replicas: 10 } };
    const decision = decideReplicaSet({ rs: growing, pods, now: T0 });
    const held = throttleRecount(decision, growing, T0 - 100, T0);
    expect(creates(held.actions)).toHaveLength(2);
    expect(held.actions.some((a) => a.type === "updateStatus")).toBe(false);
    expect(held.requeueAfterMs).toBe(0);
  });
});
