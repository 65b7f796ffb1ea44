// The patch bodies below are byte for byte what kubectl 1.32.4 sent (captured with a logging
// server) for the commands named in each test, against the live object of fixtures.ts.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { strategicMergePatch } from "../../../src/api/patch/strategic";
import { mergeList } from "../../../src/apis/patchmeta";
import { at, deploymentSchema, liveDeployment } from "./fixtures";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

function patched(body: string, live: unknown = liveDeployment()): Record<string, unknown> {
  const r = strategicMergePatch(live, JSON.parse(body), deploymentSchema);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as Record<string, unknown>;
}

const containers = (obj: unknown) => at(obj, "spec", "template", "spec", "containers") as Record<string, unknown>[];
const names = (list: Record<string, unknown>[]) => list.map((c) => c.name ?? c.containerPort);

describe("strategic merge patch: what kubectl apply sends", () => {
  it("apply after changing nginx's image and removing env B", () => {
    const body = String.raw`{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"labels\":{\"app\":\"web\"},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"env\":[{\"name\":\"A\",\"value\":\"1\"}],\"image\":\"nginx:1.26\",\"name\":\"nginx\",\"ports\":[{\"containerPort\":80},{\"containerPort\":443}]},{\"command\":[\"sleep\",\"infinity\"],\"image\":\"busybox:1.36\",\"name\":\"sidecar\"}]}}}}\n"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],"containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"$patch":"delete","name":"B"}],"image":"nginx:1.26","name":"nginx"}]}}}}`;
    const out = patched(body);
    const [nginx, sidecar] = containers(out);
    expect(names(containers(out))).toEqual(["nginx", "sidecar"]);
    expect(nginx.image).toBe("nginx:1.26");
    expect(nginx.env).toEqual([{ name: "A", value: "1" }]);
    expect(nginx.ports).toEqual([
      { containerPort: 80, protocol: "TCP" },
      { containerPort: 443, protocol: "TCP" },
    ]);
    expect(nginx.imagePullPolicy).toBe("IfNotPresent");
    expect(sidecar).toEqual(containers(liveDeployment())[1]);
    expect(JSON.parse(at(out, "metadata", "annotations", LAST_APPLIED) as string).spec.template.spec.containers[0].image).toBe("nginx:1.26");
    expect(at(out, "spec", "strategy")).toEqual(at(liveDeployment(), "spec", "strategy"));
  });

  it("apply after removing a port", () => {
    const body = String.raw`{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],"containers":[{"$setElementOrder/ports":[{"containerPort":80}],"name":"nginx","ports":[{"$patch":"delete","containerPort":443}]}]}}}}`;
    const out = patched(body);
    expect(containers(out)[0].ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    expect(containers(out)[0].env).toHaveLength(2);
  });

  it("apply after reordering the containers", () => {
    const body = String.raw`{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"nginx"}]}}}}`;
    const out = patched(body);
    expect(names(containers(out))).toEqual(["sidecar", "nginx"]);
    expect(containers(out)[1]).toEqual(containers(liveDeployment())[0]);
  });

  it("apply after dropping a finalizer and switching to the Recreate strategy ($deleteFromPrimitiveList, $retainKeys)", () => {
    const live = liveDeployment();
    (live.metadata as Record<string, unknown>).finalizers = ["example.com/a", "example.com/b"];
    const body = String.raw`{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/b"],"$setElementOrder/finalizers":["example.com/a"],"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"}},"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}`;
    const out = patched(body, live);
    expect(at(out, "metadata", "finalizers")).toEqual(["example.com/a"]);
    expect(at(out, "spec", "strategy")).toEqual({ type: "Recreate" });
  });

  it("leaves the live object untouched", () => {
    const live = liveDeployment();
    patched(String.raw`{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"nginx"}]}}}}`, live);
    expect(live).toEqual(liveDeployment());
  });
});

describe("strategic merge patch: other kubectl commands", () => {
  it("kubectl rollout restart adds the restartedAt annotation to the template", () => {
    const out = patched(`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-27T15:13:38Z"}}}}}`);
    expect(at(out, "spec", "template", "metadata")).toEqual({ labels: { app: "web" }, annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-27T15:13:38Z" } });
  });

  it("kubectl set image and kubectl edit change one container", () => {
    const setImage = patched(`{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],"containers":[{"image":"nginx:1.27","name":"nginx"}]}}}}`);
    expect(containers(setImage).map((c) => c.image)).toEqual(["nginx:1.27", "busybox:1.36"]);
    const edit = patched(`{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],"containers":[{"image":"busybox:1.37","name":"sidecar"}]}}}}`);
    expect(containers(edit).map((c) => c.image)).toEqual(["nginx:1.25", "busybox:1.37"]);
  });

  it("kubectl patch and label-style changes merge maps and delete with null", () => {
    expect(at(patched(`{"spec":{"replicas":4}}`), "spec", "replicas")).toBe(4);
    expect(at(patched(`{"metadata":{"labels":{"tier":"frontend"}}}`), "metadata", "labels")).toEqual({ app: "web", tier: "frontend" });
    expect(at(patched(`{"metadata":{"labels":{"app":null}}}`), "metadata", "labels")).toEqual({});
  });
});

describe("strategic merge patch: list semantics", () => {
  it("merges a new container in front of the existing ones, as kube-apiserver does", () => {
    const out = patched(`{"spec":{"template":{"spec":{"containers":[{"name":"redis","image":"redis"}]}}}}`);
    expect(names(containers(out))).toEqual(["redis", "nginx", "sidecar"]);
  });

  it("keeps the patch's order for patched items and the server's for the others", () => {
    const out = patched(`{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"b"},{"name":"new"},{"name":"nginx","image":"a"}]}}}}`);
    expect(names(containers(out))).toEqual(["sidecar", "new", "nginx"]);
  });

  it("unions primitive merge lists and deletes from them", () => {
    const live = { metadata: { finalizers: ["a", "b"] } };
    expect(at(patched(`{"metadata":{"finalizers":["c"]}}`, live), "metadata", "finalizers")).toEqual(["c", "a", "b"]);
    expect(at(patched(`{"metadata":{"finalizers":["b","c"]}}`, live), "metadata", "finalizers")).toEqual(["a", "b", "c"]);
    expect(at(patched(`{"metadata":{"$deleteFromPrimitiveList/finalizers":["a","z"]}}`, live), "metadata", "finalizers")).toEqual(["b"]);
    expect(at(patched(`{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}`, {}), "metadata")).toEqual({});
  });

  it("replaces lists without the merge strategy", () => {
    const out = patched(`{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","command":["true"]}]}}}}`);
    expect(containers(out)[1].command).toEqual(["true"]);
  });

  it("replaces a whole merge list with $patch: replace", () => {
    const out = patched(`{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"x"},{"$patch":"replace"}]}}}}`);
    expect(containers(out)).toEqual([{ name: "only", image: "x" }]);
  });

  it("replaces or deletes a map with $patch", () => {
    const replaced = patched(`{"spec":{"strategy":{"$patch":"replace","type":"Recreate"}}}`);
    expect(at(replaced, "spec", "strategy")).toEqual({ type: "Recreate" });
    const deleted = patched(`{"spec":{"template":{"spec":{"securityContext":{"$patch":"delete"}}}}}`);
    expect(at(deleted, "spec", "template", "spec", "securityContext")).toEqual({});
  });

  it("does not store directives of a list the original lacks", () => {
    const out = patched(`{"spec":{"template":{"spec":{"initContainers":[{"name":"init","image":"x"},{"name":"gone","$patch":"delete"}]}}}}`);
    expect(at(out, "spec", "template", "spec", "initContainers")).toEqual([{ name: "init", image: "x" }]);
  });

  it("merges untyped maps key by key and replaces untyped lists", () => {
    const r = strategicMergePatch({ a: { b: 1, c: [1, 2] } }, { a: { d: 2, c: [3] } }, undefined);
    expect(r).toEqual({ ok: true, value: { a: { b: 1, c: [3], d: 2 } } });
  });

  it("merges lists tagged on a small schema by their key", () => {
    const schema = z.object({ items: z.array(z.object({ id: z.number(), v: z.string().optional() })).meta({ ...mergeList("id") }).optional() });
    const r = strategicMergePatch({ items: [{ id: 1, v: "a" }, { id: 2 }] }, { items: [{ id: 2, v: "b" }] }, schema);
    expect(r).toEqual({ ok: true, value: { items: [{ id: 1, v: "a" }, { id: 2, v: "b" }] } });
  });
});

describe("strategic merge patch: malformed patches", () => {
  const reason = (body: string) => {
    const r = strategicMergePatch(liveDeployment(), JSON.parse(body), deploymentSchema);
    return r.ok ? "applied" : `${r.error.reason}: ${r.error.message}`;
  };

  it("answers 400 with Kubernetes' messages", () => {
    expect(reason(`[]`)).toBe("BadRequest: json: cannot unmarshal array into Go value of type map[string]interface {}");
    expect(reason(`{"spec":{"$patch":"merge"}}`)).toMatch(/^BadRequest: unknown patch type: merge in map/);
    expect(reason(`{"spec":{"template":{"spec":{"containers":[{"$patch":"merge"}]}}}}`)).toBe("BadRequest: merging lists cannot yet be specified in the patch");
    expect(reason(`{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}`)).toMatch(/^BadRequest: map: .* does not contain declared merge key: name$/);
    expect(reason(`{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}}`)).toBe("BadRequest: invalid patch format of retainKeys");
    expect(reason(`{"spec":{"$setElementOrder":[]}}`)).toBe("BadRequest: invalid patch format of setElementOrder list");
    expect(reason(`{"metadata":{"$deleteFromPrimitiveList":[]}}`)).toBe("BadRequest: invalid patch format of primitive list");
    expect(reason(`{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"name":"other"}]}}}}`)).toMatch(/^BadRequest: The order in patch list/);
  });

  it("answers 422 for lists of lists", () => {
    const r = strategicMergePatch({ metadata: { finalizers: ["a"] } }, { metadata: { finalizers: [["b"]] } }, deploymentSchema);
    expect(r).toEqual({ ok: false, error: { reason: "Invalid", message: "lists of lists are not supported" } });
  });
});
