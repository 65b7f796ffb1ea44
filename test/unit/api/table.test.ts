import { describe, expect, it } from "vitest";
import {
  asPartialObjectMetadataList,
  parseAccept,
  parseIncludeObject,
  partialMismatch,
  toTable,
  type Negotiated,
} from "../../../src/api/table";
import { pod, podKind } from "./kinds";

const now = new Date("2024-01-01T00:05:00Z");

describe("toTable", () => {
  it("starts with NAME, keeps every column, and carries the list metadata", () => {
    const t = toTable(podKind, [pod("web")], { now, includeObject: "Metadata", listMeta: { resourceVersion: "9", continue: "abc", remainingItemCount: 3 } });
    expect(t.kind).toBe("Table");
    expect(t.apiVersion).toBe("meta.k8s.io/v1");
    expect(t.metadata).toEqual({ resourceVersion: "9", continue: "abc", remainingItemCount: 3 });
    expect(t.columnDefinitions?.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ["Name", "string", "name", 0],
      ["Status", "string", "", 0],
      ["Restarts", "integer", "", 0],
      ["Age", "string", "", 0],
      ["Node", "string", "", 1],
    ]);
    expect(t.columnDefinitions?.[0].description).toMatch(/^Name must be unique within a namespace\./);
    expect(t.rows).toEqual([
      {
        cells: ["web", "Running", 0, "5m", "n1"],
        object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: pod("web").metadata },
      },
    ]);
  });

  it("embeds the object, nothing, or v1beta1 metadata as asked", () => {
    const p = pod("web");
    expect(toTable(podKind, [p], { now, includeObject: "Object", listMeta: {} }).rows[0].object).toBe(p);
    expect(toTable(podKind, [p], { now, includeObject: "None", listMeta: {} }).rows[0].object).toBeNull();
    const beta = toTable(podKind, [p], { now, includeObject: "Metadata", listMeta: {}, version: "v1beta1" });
    expect(beta.apiVersion).toBe("meta.k8s.io/v1beta1");
    expect(beta.rows[0].object).toMatchObject({ apiVersion: "meta.k8s.io/v1beta1" });
  });

  it("leaves headers out when asked and empty list metadata out", () => {
    const t = toTable(podKind, [], { now, includeObject: "Metadata", listMeta: { resourceVersion: "" }, noHeaders: true });
    expect(t.columnDefinitions).toBeNull();
    expect(t.rows).toEqual([]);
    expect(t.metadata).toEqual({});
  });
});

describe("PartialObjectMetadata", () => {
  it("lists metadata only", () => {
    expect(asPartialObjectMetadataList([pod("a")], { resourceVersion: "3" })).toEqual({
      kind: "PartialObjectMetadataList",
      apiVersion: "meta.k8s.io/v1",
      metadata: { resourceVersion: "3" },
      items: [{ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: pod("a").metadata }],
    });
  });

  it("refuses the wrong shape with 406", () => {
    expect(partialMismatch("PartialObjectMetadata", true)?.code).toBe(406);
    expect(partialMismatch("PartialObjectMetadataList", false)?.message).toBe(
      "you requested PartialObjectMetadataList, but the requested object is not a list",
    );
    expect(partialMismatch("PartialObjectMetadataList", true)).toBeUndefined();
  });
});

describe("parseIncludeObject", () => {
  it("defaults to Metadata and rejects unknown values", () => {
    expect(parseIncludeObject(undefined)).toEqual({ ok: true, value: "Metadata" });
    expect(parseIncludeObject("")).toEqual({ ok: true, value: "Metadata" });
    expect(parseIncludeObject("None")).toEqual({ ok: true, value: "None" });
    expect(parseIncludeObject("Self")).toEqual({
      ok: false,
      error: {
        code: 400,
        reason: "BadRequest",
        message: `Unable to convert to Table as requested: includeObject: Invalid value: "Self": must be 'Metadata', 'Object', 'None', or empty`,
      },
    });
  });
});

function negotiated(header: string | undefined, table = true): Negotiated {
  const r = parseAccept(header, { table });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe("parseAccept", () => {
  const kubectlGet = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

  it("gives kubectl get a v1 Table", () => {
    expect(negotiated(kubectlGet)).toEqual({
      format: "table",
      mediaType: "application/json",
      as: "Table",
      version: "v1",
      pretty: false,
      stream: false,
      contentType: "application/json;as=Table;v=v1;g=meta.k8s.io",
    });
  });

  it("falls back to the next clause when the endpoint cannot print Tables", () => {
    expect(negotiated(kubectlGet, false)).toMatchObject({ format: "json", contentType: "application/json" });
    expect(negotiated("application/json;as=Table;v=v1beta1;g=meta.k8s.io")).toMatchObject({ format: "table", version: "v1beta1" });
  });

  it("handles plain, YAML, wildcard and empty headers", () => {
    expect(negotiated(undefined).format).toBe("json");
    expect(negotiated("").format).toBe("json");
    expect(negotiated("application/yaml")).toMatchObject({ format: "yaml", contentType: "application/yaml" });
    expect(negotiated("*/*").format).toBe("json");
    expect(negotiated("application/*").format).toBe("json");
    expect(negotiated("application/vnd.kubernetes.protobuf, application/json").format).toBe("json");
    expect(negotiated("application/json;charset=utf-8").format).toBe("json");
  });

  it("orders clauses by q, then concrete before wildcard", () => {
    expect(negotiated("application/json;q=0.5, application/yaml").format).toBe("yaml");
    expect(negotiated("*/*, application/yaml").format).toBe("yaml");
  });

  it("reads PartialObjectMetadata, pretty and watch streams", () => {
    expect(negotiated("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")).toMatchObject({ format: "partial", as: "PartialObjectMetadataList" });
    expect(negotiated("application/json;pretty=1").pretty).toBe(true);
    expect(negotiated("application/json;stream=watch").stream).toBe(true);
  });

  it("skips conversions it does not know and answers 406 when nothing is left", () => {
    expect(negotiated("application/json;as=Table, application/yaml").format).toBe("yaml");
    expect(parseAccept("application/json;as=Foo;g=meta.k8s.io;v=v1")).toEqual({
      ok: false,
      error: { code: 406, reason: "NotAcceptable", message: "only the following media types are accepted: application/json, application/yaml" },
    });
    expect(parseAccept("text/html").ok).toBe(false);
    expect(parseAccept("application/yaml;stream=watch").ok).toBe(false);
  });
});
