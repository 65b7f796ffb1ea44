import { describe, expect, it } from "vitest";
import { decodeBody, deleteOptionErrors, mediaTypeOf, parseQuery, MAX_BODY_BYTES, type RequestQuery, type Verb } from "../../../src/api/decode";
import { encodeContinue } from "../../../src/api/continue";
import { podKind } from "./kinds";

const opts = { kind: "Deployment" };

function decodeError(body: string, contentType?: string): { code: number; message: string } {
  const r = decodeBody(body, contentType, opts);
  if (r.ok) throw new Error("decoded");
  return { code: r.error.code, message: r.error.message };
}

describe("decodeBody", () => {
  it("decodes JSON with or without a charset, and by default", () => {
    expect(decodeBody('{"kind":"Deployment"}', "application/json", opts)).toEqual({ ok: true, value: { kind: "Deployment" } });
    expect(decodeBody('{"a":1}', "application/json;charset=utf-8", opts)).toEqual({ ok: true, value: { a: 1 } });
    expect(decodeBody(new TextEncoder().encode('{"a":1}'), undefined, opts)).toEqual({ ok: true, value: { a: 1 } });
  });

  it("decodes YAML as Kubernetes reads it", () => {
    const yaml = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: yes\n  mode: 0644\n  at: 2024-01-01\n  time: 12:30\n";
    expect(decodeBody(yaml, "application/yaml", opts)).toEqual({
      ok: true,
      value: { apiVersion: "v1", kind: "ConfigMap", data: { a: true, mode: 420, at: "2024-01-01", time: "12:30" } },
    });
    expect(decodeBody("---\na: 1\n---\n", "application/yaml", opts)).toEqual({ ok: true, value: { a: 1 } });
  });

  it("refuses several YAML documents and broken YAML with 400", () => {
    expect(decodeError("a: 1\n---\nb: 2\n", "application/yaml").message).toBe(
      "the object provided is unrecognized (must be of type Deployment): error converting YAML to JSON: yaml: the body holds 2 YAML documents; send one object per request (613a20310a2d2d2d0a623a20320a)",
    );
    expect(decodeError("a: b: c", "application/yaml").message).toBe(
      "the object provided is unrecognized (must be of type Deployment): error converting YAML to JSON: yaml: line 1: Nested mappings are not allowed in compact mappings (613a20623a2063)",
    );
  });

  it("refuses alias bombs", () => {
    const bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
    expect(decodeError(bomb, "application/yaml").message).toMatch(/error converting YAML to JSON: yaml: Excessive alias count/);
  });

  it("words JSON errors like the apiserver", () => {
    const broken = decodeError('{"kind": ');
    expect(broken.code).toBe(400);
    expect(broken.message).toMatch(/^the object provided is unrecognized \(must be of type Deployment\): couldn't get version\/kind; json parse error: .+ \(\{"kind": \)$/);
    expect(decodeError("[1]").message).toBe(
      'the object provided is unrecognized (must be of type Deployment): couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b315d)',
    );
    expect(decodeError("").message).toMatch(/\(<empty>\)$/);
    expect(decodeError(`{"a":"${"x".repeat(40)}`).message).toMatch(/\(\{"a":"x{24} \.\.\.\)$/);
  });

  it("answers 415 for other media types and 413 past the limit", () => {
    expect(decodeBody("{}", "text/plain", opts)).toEqual({
      ok: false,
      error: {
        code: 415,
        reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
      },
    });
    const big = new Uint8Array(MAX_BODY_BYTES + 1);
    expect(decodeBody(big, "application/json", opts)).toEqual({
      ok: false,
      error: { code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is 3145728" },
    });
    expect(decodeBody("{}", "application/json", { kind: "X", maxBytes: 1 }).ok).toBe(false);
  });

  it("reads the media type essence", () => {
    expect(mediaTypeOf("Application/JSON; charset=UTF-8")).toBe("application/json");
  });
});

function query(verb: Verb, qs: string, patchType?: string): RequestQuery {
  const r = parseQuery(new URLSearchParams(qs), { verb, kind: podKind, patchType });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function queryError(verb: Verb, qs: string, patchType?: string): { code: number; message: string } {
  const r = parseQuery(new URLSearchParams(qs), { verb, kind: podKind, patchType });
  if (r.ok) throw new Error(`accepted ${qs}`);
  return { code: r.error.code, message: r.error.message };
}

describe("parseQuery: list and watch", () => {
  it("reads list options", () => {
    const q = query("list", "labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3Dn1&limit=500&resourceVersion=12&resourceVersionMatch=NotOlderThan&timeoutSeconds=30&pretty=true");
    expect(q.labelSelector).toEqual([{ key: "app", operator: "=", values: ["web"] }]);
    expect(q.fieldSelector).toEqual([{ field: "spec.nodeName", operator: "=", value: "n1" }]);
    expect(q).toMatchObject({ limit: 500, resourceVersion: "12", resourceVersionMatch: "NotOlderThan", timeoutSeconds: 30, pretty: true, watch: false });
  });

  it("reads booleans the Go way", () => {
    expect(query("list", "watch").watch).toBe(true);
    expect(query("list", "watch=1").watch).toBe(true);
    expect(query("list", "watch=FALSE").watch).toBe(false);
    expect(query("list", "watch=0").watch).toBe(false);
    expect(query("watch", "allowWatchBookmarks=true")).toMatchObject({ watch: true, allowWatchBookmarks: true });
    expect(query("list", "pretty=yes").pretty).toBeUndefined();
  });

  it("refuses unreadable numbers and selectors with 400", () => {
    expect(queryError("list", "limit=abc")).toEqual({ code: 400, message: 'strconv.ParseInt: parsing "abc": invalid syntax' });
    expect(queryError("watch", "timeoutSeconds=99999999999999999999")).toEqual({ code: 400, message: 'strconv.ParseInt: parsing "99999999999999999999": value out of range' });
    expect(queryError("list", "labelSelector=a%20in")).toEqual({ code: 400, message: "unable to parse requirement: found '' expected: '('" });
    expect(queryError("list", "fieldSelector=spec.foo%3D1")).toEqual({ code: 400, message: "field label not supported: spec.foo" });
    expect(queryError("list", "resourceVersion=abc")).toEqual({
      code: 400,
      message: 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    });
  });

  it("validates resourceVersionMatch as ListOptions (422)", () => {
    expect(queryError("list", "resourceVersionMatch=Exact")).toEqual({
      code: 422,
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    });
    expect(queryError("list", "resourceVersion=0&resourceVersionMatch=Exact").message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    );
    expect(queryError("list", "resourceVersion=1&resourceVersionMatch=Newest").message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
    );
    expect(queryError("watch", "resourceVersionMatch=NotOlderThan").message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    );
    expect(queryError("list", "sendInitialEvents=true").message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
    );
    expect(query("watch", "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true").sendInitialEvents).toBe(true);
  });

  it("decodes continue tokens and refuses a resourceVersion beside one", () => {
    const token = encodeContinue({ rv: 9, start: { namespace: "default", name: "a" } });
    expect(query("list", `continue=${token}&limit=1`).continueToken).toEqual({ rv: 9, start: { namespace: "default", name: "a" } });
    expect(query("list", `continue=${token}&resourceVersion=0`).continue).toBe(token);
    expect(queryError("list", `continue=${token}&resourceVersion=5`)).toEqual({ code: 400, message: "specifying resource version is not allowed when using continue" });
    expect(queryError("list", "continue=%24").message).toBe("invalid continue token: continue key is not valid: illegal base64 data at input byte 0");
  });

  it("ignores parameters the verb does not read", () => {
    expect(query("create", "limit=abc&labelSelector=%3D%3D").labelSelector).toEqual([]);
    expect(query("get", "resourceVersion=5").resourceVersion).toBe("5");
  });
});

describe("parseQuery: writes", () => {
  it("defaults fieldValidation to Warn and reads dryRun", () => {
    expect(query("create", "")).toMatchObject({ fieldValidation: "Warn", dryRun: false });
    expect(query("update", "fieldValidation=Strict&dryRun=All&fieldManager=kubectl")).toMatchObject({ fieldValidation: "Strict", dryRun: true, fieldManager: "kubectl" });
  });

  it("validates CreateOptions, UpdateOptions and PatchOptions (422)", () => {
    expect(queryError("create", "dryRun=Yes")).toEqual({
      code: 422,
      message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Yes"}: supported values: "All"',
    });
    expect(queryError("update", "fieldValidation=Loud").message).toBe(
      'UpdateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"',
    );
    expect(queryError("create", `fieldManager=${"m".repeat(129)}`).message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: must have at most 128 bytes',
    );
    expect(queryError("create", "fieldManager=a%07b").message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\ab": invalid character U+0007 (at position 1)',
    );
    expect(queryError("patch", "force=true", "application/merge-patch+json").message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
    expect(queryError("patch", "force=false", "application/apply-patch+yaml").message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    expect(query("patch", "fieldManager=kubectl&force=false", "application/apply-patch+yaml")).toMatchObject({ force: false, fieldManager: "kubectl" });
  });
});

describe("parseQuery: delete", () => {
  it("reads DeleteOptions from the query", () => {
    expect(query("delete", "gracePeriodSeconds=0&propagationPolicy=Foreground&dryRun=All")).toMatchObject({
      gracePeriodSeconds: 0,
      propagationPolicy: "Foreground",
      dryRun: true,
    });
    expect(query("deletecollection", "labelSelector=app&propagationPolicy=Background")).toMatchObject({ propagationPolicy: "Background" });
  });

  it("validates DeleteOptions (422)", () => {
    expect(queryError("delete", "propagationPolicy=Later").message).toBe(
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Later": supported values: "Foreground", "Background", "Orphan", "nil"',
    );
    expect(queryError("delete", "gracePeriodSeconds=soon")).toEqual({ code: 400, message: 'strconv.ParseInt: parsing "soon": invalid syntax' });
    expect(deleteOptionErrors({ orphanDependents: true, propagationPolicy: "Orphan" })).toEqual([
      { reason: "FieldValueInvalid", field: "propagationPolicy", message: 'Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set' },
    ]);
  });
});
