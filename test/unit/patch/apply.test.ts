import { describe, expect, it } from "vitest";
import type { KubeObject, ManagedFieldsEntry } from "../../../src/apis/types";
import { applyPatch, type ApplyOptions } from "../../../src/api/patch/apply";
import { updateManagedFields } from "../../../src/api/patch/managedfields";
import { at, deploymentSchema, liveDeployment } from "./fixtures";

const T0 = "2025-01-01T00:00:00Z";
const T1 = "2025-01-01T00:01:00Z";
const T2 = "2025-01-01T00:02:00Z";

/** The Deployment as `kubectl apply` (client-side) created it, managedFields included. */
function createdClientSide(): KubeObject {
  const obj = liveDeployment() as unknown as KubeObject;
  const managedFields = updateManagedFields({ old: undefined, updated: obj, manager: "kubectl-client-side-apply", operation: "Update", apiVersion: "apps/v1", now: T0, schema: deploymentSchema });
  return { ...obj, metadata: { ...obj.metadata, managedFields } };
}

const config = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", ...metadata },
  spec,
});

function apply(live: KubeObject | undefined, applied: unknown, manager: string, extra: Partial<ApplyOptions> = {}) {
  return applyPatch({ live, applied, manager, force: false, schema: deploymentSchema, apiVersion: "apps/v1", kind: "Deployment", now: T1, ...extra });
}

function applied(live: KubeObject | undefined, body: unknown, manager: string, extra: Partial<ApplyOptions> = {}): KubeObject {
  const r = apply(live, body, manager, extra);
  if (!r.ok) throw new Error(r.error.message);
  return r.object;
}

const entry = (obj: KubeObject, manager: string): ManagedFieldsEntry | undefined => obj.metadata.managedFields?.find((e) => e.manager === manager);

describe("server-side apply: conflicts", () => {
  it("conflicts with the client-side applier's replicas, worded as kube-apiserver words it", () => {
    const r = apply(createdClientSide(), config({ replicas: 5 }), "ci-deployer");
    expect(r).toEqual({
      ok: false,
      error: {
        reason: "Conflict",
        message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
        causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: ".spec.replicas" }],
      },
    });
  });

  it("with force takes the field: the value changes and ownership moves", () => {
    const out = applied(createdClientSide(), config({ replicas: 5 }), "ci-deployer", { force: true });
    expect(at(out, "spec", "replicas")).toBe(5);
    expect(at(entry(out, "ci-deployer"), "fieldsV1")).toEqual({ "f:spec": { "f:replicas": {} } });
    expect(entry(out, "ci-deployer")).toMatchObject({ operation: "Apply", apiVersion: "apps/v1", time: T1, fieldsType: "FieldsV1" });
    expect(at(entry(out, "kubectl-client-side-apply"), "fieldsV1", "f:spec", "f:replicas")).toBeUndefined();
    expect(at(entry(out, "kubectl-client-side-apply"), "fieldsV1", "f:spec", "f:revisionHistoryLimit")).toEqual({});
    expect(out.metadata.managedFields?.map((e) => e.operation)).toEqual(["Apply", "Update"]);
  });

  it("lists every conflict, grouped by manager, when there are several", () => {
    const body = config({ replicas: 5, template: { spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } } });
    const r = apply(createdClientSide(), body, "ci-deployer");
    expect(!r.ok && r.error.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
    expect(!r.ok && r.error.causes?.map((c) => c.field)).toEqual([".spec.replicas", '.spec.template.spec.containers[name="nginx"].image']);
  });

  it("does not conflict when the applied value equals the live one: the field is shared", () => {
    const out = applied(createdClientSide(), config({ replicas: 2 }), "ci-deployer");
    expect(at(entry(out, "ci-deployer"), "fieldsV1")).toEqual({ "f:spec": { "f:replicas": {} } });
    expect(at(entry(out, "kubectl-client-side-apply"), "fieldsV1", "f:spec", "f:replicas")).toEqual({});
  });

  it("lets `kubectl apply --server-side` take over fields that still hold their last-applied values", () => {
    const out = applied(createdClientSide(), config({ replicas: 5 }), "kubectl");
    expect(at(out, "spec", "replicas")).toBe(5);
    const annotation = JSON.parse(at(out, "metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration") as string);
    expect(annotation).toEqual(config({ replicas: 5 }));
  });

  it("gives an unmanaged object's fields to before-first-apply, so the first applier conflicts with them", () => {
    const unmanaged = liveDeployment() as unknown as KubeObject;
    const r = apply(unmanaged, config({ replicas: 5 }), "ci");
    expect(!r.ok && r.error.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
    const shared = applied(unmanaged, config({ replicas: 2 }), "ci");
    expect(shared.metadata.managedFields?.map((e) => e.manager)).toEqual(["ci", "before-first-apply"]);
  });

  it("still reports conflicts on fields changed since the last client-side apply", () => {
    const live = createdClientSide();
    const scaled = { ...live, spec: { ...(live.spec as object), replicas: 3 } } as KubeObject;
    scaled.metadata.managedFields = updateManagedFields({ old: live, updated: scaled, manager: "kubectl", operation: "Update", subresource: "scale", apiVersion: "apps/v1", now: T1, schema: deploymentSchema });
    const r = apply(scaled, config({ replicas: 5 }), "kubectl", { now: T2 });
    expect(!r.ok && r.error.message).toBe('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
  });
});

describe("server-side apply: ownership and pruning", () => {
  const base = () => config({ replicas: 1 }, { labels: { app: "web", tier: "frontend" } });

  it("creates an object the manager then owns, with the FieldsV1 Kubernetes writes", () => {
    const out = applied(undefined, base(), "ci");
    expect(out).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { app: "web", tier: "frontend" } }, spec: { replicas: 1 } });
    expect(out.metadata.managedFields).toEqual([
      { manager: "ci", operation: "Apply", apiVersion: "apps/v1", time: T1, fieldsType: "FieldsV1", fieldsV1: { "f:metadata": { "f:labels": { "f:app": {}, "f:tier": {} } }, "f:spec": { "f:replicas": {} } } },
    ]);
  });

  it("is idempotent: applying the same configuration again changes nothing, not even the time", () => {
    const once = applied(undefined, base(), "ci");
    const twice = applied(once, base(), "ci", { now: T2 });
    expect(twice).toEqual(once);
  });

  it("removes a label the configuration no longer has", () => {
    const once = applied(undefined, base(), "ci");
    const twice = applied(once, config({ replicas: 1 }, { labels: { app: "web" } }), "ci", { now: T2 });
    expect(twice.metadata.labels).toEqual({ app: "web" });
    expect(at(entry(twice, "ci"), "fieldsV1", "f:metadata")).toEqual({ "f:labels": { "f:app": {} } });
    const none = applied(twice, config({ replicas: 1 }), "ci", { now: T2 });
    expect(none.metadata.labels).toBeUndefined();
  });

  it("keeps a field two appliers share until the last one drops it", () => {
    const a = applied(undefined, config({}, { labels: { shared: "1", a: "1" } }), "a");
    const ab = applied(a, config({}, { labels: { shared: "1", b: "1" } }), "b");
    expect(ab.metadata.labels).toEqual({ shared: "1", a: "1", b: "1" });
    const aDrops = applied(ab, config({}, { labels: { a: "1" } }), "a");
    expect(aDrops.metadata.labels).toEqual({ shared: "1", a: "1", b: "1" });
    const bDrops = applied(aDrops, config({}, { labels: { b: "1" } }), "b");
    expect(bDrops.metadata.labels).toEqual({ a: "1", b: "1" });
  });

  it("reports a conflict between two appliers without an apiVersion, and force moves the field", () => {
    const a = applied(undefined, config({}, { labels: { shared: "1" } }), "a");
    const r = apply(a, config({}, { labels: { shared: "2" } }), "b");
    expect(!r.ok && r.error.message).toBe('Apply failed with 1 conflict: conflict with "a": .metadata.labels.shared');
    const forced = applied(a, config({}, { labels: { shared: "2" } }), "b", { force: true });
    expect(forced.metadata.labels).toEqual({ shared: "2" });
    expect(at(entry(forced, "a"), "fieldsV1")).toEqual({ "f:spec": {} });
    expect(at(entry(forced, "b"), "fieldsV1", "f:metadata")).toEqual({ "f:labels": { "f:shared": {} } });
  });

  it("does not remove what another manager updated after the apply", () => {
    const once = applied(undefined, base(), "ci");
    const edited = { ...once, metadata: { ...once.metadata, labels: { ...once.metadata.labels, tier: "backend" } } };
    edited.metadata.managedFields = updateManagedFields({ old: once, updated: edited, manager: "kubectl-edit", operation: "Update", apiVersion: "apps/v1", now: T1, schema: deploymentSchema });
    const again = applied(edited, config({ replicas: 1 }, { labels: { app: "web" } }), "ci", { now: T2 });
    expect(again.metadata.labels).toEqual({ app: "web", tier: "backend" });
  });
});

describe("server-side apply: lists", () => {
  it("merges containers by name and ports by (containerPort, protocol), a missing protocol meaning TCP", () => {
    const live = createdClientSide();
    const body = config({ template: { spec: { containers: [{ name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80 }] }] } } });
    const out = applied(live, body, "ci");
    const containers = at(out, "spec", "template", "spec", "containers") as Record<string, unknown>[];
    expect(containers.map((c) => c.name)).toEqual(["nginx", "sidecar"]);
    expect(containers[0].ports).toEqual([
      { containerPort: 80, protocol: "TCP" },
      { containerPort: 443, protocol: "TCP" },
    ]);
    const fields = at(entry(out, "ci"), "fieldsV1", "f:spec", "f:template", "f:spec", "f:containers");
    expect(fields).toEqual({
      'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {}, "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } } },
    });
  });

  it("adds a container after the ones the configuration lists before it, and prunes it later", () => {
    const first = applied(undefined, config({ template: { spec: { containers: [{ name: "a" }, { name: "b" }] } } }), "ci");
    const second = applied(first, config({ template: { spec: { containers: [{ name: "a" }, { name: "new" }, { name: "b" }] } } }), "ci");
    const names = (o: KubeObject) => (at(o, "spec", "template", "spec", "containers") as { name: string }[]).map((c) => c.name);
    expect(names(second)).toEqual(["a", "new", "b"]);
    const third = applied(second, config({ template: { spec: { containers: [{ name: "b" }, { name: "a" }] } } }), "ci");
    expect(names(third)).toEqual(["b", "a"]);
  });

  it("replaces atomic lists and unions sets", () => {
    const first = applied(undefined, config({ template: { spec: { containers: [{ name: "a", command: ["x", "y"] }] } } }, { finalizers: ["f/1"] }), "ci");
    const r = apply(first, config({ template: { spec: { containers: [{ name: "a", command: ["z"] }] } } }, { finalizers: ["f/2"] }), "other", { force: true });
    expect(r.ok && at(r.object, "spec", "template", "spec", "containers", 0, "command")).toEqual(["z"]);
    expect(r.ok && r.object.metadata.finalizers).toEqual(["f/1", "f/2"]);
    expect(r.ok && at(entry(r.object, "other"), "fieldsV1", "f:metadata")).toEqual({ "f:finalizers": { 'v:"f/2"': {} } });
  });

  it("rejects duplicate keys in the configuration", () => {
    const r = apply(undefined, config({ template: { spec: { containers: [{ name: "a" }, { name: "a" }] } } }), "ci");
    expect(!r.ok && r.error).toEqual({ reason: "BadRequest", message: '.spec.template.spec.containers: duplicate entries for key [name="a"]' });
  });
});

describe("server-side apply: what it refuses and ignores", () => {
  it("requires a field manager, the request's type, and no managedFields", () => {
    expect(apply(undefined, config({}), "")).toMatchObject({ ok: false, error: { reason: "Invalid" } });
    expect(apply(undefined, { ...config({}), apiVersion: "apps/v1beta1" }, "ci")).toEqual({ ok: false, error: { reason: "BadRequest", message: "invalid object type: apps/v1beta1, Kind=Deployment" } });
    expect(apply(undefined, { ...config({}), kind: "Pod", apiVersion: "v1" }, "ci", { apiVersion: "v1" })).toEqual({ ok: false, error: { reason: "BadRequest", message: "invalid object type: /v1, Kind=Pod" } });
    expect(apply(undefined, config({}, { managedFields: [] }), "ci")).toEqual({ ok: false, error: { reason: "BadRequest", message: "metadata.managedFields must be nil" } });
  });

  it("ignores status on the main resource, and keeps it through the status subresource", () => {
    const main = applied(createdClientSide(), { ...config({ replicas: 2 }), status: { replicas: 9 } }, "ci");
    expect(at(main, "status", "replicas")).toBe(2);
    expect(at(entry(main, "ci"), "fieldsV1", "f:status")).toBeUndefined();
    const status = applied(createdClientSide(), { ...config({ replicas: 9 }), status: { replicas: 9 } }, "ci", { subresource: "status" });
    expect(at(status, "status", "replicas")).toBe(9);
    expect(at(status, "spec", "replicas")).toBe(2);
    expect(entry(status, "ci")).toMatchObject({ subresource: "status", fieldsV1: { "f:status": { "f:replicas": {} } } });
  });
});
