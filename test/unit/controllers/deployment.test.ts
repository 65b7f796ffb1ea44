import { describe, expect, test } from "vitest";
import { decideDeployment, replicaSetCreateFailed, type Deployment } from "../../../src/controllers/deployment";
import type { ReplicaSet } from "../../../src/controllers/replicaset";
import type { Action } from "../../../src/controllers/types";
import { deployment, iso, pod, replicaSet, summary, T0 } from "./fixtures";
import { Cluster } from "./sim";

const rsOf = (c: Cluster) => [...c.replicaSets.values()];
const rsByRevision = (c: Cluster) =>
  rsOf(c)
    .map((rs) => [rs.metadata.annotations?.["deployment.kubernetes.io/revision"], rs.metadata.annotations?.["deployment.kubernetes.io/revision-history"], rs.spec?.replicas])
    .sort();
const statusOf = (actions: Action[]) => {
  const a = actions.find((x) => x.type === "updateStatus");
  return a?.type === "updateStatus" ? (a.object as Deployment).status : undefined;
};

/** A cluster whose Deployment is fully rolled out and available. */
function running(d: Deployment): Cluster {
  const c = new Cluster(d);
  for (let i = 0; i < 20; i++) {
    c.settle();
    if (c.kubelet() === 0) break;
  }
  c.settle();
  return c;
}

describe("the new ReplicaSet", () => {
  test("is named <deployment>-<pod-template-hash>, carries the hash and the Deployment's annotations", () => {
    const d = deployment({ replicas: 4, annotations: { "kubernetes.io/change-cause": "kubectl set image", "kubectl.kubernetes.io/last-applied-configuration": "{}" } });
    const { actions } = decideDeployment({ deployment: d, replicaSets: [], pods: [], now: T0 });
    expect(summary(actions)).toEqual([expect.stringMatching(/^create apps\/replicasets web-[456789bcdf]+$/), expect.stringMatching(/^event ScalingReplicaSet: Scaled up replica set web-\w+ from 0 to 4$/), "updateStatus apps/deployments web"]);
    const rs = actions[0].type === "create" ? (actions[0].object as ReplicaSet) : undefined;
    const hash = rs?.metadata.name?.slice("web-".length);
    expect(rs).toMatchObject({
      metadata: {
        labels: { app: "web", "pod-template-hash": hash },
        annotations: {
          "deployment.kubernetes.io/revision": "1",
          "deployment.kubernetes.io/desired-replicas": "4",
          "deployment.kubernetes.io/max-replicas": "5",
          "kubernetes.io/change-cause": "kubectl set image",
        },
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "uid-web", controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: 4, selector: { matchLabels: { app: "web", "pod-template-hash": hash } }, template: { metadata: { labels: { app: "web", "pod-template-hash": hash } } } },
    });
    expect(rs?.metadata.annotations).not.toHaveProperty("kubectl.kubernetes.io/last-applied-configuration");
    expect(statusOf(actions)?.conditions).toEqual([
      { type: "Progressing", status: "True", reason: "NewReplicaSetCreated", message: `Created new replica set "${rs?.metadata.name}"`, lastUpdateTime: iso(T0), lastTransitionTime: iso(T0) },
      { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability.", lastUpdateTime: iso(T0), lastTransitionTime: iso(T0) },
    ]);
  });

  test("the Deployment's revision annotation follows on the pass after the status", () => {
    const c = new Cluster(deployment({ replicas: 2 }));
    c.apply(c.decideDeployment().actions);
    expect(summary(c.decideDeployment().actions)).toEqual(["update apps/deployments web"]);
    c.apply(c.decideDeployment().actions);
    expect(c.deployment.metadata.annotations).toEqual({ "deployment.kubernetes.io/revision": "1" });
  });

  test("kubectl rollout restart (a template annotation) starts a new revision", () => {
    const c = running(deployment({ replicas: 2 }));
    const d = structuredClone(c.deployment);
    d.spec!.template!.metadata!.annotations = { "kubectl.kubernetes.io/restartedAt": "2025-01-01T01:00:00Z" };
    c.deployment = d;
    c.settle();
    expect(rsByRevision(c).map((r) => r[0])).toEqual(["1", "2"]);
  });
});

describe("rollback and history", () => {
  test("an old ReplicaSet whose template comes back gets the next revision and remembers its old one", () => {
    const c = running(deployment({ replicas: 2 }));
    c.setImage("nginx:2");
    for (let i = 0; i < 10; i++) {
      c.settle();
      c.kubelet();
    }
    c.settle();
    expect(rsByRevision(c)).toEqual([
      ["1", undefined, 0],
      ["2", undefined, 2],
    ]);
    c.setImage("nginx:1"); // kubectl rollout undo writes the old template back
    for (let i = 0; i < 10; i++) {
      c.settle();
      c.kubelet();
    }
    c.settle();
    expect(rsByRevision(c)).toEqual([
      ["2", undefined, 0],
      ["3", "1", 2],
    ]);
    expect(c.deployment.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
    expect(c.imagesOfAvailable()).toEqual(["nginx:1", "nginx:1"]);
  });

  test("revisionHistoryLimit deletes the oldest scaled-down ReplicaSets once the rollout is complete", () => {
    const c = running(deployment({ replicas: 1, revisionHistoryLimit: 2 }));
    for (const image of ["nginx:2", "nginx:3", "nginx:4", "nginx:5"]) {
      c.setImage(image);
      for (let i = 0; i < 10; i++) {
        c.settle();
        c.kubelet();
      }
    }
    c.settle();
    expect(rsByRevision(c).map((r) => r[0])).toEqual(["3", "4", "5"]);
  });

  test("an old ReplicaSet that still has pods, or whose status lags, is kept", () => {
    const d = deployment({ replicas: 1, revisionHistoryLimit: 0 });
    const c = running(d);
    c.setImage("nginx:2");
    c.settle();
    const old = rsOf(c).find((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "1");
    expect(old?.spec?.replicas).toBe(1); // maxUnavailable 0: the old pod stays until a new one is available
    c.kubelet();
    c.settle();
    expect(rsOf(c)).toHaveLength(1);
  });
});

describe("paused", () => {
  test("a template change makes no new ReplicaSet; the condition says DeploymentPaused", () => {
    const c = running(deployment({ replicas: 2 }));
    const d = structuredClone(c.deployment);
    d.spec!.paused = true;
    c.deployment = d;
    c.setImage("nginx:2");
    const { actions } = c.decideDeployment();
    expect(summary(actions)).toEqual(["updateStatus apps/deployments web"]);
    expect(statusOf(actions)?.conditions?.find((x) => x.type === "Progressing")).toMatchObject({ status: "Unknown", reason: "DeploymentPaused", message: "Deployment is paused" });
  });

  function pausedAfterRollout(): Cluster {
    const c = running(deployment({ replicas: 2 }));
    const d = structuredClone(c.deployment);
    d.spec!.paused = true;
    c.deployment = d;
    c.settle();
    return c;
  }

  test("a Deployment created paused makes no ReplicaSet at all", () => {
    const c = new Cluster(deployment({ replicas: 2, paused: true }));
    c.settle();
    expect(c.replicaSets.size).toBe(0);
  });

  test("scaling still works while paused", () => {
    const c = pausedAfterRollout();
    c.setReplicas(5);
    const { actions } = c.decideDeployment();
    expect(summary(actions)).toEqual([
      expect.stringMatching(/^update apps\/replicasets web-\w+$/),
      expect.stringMatching(/^event ScalingReplicaSet: Scaled up replica set web-\w+ from 2 to 5$/),
      "updateStatus apps/deployments web",
    ]);
  });

  test("resuming a rollout paused halfway says DeploymentResumed (a complete one goes straight to NewReplicaSetAvailable)", () => {
    const c = running(deployment({ replicas: 2 }));
    c.setImage("nginx:2");
    c.settle(); // new pods exist but are not ready
    const paused = structuredClone(c.deployment);
    paused.spec!.paused = true;
    c.deployment = paused;
    c.settle();
    expect(c.deployment.status?.conditions?.find((x) => x.type === "Progressing")?.reason).toBe("DeploymentPaused");
    const resumed = structuredClone(c.deployment);
    resumed.spec!.paused = false;
    c.deployment = resumed;
    expect(statusOf(c.decideDeployment().actions)?.conditions?.find((x) => x.type === "Progressing")).toMatchObject({ status: "Unknown", reason: "DeploymentResumed", message: "Deployment is resumed" });
  });
});

describe("proportional scaling mid-rollout", () => {
  test("replicas 10 → 15 with old 8 and new 5 (sized for 13): old 11, new 7", () => {
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
    const c = running(deployment({ replicas: 10, strategy }));
    c.setImage("nginx:2");
    c.apply(c.decideDeployment().actions); // new RS at 3, old at 8
    c.settleReplicaSets();
    c.apply(c.decideDeployment().actions); // new RS at 5
    const sizes = () => rsOf(c).map((rs) => [rs.spec?.template?.spec?.containers, rs.spec?.replicas].map((x) => JSON.stringify(x)).join(" "));
    expect(sizes()).toEqual([`[{"name":"c","image":"nginx:1"}] 8`, `[{"name":"c","image":"nginx:2"}] 5`]);
    c.setReplicas(15);
    const { actions } = c.decideDeployment();
    c.apply(actions);
    expect(sizes()).toEqual([`[{"name":"c","image":"nginx:1"}] 11`, `[{"name":"c","image":"nginx:2"}] 7`]);
    expect(summary(actions).filter((s) => s.startsWith("event"))).toEqual([
      expect.stringMatching(/Scaled up replica set web-\w+ from 8 to 11$/),
      expect.stringMatching(/Scaled up replica set web-\w+ from 5 to 7$/),
    ]);
    expect(rsOf(c).map((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/desired-replicas"])).toEqual(["15", "15"]);
  });

  test("scaling a settled Deployment scales its one ReplicaSet", () => {
    const c = running(deployment({ replicas: 3 }));
    c.setReplicas(1);
    expect(summary(c.decideDeployment().actions)).toEqual([
      expect.stringMatching(/^update apps\/replicasets web-\w+$/),
      expect.stringMatching(/^event ScalingReplicaSet: Scaled down replica set web-\w+ from 3 to 1$/),
      "updateStatus apps/deployments web",
    ]);
  });
});

describe("adoption and release of ReplicaSets", () => {
  test("an orphan ReplicaSet that matches the selector is adopted; an owned one that stopped matching is released", () => {
    const d = deployment({ replicas: 0 });
    const orphan = replicaSet({ name: "orphan", replicas: 0 });
    const moved = replicaSet({ name: "moved", replicas: 0, labels: { app: "other" } });
    moved.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "uid-web", controller: true }];
    const foreign = replicaSet({ name: "foreign", replicas: 0 });
    foreign.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: "Deployment", name: "x", uid: "uid-x", controller: true }];
    const { actions } = decideDeployment({ deployment: d, replicaSets: [orphan, moved, foreign], pods: [], now: T0 });
    const updates = actions.filter((a) => a.type === "update");
    expect(updates.map((a) => [a.type === "update" && a.object.metadata.name, a.type === "update" && a.object.metadata.ownerReferences?.map((r) => r.uid)])).toEqual([
      ["moved", undefined],
      ["orphan", ["uid-web"]],
    ]);
  });
});

describe("hash collision", () => {
  test("a foreign ReplicaSet holding the name bumps collisionCount and nothing else; the next name differs", () => {
    const d = deployment({ replicas: 1 });
    const first = decideDeployment({ deployment: d, replicaSets: [], pods: [], now: T0 });
    const name = first.actions[0].type === "create" ? first.actions[0].object.metadata.name : "";
    const squatter = replicaSet({ name, labels: { app: "other" } });
    const bumped = decideDeployment({ deployment: d, replicaSets: [squatter], pods: [], now: T0 });
    expect(summary(bumped.actions)).toEqual(["updateStatus apps/deployments web"]);
    expect(statusOf(bumped.actions)?.collisionCount).toBe(1);
    const retried = decideDeployment({ deployment: { ...d, status: { collisionCount: 1 } }, replicaSets: [squatter], pods: [], now: T0 });
    expect(retried.actions[0].type === "create" && retried.actions[0].object.metadata.name).not.toBe(name);
  });
});

describe("progress deadline", () => {
  function stuck(progressDeadlineSeconds: number): Cluster {
    const c = running(deployment({ replicas: 2, progressDeadlineSeconds }));
    c.setImage("nginx:broken");
    c.settle(); // new pods are created but never become ready
    return c;
  }

  test("no progress for progressDeadlineSeconds: Progressing=False ProgressDeadlineExceeded, with a wake-up before", () => {
    const c = stuck(60);
    const cond = () => c.deployment.status?.conditions?.find((x) => x.type === "Progressing");
    expect(cond()?.reason).toBe("ReplicaSetUpdated");
    const lastUpdate = Date.parse(String(cond()?.lastUpdateTime));
    c.now = lastUpdate + 30_000;
    expect(c.decideDeployment()).toEqual({ actions: [], requeueAfterMs: 31_000 });
    c.now = lastUpdate + 60_001;
    const { actions, requeueAfterMs } = c.decideDeployment();
    expect(statusOf(actions)?.conditions?.find((x) => x.type === "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: expect.stringMatching(/^ReplicaSet "web-\w+" has timed out progressing\.$/),
    });
    expect(requeueAfterMs).toBeUndefined();
    c.apply(actions);
    expect(c.decideDeployment()).toEqual({ actions: [] });
  });

  test("a refused ReplicaSet create reports ReplicaSetCreateError; the retry that succeeds replaces it", () => {
    const d = deployment({ replicas: 1 });
    const failed = replicaSetCreateFailed({ deployment: d, replicaSetName: "web-abc", message: "exceeded quota", now: T0 });
    expect(summary(failed)).toEqual(["updateStatus apps/deployments web", 'event ReplicaSetCreateError: Failed to create new replica set "web-abc": exceeded quota']);
    const after = { ...d, status: statusOf(failed) };
    expect(after.status?.conditions).toEqual([{ type: "Progressing", status: "False", reason: "ReplicaSetCreateError", message: 'Failed to create new replica set "web-abc": exceeded quota', lastUpdateTime: iso(T0), lastTransitionTime: iso(T0) }]);
    const retry = decideDeployment({ deployment: after, replicaSets: [], pods: [], now: T0 + 1_000 });
    expect(statusOf(retry.actions)?.conditions?.[0]).toMatchObject({ status: "True", reason: "NewReplicaSetCreated", lastTransitionTime: iso(T0 + 1_000) });
  });

  test("a completed rollout sets no wake-up", () => {
    expect(running(deployment({ replicas: 2 })).decideDeployment()).toEqual({ actions: [] });
  });
});

describe("Recreate", () => {
  test("pods of the old ReplicaSet that are not finished hold the new one back; Succeeded and Failed ones do not", () => {
    const c = running(deployment({ replicas: 1, strategy: { type: "Recreate" } }));
    c.setImage("nginx:2");
    c.apply(c.decideDeployment().actions); // old scaled to 0
    const [old] = rsOf(c);
    expect(old.spec?.replicas).toBe(0);
    old.status = { replicas: 0, observedGeneration: 2 };
    const oldPod = (phase: string) => pod({ name: "old", owner: { name: old.metadata.name ?? "", uid: old.metadata.uid ?? "" }, phase, deleting: true });
    const decide = (phase: string) => decideDeployment({ deployment: c.deployment, replicaSets: rsOf(c), pods: [oldPod(phase)], now: c.now }).actions;
    expect(decide("Running").some((a) => a.type === "create")).toBe(false);
    expect(decideDeployment({ deployment: c.deployment, replicaSets: rsOf(c), pods: [oldPod("Running")], now: c.now }).requeueAfterMs).toBe(5_000);
    expect(decide("Unknown").some((a) => a.type === "create")).toBe(false);
    expect(decide("Succeeded").some((a) => a.type === "create")).toBe(true);
    expect(decide("Failed").some((a) => a.type === "create")).toBe(true);
  });
});

describe("other paths", () => {
  test("a Deployment being deleted only syncs its status", () => {
    const c = running(deployment({ replicas: 2 }));
    const d = structuredClone(c.deployment);
    d.metadata.deletionTimestamp = iso(T0);
    c.deployment = d;
    c.setImage("nginx:2");
    c.setReplicas(5);
    expect(summary(c.decideDeployment().actions)).toEqual(["updateStatus apps/deployments web"]);
  });

  test("an empty selector is refused with a SelectingAll warning, once per generation", () => {
    const d = deployment({ replicas: 1 });
    d.spec!.selector = {};
    const first = decideDeployment({ deployment: d, replicaSets: [], pods: [], now: T0 });
    expect(summary(first.actions)).toEqual(["event SelectingAll: This deployment is selecting all pods. A non-empty selector is required.", "updateStatus apps/deployments web"]);
    expect(decideDeployment({ deployment: { ...d, status: { observedGeneration: 1 } }, replicaSets: [], pods: [], now: T0 })).toEqual({ actions: [] });
  });

  test("deciding twice on a state mid-rollout gives the same actions", () => {
    const c = running(deployment({ replicas: 10 }));
    c.setImage("nginx:2");
    c.settle();
    c.kubelet(2);
    c.settleReplicaSets();
    const input = { deployment: c.deployment, replicaSets: rsOf(c), pods: [...c.pods.values()], now: c.now };
    const once = decideDeployment(structuredClone(input));
    expect(once.actions.length).toBeGreaterThan(0);
    expect(decideDeployment(structuredClone(input))).toEqual(once);
  });

  test("the decision does not modify its input", () => {
    const c = running(deployment({ replicas: 4 }));
    c.setImage("nginx:2");
    const input = { deployment: c.deployment, replicaSets: rsOf(c), pods: [...c.pods.values()], now: c.now };
    const before = structuredClone(input);
    decideDeployment(input);
    expect(input).toEqual(before);
  });
});
