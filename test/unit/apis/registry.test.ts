import { describe, expect, it } from "vitest";
import {
  allKinds,
  apiVersionOf,
  compareKubeVersions,
  groupVersions,
  kindByApiVersion,
  kindByKind,
  kindByResource,
  preferredVersion,
  resourceNameFor,
  versionsOf,
} from "../../../src/apis/registry";

describe("kind registry", () => {
  it("finds kinds by resource, by kind and by apiVersion", () => {
    const deployment = kindByResource("apps", "v1", "deployments");
    expect(deployment?.kind).toBe("Deployment");
    expect(kindByKind("apps", "v1", "Deployment")).toBe(deployment);
    expect(kindByApiVersion("apps/v1", "Deployment")).toBe(deployment);
    expect(kindByApiVersion("v1", "Pod")?.plural).toBe("pods");
    expect(kindByResource("", "v1", "pods")?.kind).toBe("Pod");
    expect(kindByResource("apps", "v1beta1", "deployments")).toBeUndefined();
    expect(kindByApiVersion("apps/v1", "Pod")).toBeUndefined();
  });

  it("keeps the two Event APIs apart", () => {
    expect(kindByResource("", "v1", "events")?.group).toBe("");
    expect(kindByResource("events.k8s.io", "v1", "events")?.group).toBe("events.k8s.io");
    expect(kindByApiVersion("events.k8s.io/v1", "Event")).not.toBe(kindByApiVersion("v1", "Event"));
  });

  it("names versions and resources as Kubernetes does", () => {
    const job = kindByApiVersion("batch/v1", "Job")!;
    expect(apiVersionOf(job)).toBe("batch/v1");
    expect(resourceNameFor(job)).toBe("jobs.batch");
    const pod = kindByApiVersion("v1", "Pod")!;
    expect(apiVersionOf(pod)).toBe("v1");
    expect(resourceNameFor(pod)).toBe("pods");
  });

  it("lists group versions in Kubernetes' discovery order", () => {
    expect(groupVersions()).toEqual([
      "v1",
      "apps/v1",
      "events.k8s.io/v1",
      "authentication.k8s.io/v1",
      "authorization.k8s.io/v1",
      "autoscaling/v2",
      "batch/v1",
      "rbac.authorization.k8s.io/v1",
      "coordination.k8s.io/v1",
      "discovery.k8s.io/v1",
      "edgeplane.dev/v1",
    ]);
    expect(allKinds[0].group).toBe("");
    expect(preferredVersion("autoscaling")).toBe("v2");
    expect(versionsOf("apps")).toEqual(["v1"]);
    expect(preferredVersion("example.com")).toBeUndefined();
  });

  it("orders versions GA, beta, alpha", () => {
    const versions = ["v1alpha1", "v2beta1", "v1", "v1beta2", "v2", "foo", "v10"];
    expect([...versions].sort(compareKubeVersions)).toEqual(["v10", "v2", "v1", "v2beta1", "v1beta2", "v1alpha1", "foo"]);
  });

  it("has one entry per resource and per kind", () => {
    const resources = allKinds.map((k) => `${k.group}/${k.version}/${k.plural}`);
    expect(new Set(resources).size).toBe(resources.length);
    const kinds = allKinds.map((k) => `${k.group}/${k.version}/${k.kind}`);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const k of allKinds) expect(k.listKind, k.kind).toBe(`${k.kind}List`);
  });

  it("gives the workload kinds Kubernetes' short names and categories", () => {
    const of = (apiVersion: string, kind: string) => {
      const k = kindByApiVersion(apiVersion, kind)!;
      return { shortNames: k.shortNames, categories: k.categories, namespaced: k.namespaced };
    };
    expect(of("apps/v1", "Deployment")).toEqual({ shortNames: ["deploy"], categories: ["all"], namespaced: true });
    expect(of("apps/v1", "ReplicaSet")).toEqual({ shortNames: ["rs"], categories: ["all"], namespaced: true });
    expect(of("apps/v1", "DaemonSet")).toEqual({ shortNames: ["ds"], categories: ["all"], namespaced: true });
    expect(of("batch/v1", "Job")).toEqual({ shortNames: [], categories: ["all"], namespaced: true });
    expect(of("batch/v1", "CronJob")).toEqual({ shortNames: ["cj"], categories: ["all"], namespaced: true });
    expect(of("autoscaling/v2", "HorizontalPodAutoscaler")).toEqual({ shortNames: ["hpa"], categories: ["all"], namespaced: true });
    expect(of("coordination.k8s.io/v1", "Lease")).toEqual({ shortNames: [], categories: [], namespaced: true });
    expect(of("discovery.k8s.io/v1", "EndpointSlice")).toEqual({ shortNames: [], categories: [], namespaced: true });
  });

  it("gives every kind a strict schema, so unknown fields surface", () => {
    for (const k of allKinds) {
      const parsed = k.schema.safeParse({ apiVersion: apiVersionOf(k), kind: k.kind, metadata: { name: "x" }, bogus: 1 });
      expect(parsed.error?.issues, k.kind).toContainEqual(expect.objectContaining({ code: "unrecognized_keys", keys: ["bogus"] }));
    }
  });
});

describe("selectable fields", () => {
  it("lets jobs, replica sets and events be selected as in Kubernetes", () => {
    const job = kindByApiVersion("batch/v1", "Job")!;
    expect(job.selectableFields?.["status.successful"]({ apiVersion: "batch/v1", kind: "Job", metadata: {}, status: { succeeded: 2 } })).toBe("2");
    const rs = kindByApiVersion("apps/v1", "ReplicaSet")!;
    expect(rs.selectableFields?.["status.replicas"]({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: {} })).toBe("0");
    const ev = kindByApiVersion("events.k8s.io/v1", "Event")!;
    const e = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: {}, regarding: { kind: "Pod", name: "p" }, reason: "Pulled" };
    expect(Object.keys(ev.selectableFields ?? {}).sort()).toContain("regarding.name");
    expect([ev.selectableFields?.["regarding.name"](e), ev.selectableFields?.reason(e)]).toEqual(["p", "Pulled"]);
  });
});
