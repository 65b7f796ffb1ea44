import { describe, expect, it } from "vitest";
import type { KubeObject, ManagedFieldsEntry } from "../../../src/apis/types";
import { fieldManagerFor, managerFromUserAgent, updateManagedFields, type UpdateManagedFieldsOptions } from "../../../src/api/patch/managedfields";
import { at, deploymentSchema, liveDeployment } from "./fixtures";

const T0 = "2025-01-01T00:00:00Z";
const T1 = "2025-01-01T00:01:00Z";

function write(old: KubeObject | undefined, updated: KubeObject, manager: string, extra: Partial<UpdateManagedFieldsOptions> = {}): KubeObject {
  const managedFields = updateManagedFields({ old, updated, manager, operation: "Update", apiVersion: "apps/v1", now: T1, schema: deploymentSchema, ...extra });
  const metadata = { ...updated.metadata, managedFields };
  if (!managedFields) delete metadata.managedFields;
  return { ...updated, metadata };
}

function created(): KubeObject {
  return write(undefined, liveDeployment() as unknown as KubeObject, "kubectl-client-side-apply", { now: T0 });
}

/** `obj` changed by `edit`, keeping its managedFields as a PATCH would. */
function changed(obj: KubeObject, edit: (o: KubeObject) => void): KubeObject {
  const next = structuredClone(obj);
  edit(next);
  return next;
}

const fieldsOf = (obj: KubeObject, manager: string) => obj.metadata.managedFields?.find((e: ManagedFieldsEntry) => e.manager === manager)?.fieldsV1;
const container = (o: KubeObject, i: number) => at(o, "spec", "template", "spec", "containers", i) as Record<string, unknown>;

describe("updateManagedFields", () => {
  it("records a create: every field set, metadata the server controls and status left out", () => {
    const obj = created();
    expect(obj.metadata.managedFields).toHaveLength(1);
    expect(obj.metadata.managedFields?.[0]).toMatchObject({ manager: "kubectl-client-side-apply", operation: "Update", apiVersion: "apps/v1", time: T0, fieldsType: "FieldsV1" });
    const fields = fieldsOf(obj, "kubectl-client-side-apply");
    expect(at(fields, "f:metadata")).toEqual({
      "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} },
      "f:labels": { ".": {}, "f:app": {} },
    });
    expect(at(fields, "f:spec", "f:selector")).toEqual({});
    expect(at(fields, "f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:ports")).toEqual({
      ".": {},
      'k:{"containerPort":443,"protocol":"TCP"}': { ".": {}, "f:containerPort": {}, "f:protocol": {} },
      'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {}, "f:protocol": {} },
    });
    expect(at(fields, "f:spec", "f:template", "f:spec", "f:securityContext")).toEqual({});
    expect(at(fields, "f:status")).toBeUndefined();
  });

  it("gives changed fields to the writer and takes them from their previous owner", () => {
    const before = created();
    const after = write(before, changed(before, (o) => (container(o, 0).image = "nginx:1.27")), "kubectl-edit");
    expect(fieldsOf(after, "kubectl-edit")).toEqual({ "f:spec": { "f:template": { "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { "f:image": {} } } } } } });
    expect(at(fieldsOf(after, "kubectl-client-side-apply"), "f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image")).toBeUndefined();
    expect(at(fieldsOf(after, "kubectl-client-side-apply"), "f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:name")).toEqual({});
  });

  it("removes deleted fields from every owner and drops entries left empty", () => {
    const before = created();
    const labelled = write(before, changed(before, (o) => (o.metadata.labels = { app: "web", tier: "x" })), "kubectl-label");
    expect(fieldsOf(labelled, "kubectl-label")).toEqual({ "f:metadata": { "f:labels": { "f:tier": {} } } });
    const unlabelled = write(labelled, changed(labelled, (o) => (o.metadata.labels = { app: "web" })), "kubectl-label");
    expect(unlabelled.metadata.managedFields?.map((e) => e.manager)).toEqual(["kubectl-client-side-apply"]);
  });

  it("keeps one entry per manager, operation, apiVersion and subresource", () => {
    const before = created();
    const once = write(before, changed(before, (o) => (o.metadata.labels = { app: "web", a: "1" })), "ctl");
    const twice = write(once, changed(once, (o) => (o.metadata.labels = { app: "web", a: "1", b: "2" })), "ctl", { now: "2025-01-01T00:05:00Z" });
    const entries = twice.metadata.managedFields?.filter((e) => e.manager === "ctl");
    expect(entries).toHaveLength(1);
    expect(entries?.[0]).toMatchObject({ time: "2025-01-01T00:05:00Z", fieldsV1: { "f:metadata": { "f:labels": { "f:a": {}, "f:b": {} } } } });
    const viaStatus = write(twice, changed(twice, (o) => ((o.status as Record<string, unknown>).replicas = 3)), "ctl", { subresource: "status" });
    const ctl = viaStatus.metadata.managedFields?.filter((e) => e.manager === "ctl");
    expect(ctl?.map((e) => e.subresource ?? "").sort()).toEqual(["", "status"]);
    expect(ctl?.find((e) => e.subresource === "status")?.fieldsV1).toEqual({ "f:status": { "f:replicas": {} } });
  });

  it("leaves managedFields alone, time included, when the write changes nothing", () => {
    const before = created();
    const same = write(before, changed(before, (o) => (o.metadata.resourceVersion = "6")), "kubectl-edit");
    expect(same.metadata.managedFields).toEqual(before.metadata.managedFields);
  });

  it("honours managedFields the client sends, and resets them on [{}]", () => {
    const before = created();
    const sent = changed(before, (o) => (o.metadata.managedFields = [{ manager: "someone", operation: "Update", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } } }]));
    expect(write(before, sent, "ctl").metadata.managedFields?.map((e) => e.manager)).toEqual(["someone"]);
    const reset = changed(before, (o) => (o.metadata.managedFields = [{}]));
    expect(write(before, reset, "ctl").metadata.managedFields).toBeUndefined();
    const viaSubresource = write(before, sent, "ctl", { subresource: "status" });
    expect(viaSubresource.metadata.managedFields).toEqual(before.metadata.managedFields);
  });

  it("records an empty manager as unknown", () => {
    const obj = write(undefined, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: 1 } }, "");
    expect(obj.metadata.managedFields?.[0].manager).toBe("unknown");
  });

  it("merges the oldest of more than ten update entries into ancient-changes", () => {
    let obj = created();
    for (let i = 1; i <= 11; i++) {
      const next = changed(obj, (o) => (o.metadata.labels = { ...o.metadata.labels, [`l${i}`]: "x" }));
      obj = write(obj, next, `m${i}`, { now: `2025-01-01T01:${String(i).padStart(2, "0")}:00Z` });
    }
    const managers = obj.metadata.managedFields?.map((e) => e.manager);
    expect(managers).toHaveLength(10);
    expect(managers).toContain("ancient-changes");
    expect(managers).not.toContain("kubectl-client-side-apply");
    expect(managers).not.toContain("m1");
    expect(at(fieldsOf(obj, "ancient-changes"), "f:metadata", "f:labels", "f:l1")).toEqual({});
  });
});

describe("manager names", () => {
  it("takes the user agent's prefix, as Kubernetes does without a fieldManager", () => {
    expect(managerFromUserAgent("kubectl/v1.32.4 (linux/amd64) kubernetes/abc123")).toBe("kubectl");
    expect(managerFromUserAgent("Go-http-client/1.1")).toBe("Go-http-client");
    expect(managerFromUserAgent("my\u0007agent\n/1")).toBe("myagent");
    expect(managerFromUserAgent("é".repeat(100))).toHaveLength(64);
    expect(managerFromUserAgent("")).toBe("");
  });

  it("prefers the fieldManager query parameter", () => {
    expect(fieldManagerFor("kubectl-client-side-apply", "kubectl/v1.32.4")).toBe("kubectl-client-side-apply");
    expect(fieldManagerFor(undefined, "kubectl/v1.32.4 (linux/amd64)")).toBe("kubectl");
    expect(fieldManagerFor("", undefined)).toBe("");
  });
});
