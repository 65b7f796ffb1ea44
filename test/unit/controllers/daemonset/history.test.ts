import { describe, expect, it } from "vitest";
import { REVISION_HASH_LABEL, constructHistory, revisionData, templateHash, type ControllerRevision } from "../../../../src/controllers/daemonset";
import type { Pod } from "../../../../src/controllers/podutil";
import { summary } from "../fixtures";
import { Cluster, daemonSet, imageOf, node } from "./sim";

const byRevision = (c: Cluster) => [...c.revisions.values()].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));

function rolledOut(c: Cluster): void {
  for (let i = 0; i < 20; i++) {
    c.settle();
    if ([...c.pods.values()].every((p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp)) return;
    c.kubelet();
  }
}

describe("revision data", () => {
  it("is the strategic merge patch kubectl rollout undo sends, keys sorted as Go marshals them", () => {
    const ds = daemonSet();
    ds.spec!.template!.spec = { containers: [{ name: "c", image: "agent:1", ports: [{ containerPort: 80 }] }], tolerations: [{ operator: "Exists" }] };
    expect(JSON.stringify(revisionData(ds))).toBe(
      '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"agent"}},' +
        '"spec":{"containers":[{"image":"agent:1","name":"c","ports":[{"containerPort":80}],"resources":{}}],"tolerations":[{"operator":"Exists"}]}}}}',
    );
  });
});

describe("constructHistory", () => {
  it("names the first revision <daemonset>-<hash>, revision 1, labelled and owned, with the DaemonSet's annotations", () => {
    const ds = daemonSet();
    ds.metadata.annotations = { "kubernetes.io/change-cause": "first" };
    const history = constructHistory(ds, [], []);
    const hash = templateHash(ds);
    expect(history.cur).toMatchObject({
      metadata: {
        name: `agent-${hash}`,
        labels: { app: "agent", [REVISION_HASH_LABEL]: hash },
        annotations: { "kubernetes.io/change-cause": "first" },
        ownerReferences: [{ kind: "DaemonSet", name: "agent", uid: "uid-agent", controller: true }],
      },
      revision: 1,
    });
    expect(summary(history.actions)).toEqual([`create apps/controllerrevisions agent-${hash}`]);
  });

  it("an update adds revision 2; going back to the first template renumbers revision 1 to 3 and reuses its hash", () => {
    const c = new Cluster(daemonSet(), [node("n1")]);
    rolledOut(c);
    const [first] = byRevision(c);
    c.setImage("agent:2");
    rolledOut(c);
    expect(byRevision(c).map((r) => r.revision)).toEqual([1, 2]);
    c.setImage("agent:1");
    rolledOut(c);
    expect(byRevision(c).map((r) => [r.metadata.name, r.revision])).toEqual([
      [expect.not.stringMatching(first.metadata.name ?? ""), 2],
      [first.metadata.name, 3],
    ]);
    const [pod] = c.pods.values();
    expect(imageOf(pod)).toBe("agent:1");
    expect(pod.metadata.labels?.[REVISION_HASH_LABEL]).toBe(first.metadata.labels?.[REVISION_HASH_LABEL]);
  });

  it("keeps revisionHistoryLimit old revisions, never one a pod still runs", () => {
    const c = new Cluster(daemonSet({ revisionHistoryLimit: 1, strategy: { type: "OnDelete" } }), [node("n1")]);
    rolledOut(c);
    for (const image of ["agent:2", "agent:3", "agent:4"]) {
      c.setImage(image);
      c.settle();
    }
    // The pod still runs revision 1 (OnDelete): it stays (and fills the one place); 2 and 3 go.
    expect(byRevision(c).map((r) => r.revision)).toEqual([1, 4]);
  });

  it("bumps collisionCount when another template holds the name, and only that", () => {
    const ds = daemonSet();
    const squatter: ControllerRevision = {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name: `agent-${templateHash(ds)}`, namespace: "default", uid: "uid-squatter" },
      data: { spec: { template: { metadata: { labels: { app: "other" } } } } },
      revision: 1,
    };
    const history = constructHistory(ds, [squatter], []);
    expect(history.collision).toBe(true);
    expect(history.actions).toEqual([{ type: "updateStatus", resource: "apps/daemonsets", object: { ...ds, status: { collisionCount: 1 } } }]);
    const bumped = { ...ds, status: { collisionCount: 1 } };
    expect(templateHash(bumped)).not.toBe(templateHash(ds));
    expect(summary(constructHistory(bumped, [squatter], []).actions)).toEqual([`create apps/controllerrevisions agent-${templateHash(bumped)}`]);
  });

  it("adopts an orphan revision of its template and gives it the hash label it lacks", () => {
    const ds = daemonSet();
    const orphan: ControllerRevision = { apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "agent-old", namespace: "default", uid: "uid-old", labels: { app: "agent" } }, data: revisionData(ds), revision: 4 };
    const history = constructHistory(ds, [orphan], []);
    expect(summary(history.actions)).toEqual(["update apps/controllerrevisions agent-old"]);
    expect(history.actions[0].type === "update" && history.actions[0].object.metadata).toMatchObject({ labels: { [REVISION_HASH_LABEL]: "agent-old" }, ownerReferences: [{ uid: "uid-agent" }] });
    expect(history.cur?.metadata.name).toBe("agent-old");
  });

  it("keeps the highest of two revisions of the current template, moving the other's pods to it", () => {
    const ds = daemonSet();
    const owner = [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "agent", uid: "uid-agent", controller: true }];
    const revision = (name: string, n: number): ControllerRevision => ({
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name, namespace: "default", uid: `uid-${name}`, labels: { app: "agent", [REVISION_HASH_LABEL]: name }, ownerReferences: owner },
      data: revisionData(ds),
      revision: n,
    });
    const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", labels: { app: "agent", [REVISION_HASH_LABEL]: "dup" } }, spec: {} };
    const history = constructHistory(ds, [revision("dup", 1), revision("keep", 2)], [pod]);
    expect(summary(history.actions)).toEqual(["update pods p", "delete apps/controllerrevisions dup"]);
    expect(history.actions[0].type === "update" && history.actions[0].object.metadata.labels).toEqual({ app: "agent", [REVISION_HASH_LABEL]: "keep" });
    expect(history.cur?.metadata.name).toBe("keep");
  });
});
