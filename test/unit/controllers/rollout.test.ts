// A whole rolling update, step by step: the Deployment and ReplicaSet deciders act on a fake
// cluster, the kubelet turns pods ready a few at a time, and at every intermediate state the
// pods stay within the fenceposts: available ≥ replicas − maxUnavailable, active ≤ replicas + maxSurge.
import { describe, expect, test } from "vitest";
import { decideReplicaSet } from "../../../src/controllers/replicaset";
import { resolveFenceposts, type IntOrPercent } from "../../../src/controllers/deployment";
import { deployment } from "./fixtures";
import { Cluster } from "./sim";

function expectConverged(c: Cluster): void {
  expect(c.decideDeployment()).toEqual({ actions: [] });
  for (const rs of c.replicaSets.values()) expect(decideReplicaSet({ rs, pods: [...c.pods.values()], now: c.now }).actions).toEqual([]);
}

interface Scenario {
  replicas: number;
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  /** Pods the kubelet starts per step. */
  perStep: number;
  minReadySeconds?: number;
  graceful?: boolean;
}

describe.each<Scenario>([
  { replicas: 10, maxSurge: "25%", maxUnavailable: "25%", perStep: 1 },
  { replicas: 10, maxSurge: "25%", maxUnavailable: "25%", perStep: 100 },
  { replicas: 1, maxSurge: "25%", maxUnavailable: "25%", perStep: 1 },
  { replicas: 3, maxSurge: 0, maxUnavailable: 1, perStep: 1 },
  { replicas: 5, maxSurge: 2, maxUnavailable: 0, perStep: 2, minReadySeconds: 5 },
  { replicas: 7, maxSurge: "50%", maxUnavailable: "30%", perStep: 3, graceful: true },
])("rolling update of $replicas replicas, surge $maxSurge, unavailable $maxUnavailable, $perStep ready per step", (s) => {
  test("stays within the fenceposts and converges on the new template", () => {
    const { surge, unavailable } = resolveFenceposts(s.maxSurge, s.maxUnavailable, s.replicas);
    const c = new Cluster(
      deployment({ replicas: s.replicas, minReadySeconds: s.minReadySeconds ?? 0, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable } } }),
    );
    c.gracefulDeletes = s.graceful ?? false;
    const step = () => {
      c.kubelet(s.perStep);
      c.now += 6_000;
      c.settle();
    };

    c.settle();
    for (let i = 0; i < 50 && c.availablePods().length < s.replicas; i++) step();
    expect(c.availablePods()).toHaveLength(s.replicas);
    expect(c.deployment.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    expectConverged(c);

    let lowest = Infinity;
    let highest = 0;
    c.onChange = () => {
      lowest = Math.min(lowest, c.availablePods().length);
      highest = Math.max(highest, c.activePods().length);
    };
    c.setImage("nginx:2");
    for (let i = 0; i < 100 && !(c.imagesOfAvailable().every((img) => img === "nginx:2") && c.availablePods().length === s.replicas && c.activePods().length === s.replicas); i++) step();
    c.settle();

    expect(lowest).toBeGreaterThanOrEqual(s.replicas - unavailable);
    expect(highest).toBeLessThanOrEqual(s.replicas + surge);
    expect(c.imagesOfAvailable()).toEqual(Array(s.replicas).fill("nginx:2"));
    expect(c.deployment.status).toMatchObject({ replicas: s.replicas, updatedReplicas: s.replicas, availableReplicas: s.replicas, observedGeneration: 2 });
    expect(c.deployment.status?.conditions?.map((x) => [x.type, x.status, x.reason])).toEqual([
      ["Available", "True", "MinimumReplicasAvailable"],
      ["Progressing", "True", "NewReplicaSetAvailable"],
    ]);
    expect(c.deployment.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    const sizes = [...c.replicaSets.values()].map((rs) => [rs.metadata.annotations?.["deployment.kubernetes.io/revision"], rs.spec?.replicas]);
    expect(sizes.sort()).toEqual([
      ["1", 0],
      ["2", s.replicas],
    ]);
    expectConverged(c);
  });
});

describe("Recreate", () => {
  test("scales the old ReplicaSet to 0, waits for its pods to be gone, then creates the new one at full size", () => {
    const c = new Cluster(deployment({ replicas: 3, strategy: { type: "Recreate" } }));
    c.gracefulDeletes = true;
    c.settle();
    c.kubelet();
    c.settle();
    expect(c.availablePods()).toHaveLength(3);
    c.events.length = 0;

    let mixed = false;
    c.onChange = () => {
      const images = new Set([...c.pods.values()].map((p) => String((p.spec?.containers as { image: string }[])[0].image)));
      if (images.size > 1) mixed = true;
    };
    c.setImage("nginx:2");
    c.settle();
    // Old pods are terminating: no new ReplicaSet yet.
    expect(c.replicaSets.size).toBe(1);
    expect([...c.pods.values()].every((p) => p.metadata.deletionTimestamp)).toBe(true);
    c.kubelet(); // terminating pods go away
    c.settle();
    expect(c.replicaSets.size).toBe(2);
    c.kubelet();
    c.settle();
    expect(mixed).toBe(false);
    expect(c.imagesOfAvailable()).toEqual(["nginx:2", "nginx:2", "nginx:2"]);
    expect(c.events.filter((e) => e.startsWith("ScalingReplicaSet"))).toEqual([
      expect.stringMatching(/^ScalingReplicaSet: Scaled down replica set web-\w+ from 3 to 0$/),
      expect.stringMatching(/^ScalingReplicaSet: Scaled up replica set web-\w+ from 0 to 3$/),
    ]);
    expectConverged(c);
  });
});
