import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  compareVersions,
  DISCOVERY_V2_CONTENT_TYPE,
  DISCOVERY_V2BETA1_CONTENT_TYPE,
  negotiateDiscovery,
} from "../../../src/api/discovery";
import type { KindDef } from "../../../src/apis/types";

function kind(def: Partial<KindDef> & Pick<KindDef, "group" | "version" | "kind" | "plural" | "namespaced">): KindDef {
  return {
    listKind: `${def.kind}List`,
    singular: def.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    schema: z.strictObject({ apiVersion: z.string().optional(), kind: z.string().optional() }),
    columns: [],
    ...def,
  };
}

const pod = kind({ group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, shortNames: ["po"], categories: ["all"], statusField: "status", subresources: ["binding", "log", "eviction"] });
const node = kind({ group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, statusField: "status" });
const deployment = kind({
  group: "apps",
  version: "v1",
  kind: "Deployment",
  plural: "deployments",
  namespaced: true,
  shortNames: ["deploy"],
  categories: ["all"],
  statusField: "status",
  scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas", labelSelectorPath: "status.selector" },
});
const hpaV2 = kind({ group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", namespaced: true, shortNames: ["hpa"] });
const hpaV1 = kind({ group: "autoscaling", version: "v1", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", namespaced: true, shortNames: ["hpa"] });
const event = kind({ group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true, verbs: ["create", "get", "list", "watch"] });
const kinds: readonly KindDef[] = [pod, node, deployment, hpaV1, hpaV2, event];

// What kubectl 1.32 sends for GET /api and GET /apis (recorded from a real kubectl).
const KUBECTL_ACCEPT =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

describe("resource lists", () => {
  it("show deployments/scale as autoscaling/v1 Scale, which kubectl scale requires", () => {
    const list = apiResourceList(kinds, "apps", "v1");
    expect(list?.groupVersion).toBe("apps/v1");
    expect(list?.resources.find((r) => r.name === "deployments/scale")).toEqual({
      name: "deployments/scale",
      singularName: "",
      namespaced: true,
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
      verbs: ["get", "patch", "update"],
    });
  });

  it("describe the main resource with its names, verbs and a storage version hash", () => {
    const list = apiResourceList(kinds, "apps", "v1");
    const main = list?.resources.find((r) => r.name === "deployments");
    expect(main).toMatchObject({ singularName: "deployment", namespaced: true, kind: "Deployment", shortNames: ["deploy"], categories: ["all"] });
    expect(main?.verbs).toEqual(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]);
    expect(main?.storageVersionHash).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    expect(list?.resources.map((r) => r.name)).toEqual(["deployments", "deployments/scale", "deployments/status"]);
  });

  it("list the core group's subresources under /api/v1 with their own kinds and verbs", () => {
    const list = apiResourceList(kinds, "", "v1");
    expect(list?.groupVersion).toBe("v1");
    const byName = new Map(list?.resources.map((r) => [r.name, r]));
    expect(byName.get("pods/binding")).toMatchObject({ kind: "Binding", verbs: ["create"] });
    expect(byName.get("pods/binding")).not.toHaveProperty("group");
    expect(byName.get("pods/log")).toMatchObject({ kind: "Pod", verbs: ["get"] });
    expect(byName.get("pods/eviction")).toMatchObject({ group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] });
    expect(byName.get("pods/status")).toMatchObject({ kind: "Pod", verbs: ["get", "patch", "update"] });
    expect(byName.get("nodes")).toMatchObject({ namespaced: false });
    expect(byName.get("nodes")).not.toHaveProperty("shortNames");
  });

  it("use a kind's own verbs when it lists them, and nothing for unknown group-versions", () => {
    expect(apiResourceList(kinds, "events.k8s.io", "v1")?.resources[0].verbs).toEqual(["create", "get", "list", "watch"]);
    expect(apiResourceList(kinds, "apps", "v2")).toBeUndefined();
    expect(apiResourceList(kinds, "nope", "v1")).toBeUndefined();
  });
});

describe("groups and versions", () => {
  it("serve the core group under /api only", () => {
    expect(apiVersions(kinds, "example.test:443")).toEqual({
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "example.test:443" }],
    });
    const list = apiGroupList(kinds);
    expect(list).toMatchObject({ kind: "APIGroupList", apiVersion: "v1" });
    expect(list.groups.map((g) => g.name)).toEqual(["apps", "autoscaling", "events.k8s.io"]);
    expect(apiGroup(kinds, "")).toBeUndefined();
  });

  it("prefer the highest stable version, as Kubernetes orders versions", () => {
    expect(apiGroup(kinds, "autoscaling")).toEqual({
      kind: "APIGroup",
      apiVersion: "v1",
      name: "autoscaling",
      versions: [
        { groupVersion: "autoscaling/v2", version: "v2" },
        { groupVersion: "autoscaling/v1", version: "v1" },
      ],
      preferredVersion: { groupVersion: "autoscaling/v2", version: "v2" },
    });
    expect(["v1beta1", "foo", "v2", "v1", "v1alpha1", "v2beta2", "v10"].sort(compareVersions)).toEqual(["v10", "v2", "v1", "v2beta2", "v1beta1", "v1alpha1", "foo"]);
  });
});

describe("aggregated discovery", () => {
  it("puts the core group alone in /api's document", () => {
    const doc = aggregatedDiscovery(kinds, "core");
    expect(doc).toMatchObject({ kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {} });
    expect(doc.items).toHaveLength(1);
    const [v1] = doc.items[0].versions;
    expect(v1.version).toBe("v1");
    expect(v1.freshness).toBe("Current");
    expect(v1.resources.map((r) => r.resource)).toEqual(["nodes", "pods"]);
    const pods = v1.resources[1];
    expect(pods).toMatchObject({
      resource: "pods",
      responseKind: { group: "", version: "v1", kind: "Pod" },
      scope: "Namespaced",
      singularResource: "pod",
      shortNames: ["po"],
      categories: ["all"],
    });
    expect(pods.subresources?.map((s) => s.subresource)).toEqual(["binding", "eviction", "log", "status"]);
    expect(v1.resources[0].scope).toBe("Cluster");
  });

  it("lists every named group in /apis' document with subresources' response kinds", () => {
    const doc = aggregatedDiscovery(kinds, "apis");
    expect(doc.items.map((i) => i.metadata)).toEqual([{ name: "apps" }, { name: "autoscaling" }, { name: "events.k8s.io" }]);
    expect(doc.items[1].versions.map((v) => v.version)).toEqual(["v2", "v1"]);
    const deployments = doc.items[0].versions[0].resources[0];
    expect(deployments.subresources).toEqual([
      { subresource: "scale", responseKind: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "patch", "update"] },
      { subresource: "status", responseKind: { group: "apps", version: "v1", kind: "Deployment" }, verbs: ["get", "patch", "update"] },
    ]);
    expect(aggregatedDiscovery(kinds, "apis", "v2beta1").apiVersion).toBe("apidiscovery.k8s.io/v2beta1");
  });
});

describe("discovery negotiation", () => {
  it("answers kubectl's Accept with aggregated v2 and the Content-Type kubectl checks", () => {
    expect(negotiateDiscovery(KUBECTL_ACCEPT)).toEqual({ aggregated: true, version: "v2", contentType: DISCOVERY_V2_CONTENT_TYPE });
    expect(DISCOVERY_V2_CONTENT_TYPE).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  });

  it("serves v2beta1 to clients that only know it", () => {
    const accept = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    expect(negotiateDiscovery(accept)).toEqual({ aggregated: true, version: "v2beta1", contentType: DISCOVERY_V2BETA1_CONTENT_TYPE });
  });

  it("keeps the legacy form for plain JSON, no header, or legacy preferred by quality", () => {
    const legacy = { aggregated: false, contentType: "application/json" };
    expect(negotiateDiscovery("application/json")).toEqual(legacy);
    expect(negotiateDiscovery("application/json, */*")).toEqual(legacy);
    expect(negotiateDiscovery(undefined)).toEqual(legacy);
    expect(negotiateDiscovery("")).toEqual(legacy);
    expect(negotiateDiscovery(`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json`)).toEqual(legacy);
  });

  it("skips forms we cannot produce and ignores the nopeer profile", () => {
    const accept =
      "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=nopeer,application/json";
    expect(negotiateDiscovery(accept)).toMatchObject({ aggregated: true, version: "v2" });
    expect(negotiateDiscovery("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json")).toMatchObject({ aggregated: false });
  });
});
