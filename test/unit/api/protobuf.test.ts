// Kubernetes protobuf request bodies: real kubectl 1.32 bodies against the JSON kubectl prints for
// the same objects, then hand-built messages for the wire format, the special types, pointer and
// inline fields, and malformed input.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeBody } from "../../../src/api/decode";
import { decodeProtobuf } from "../../../src/api/protobuf/decode";
import { decodeMessage } from "../../../src/api/protobuf/message";
import { messageDef, messageForKind } from "../../../src/api/protobuf/schema";
import { goDuration } from "../../../src/api/protobuf/special";
import { KINDS, MESSAGES } from "../../../src/api/protobuf/tables";
import { isPlainObject, type Json } from "../../../src/util/json";

/** A protobuf writer just big enough to build test messages. */
class Writer {
  private bytes: number[] = [];

  varint(field: number, value: bigint | number | boolean): this {
    this.key(field, 0);
    this.raw(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  message(field: number, value: Writer | Uint8Array): this {
    return this.bytesField(field, value instanceof Writer ? value.finish() : value);
  }

  fixed64(field: number, value: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.bytes.push(...b);
    return this;
  }

  fixed32(field: number, value: number): this {
    this.key(field, 5);
    this.bytes.push(...new Uint8Array(new Float32Array([value]).buffer));
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.raw(BigInt(value.length));
    this.bytes.push(...value);
    return this;
  }

  /** Appends bytes as they are (for truncated or otherwise broken input). */
  append(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  finish(): Uint8Array {
    return new Uint8Array(this.bytes);
  }

  private key(field: number, wireType: number): void {
    this.raw(BigInt((field << 3) | wireType));
  }

  private raw(value: bigint): void {
    let v = value;
    do {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      this.bytes.push(v > 0n ? b | 0x80 : b);
    } while (v > 0n);
  }
}

const w = () => new Writer();

/** "k8s\0" + runtime.Unknown{typeMeta, raw}. */
function envelope(apiVersion: string, kind: string, object: Writer | Uint8Array, extra?: (u: Writer) => void): Uint8Array {
  const unknown = w().message(1, w().string(1, apiVersion).string(2, kind)).message(2, object);
  extra?.(unknown);
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...unknown.finish()]);
}

function decoded(bytes: Uint8Array, kind = "Object"): Record<string, Json> {
  const result = decodeProtobuf(bytes, kind);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function decodeError(bytes: Uint8Array, kind = "Object"): string {
  const result = decodeProtobuf(bytes, kind);
  if (result.ok) throw new Error(`decoded: ${JSON.stringify(result.value)}`);
  expect(result.error.code).toBe(400);
  expect(result.error.reason).toBe("BadRequest");
  return result.error.message;
}

/** Go's JSON of a typed object minus what Go reads as absent anyway: nulls and empty structs. */
function withoutEmpty(value: Json): Json | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => withoutEmpty(v) ?? null);
  if (!isPlainObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = withoutEmpty(v as Json);
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

interface Capture {
  name: string;
  command: string;
  body: string;
  dryRun?: Json;
}

const fixtures = JSON.parse(readFileSync(new URL("../../fixtures/protobuf/kubectl-1.32.json", import.meta.url), "utf8")) as { captures: Capture[] };
const body = (c: Capture) => new Uint8Array(Buffer.from(c.body, "base64"));

describe("bodies kubectl 1.32 sends", () => {
  for (const capture of fixtures.captures.filter((c) => c.dryRun !== undefined)) {
    it(`decodes ${capture.command} to the object kubectl prints for it`, () => {
      expect(decoded(body(capture))).toEqual(withoutEmpty(capture.dryRun ?? null));
    });
  }

  it("decodes a TokenRequest (kubectl create token has no --dry-run)", () => {
    const capture = fixtures.captures.find((c) => c.name === "token");
    expect(decoded(body(capture as Capture))).toEqual({
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { audiences: ["api"], expirationSeconds: 600 },
    });
  });

  it("goes through decodeBody for the protobuf media type", () => {
    const capture = fixtures.captures.find((c) => c.name === "namespace") as Capture;
    expect(decodeBody(body(capture), "application/vnd.kubernetes.protobuf", { kind: "Namespace" })).toEqual({
      ok: true,
      value: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } },
    });
  });
});

const meta = (name: string) => w().string(1, name).string(2, "").string(3, "").varint(7, 0).message(8, w());

describe("fields", () => {
  it("keeps zero values of pointer fields and drops those of plain ones, as Go's JSON reads them", () => {
    const spec = w().varint(1, 0).varint(5, 0).varint(7, false).varint(9, 600).message(4, w().string(1, ""));
    const obj = decoded(envelope("apps/v1", "Deployment", w().message(1, meta("d")).message(2, spec).message(3, w())));
    expect(obj).toEqual({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: 0, progressDeadlineSeconds: 600 } });
    const cm = decoded(envelope("v1", "ConfigMap", w().message(1, meta("c")).varint(4, false)));
    expect(cm).toEqual({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, immutable: false });
  });

  it("merges inline fields into their parent (VolumeSource, LocalObjectReference, ProbeHandler)", () => {
    const volume = w().string(1, "cfg").message(2, w().message(19, w().message(1, w().string(1, "settings")).varint(3, 420)));
    const keyRef = w().message(1, w().string(1, "settings")).string(2, "a").varint(3, true);
    const env = w().string(1, "A").message(3, w().message(3, keyRef));
    const probe = w().message(1, w().message(2, w().string(1, "/healthz").message(2, w().varint(1, 1).string(3, "http")))).varint(3, 5);
    const container = w().string(1, "app").string(2, "nginx").message(7, env).message(10, probe).message(8, w());
    const pod = w().message(1, meta("p")).message(2, w().message(1, volume).message(2, container));
    expect(decoded(envelope("v1", "Pod", pod))).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: {
        volumes: [{ name: "cfg", configMap: { name: "settings", defaultMode: 420 } }],
        containers: [
          {
            name: "app",
            image: "nginx",
            env: [{ name: "A", valueFrom: { configMapKeyRef: { name: "settings", key: "a", optional: true } } }],
            livenessProbe: { httpGet: { path: "/healthz", port: "http" }, timeoutSeconds: 5 },
          },
        ],
      },
    });
  });

  it("keeps an empty pointer message (emptyDir: {})", () => {
    const pod = w().message(1, meta("p")).message(2, w().message(1, w().string(1, "scratch").message(2, w().message(2, w()))));
    expect(decoded(envelope("v1", "Pod", pod)).spec).toEqual({ volumes: [{ name: "scratch", emptyDir: {} }] });
  });

  it("reads negative and 64-bit integers and packed repeated numbers", () => {
    const ctx = w().varint(2, -1).varint(6, 2n ** 40n);
    const pod = w().message(1, meta("p")).message(2, w().message(14, ctx).varint(4, -5));
    expect(decoded(envelope("v1", "Pod", pod)).spec).toEqual({ securityContext: { runAsUser: -1, runAsGroup: 2 ** 40 }, terminationGracePeriodSeconds: -5 });
    // PodSecurityContext.supplementalGroups (4) is repeated int64: packed and unpacked both read.
    const packed = w().message(1, meta("p")).message(2, w().message(14, w().bytesField(4, new Uint8Array([1, 2, 0x80, 0x01])).varint(4, 7)));
    expect(decoded(envelope("v1", "Pod", packed)).spec).toEqual({ securityContext: { supplementalGroups: [1, 2, 128, 7] } });
  });

  it("skips unknown field numbers of every wire type", () => {
    const cm = w().varint(99, 1).fixed64(98, 1.5).fixed32(97, 2.5).string(96, "x").message(1, meta("c")).message(2, w().string(1, "k").string(2, "v"));
    expect(decoded(envelope("v1", "ConfigMap", cm))).toEqual({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { k: "v" } });
  });

  it("base64-encodes bytes and fills in missing map values with the zero value", () => {
    const secret = w().message(1, meta("s")).message(2, w().string(1, "bin").bytesField(2, new Uint8Array([0, 1, 0xff]))).message(2, w().string(1, "none")).string(3, "Opaque");
    expect(decoded(envelope("v1", "Secret", secret))).toEqual({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { bin: "AAH/", none: "" }, type: "Opaque" });
  });

  it("keeps a __proto__ map key as data", () => {
    const cm = decoded(envelope("v1", "ConfigMap", w().message(1, meta("c")).message(2, w().string(1, "__proto__").string(2, "x"))));
    expect(Object.getPrototypeOf(cm.data)).toBe(Object.prototype);
    expect(JSON.stringify(cm.data)).toBe('{"__proto__":"x"}');
  });

  it("merges a message field sent twice, as protobuf does", () => {
    const cm = w().message(1, w().string(1, "c")).message(1, w().message(11, w().string(1, "app").string(2, "web")));
    expect(decoded(envelope("v1", "ConfigMap", cm)).metadata).toEqual({ name: "c", labels: { app: "web" } });
  });

  it("reads slice types wrapped in messages (ExtraValue) as arrays", () => {
    const spec = w().string(3, "alice").message(5, w().string(1, "scopes").message(2, w().string(1, "a").string(1, "b")));
    const review = w().message(1, meta("")).message(2, spec);
    expect(decoded(envelope("authorization.k8s.io/v1", "SubjectAccessReview", review)).spec).toEqual({ user: "alice", extra: { scopes: ["a", "b"] } });
  });

  it("accepts DeleteOptions under any served group version", () => {
    const options = w().varint(1, 0).string(4, "Foreground").string(5, "All");
    expect(decoded(envelope("apps/v1", "DeleteOptions", options))).toEqual({
      apiVersion: "apps/v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
      propagationPolicy: "Foreground",
      dryRun: ["All"],
    });
  });
});

describe("Kubernetes special types", () => {
  it("writes metav1.Time as RFC 3339 in whole seconds and leaves the zero time out", () => {
    const m = w().string(1, "c").message(8, w().varint(1, 1700000000).varint(2, 5)).message(9, w());
    expect(decoded(envelope("v1", "ConfigMap", w().message(1, m))).metadata).toEqual({ name: "c", creationTimestamp: "2023-11-14T22:13:20Z" });
    const epoch = w().string(1, "c").message(8, w().varint(1, 0).varint(2, 0));
    expect(decoded(envelope("v1", "ConfigMap", w().message(1, epoch))).metadata).toEqual({ name: "c", creationTimestamp: "1970-01-01T00:00:00Z" });
  });

  it("writes MicroTime with microseconds", () => {
    const event = w().message(1, meta("e")).message(2, w().varint(1, 1700000000).varint(2, 123456789)).string(11, "Normal");
    expect(decoded(envelope("events.k8s.io/v1", "Event", event))).toMatchObject({ eventTime: "2023-11-14T22:13:20.123456Z", type: "Normal" });
  });

  it("refuses times Go cannot write as RFC 3339", () => {
    const m = w().string(1, "c").message(8, w().varint(1, 253402300800n));
    expect(decodeError(envelope("v1", "ConfigMap", w().message(1, m)))).toContain("metadata.creationTimestamp: time out of range");
  });

  it("writes Quantity as its string and IntOrString as a number or a string", () => {
    const limits = w().string(1, "cpu").message(2, w().string(1, "500m"));
    const container = w().string(1, "c").message(8, w().message(1, limits));
    const port = (target: Writer) => w().string(1, "http").varint(3, 80).message(4, target);
    const svc = w().message(1, meta("s")).message(2, w().message(1, port(w().varint(1, 0).varint(2, 8080))).message(1, port(w().varint(1, 1).string(3, "web"))));
    expect(decoded(envelope("v1", "Service", svc)).spec).toEqual({
      ports: [
        { name: "http", port: 80, targetPort: 8080 },
        { name: "http", port: 80, targetPort: "web" },
      ],
    });
    const pod = w().message(1, meta("p")).message(2, w().message(2, container));
    expect(decoded(envelope("v1", "Pod", pod)).spec).toEqual({ containers: [{ name: "c", resources: { limits: { cpu: "500m" } } }] });
  });

  it("leaves a zero IntOrString out of a plain field but keeps it in a pointer (maxSurge: 0)", () => {
    const svc = w().message(1, meta("s")).message(2, w().message(1, w().varint(3, 80).message(4, w().varint(1, 0).varint(2, 0))));
    expect(decoded(envelope("v1", "Service", svc)).spec).toEqual({ ports: [{ port: 80 }] });
    const rolling = w().message(1, w().varint(1, 0).varint(2, 0)).message(2, w().varint(1, 1).string(3, "25%"));
    const spec = w().message(4, w().string(1, "RollingUpdate").message(2, rolling));
    expect(decoded(envelope("apps/v1", "Deployment", w().message(2, spec))).spec).toEqual({
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
    });
  });

  it("parses FieldsV1 and RawExtension JSON", () => {
    const entry = w().string(1, "kubectl").string(2, "Update").string(6, "FieldsV1").message(7, w().bytesField(1, new TextEncoder().encode('{"f:data":{}}')));
    const m = w().string(1, "c").message(17, entry);
    expect(decoded(envelope("v1", "ConfigMap", w().message(1, m))).metadata).toEqual({
      name: "c",
      managedFields: [{ manager: "kubectl", operation: "Update", fieldsType: "FieldsV1", fieldsV1: { "f:data": {} } }],
    });
    const revision = w().message(1, meta("r")).message(2, w().bytesField(1, new TextEncoder().encode('{"spec":{"x":1}}'))).varint(3, 2);
    expect(decoded(envelope("apps/v1", "ControllerRevision", revision))).toMatchObject({ data: { spec: { x: 1 } }, revision: 2 });
    const bad = w().message(1, meta("r")).message(2, w().bytesField(1, new TextEncoder().encode("{")));
    expect(decodeError(envelope("apps/v1", "ControllerRevision", bad))).toContain("data: embedded JSON does not parse");
  });

  it("formats durations as Go's time.Duration.String does", () => {
    expect(goDuration(0n)).toBe("0s");
    expect(goDuration(1n)).toBe("1ns");
    expect(goDuration(1_500n)).toBe("1.5µs");
    expect(goDuration(2_000_000n)).toBe("2ms");
    expect(goDuration(1_500_000_000n)).toBe("1.5s");
    expect(goDuration(60_000_000_000n)).toBe("1m0s");
    expect(goDuration(3_661_000_000_000n)).toBe("1h1m1s");
    expect(goDuration(3_600_000_000_000n)).toBe("1h0m0s");
    expect(goDuration(BigInt.asUintN(64, -90_000_000_000n))).toBe("-1m30s");
  });
});

describe("malformed bodies are 400 with the reason", () => {
  const cm = (object: Writer) => envelope("v1", "ConfigMap", object);

  it("needs the k8s\\0 prefix", () => {
    expect(decodeError(new TextEncoder().encode('{"kind":"ConfigMap"}'), "ConfigMap")).toBe(
      "the object provided is unrecognized (must be of type ConfigMap): protobuf: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    );
  });

  it("names the field for truncated values and wrong wire types", () => {
    expect(decodeError(cm(w().message(1, w().append(0x0a, 0x05, 0x61))))).toContain("metadata: length 5 runs past the end of the message");
    expect(decodeError(cm(w().message(1, w().varint(11, 3))))).toContain("metadata.labels: wire type varint, expected length-delimited");
    expect(decodeError(cm(w().message(1, w().append(0x38, 0xff))))).toContain("metadata: truncated varint");
    expect(decodeError(new Uint8Array([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x10]))).toContain("envelope: length 16 runs past the end");
    expect(decodeError(cm(w().append(0x0b)))).toContain("unsupported wire type 3");
  });

  it("refuses kinds it has no table for, a missing kind and encoded payloads", () => {
    expect(decodeError(envelope("example.com/v1", "Widget", w()))).toBe('no kind "Widget" is registered for version "example.com/v1" in protobuf');
    expect(decodeError(envelope("v1", "", w()))).toContain("Object 'Kind' is missing");
    expect(decodeError(envelope("v1", "ConfigMap", w(), (u) => u.string(3, "gzip")))).toContain('unsupported content encoding "gzip"');
  });

  it("stops at a nesting depth no object has", () => {
    // No message in the tables refers to itself, so the guard is reached only by starting deep.
    expect(() => decodeMessage(w().string(1, "x").finish(), "meta.v1.ObjectMeta", { path: "deep", depth: 65 })).toThrow("deep: messages nested more than 64 deep");
  });
});

describe("tables", () => {
  it("hold every message they reference, and every field line parses", () => {
    for (const name of Object.keys(MESSAGES)) {
      const def = messageDef(name);
      expect(def, name).toBeDefined();
      for (const f of def?.fields.values() ?? []) {
        if ("message" in f.type) expect(Object.hasOwn(MESSAGES, f.type.message), `${name}.${f.name} → ${f.type.message}`).toBe(true);
      }
    }
  });

  it("map every served kind the generators create to its message", () => {
    for (const [gv, kinds] of Object.entries(KINDS)) {
      for (const kind of kinds.split(" ").slice(1)) expect(messageDef(messageForKind(gv, kind) ?? ""), `${gv} ${kind}`).toBeDefined();
    }
    expect(messageForKind("v1", "ConfigMap")).toBe("core.v1.ConfigMap");
    expect(messageForKind("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")).toBe("rbac.v1.ClusterRoleBinding");
    expect(messageForKind("v1", "Deployment")).toBeUndefined();
  });
});
