// The table generator: generated.proto and Go struct tags in, table lines out.
import { describe, expect, it } from "vitest";
import { emitTables, renderModule } from "../../../src/api/protobuf/gen/emit";
import { emptyGoPackage, readGoFile } from "../../../src/api/protobuf/gen/gotags";
import { parseProto, type ProtoFile } from "../../../src/api/protobuf/gen/proto";

const META_PROTO = `/*
Copyright header, with a stray // and apps/* inside.
*/
syntax = "proto2";
package k8s.io.apimachinery.pkg.apis.meta.v1;
option go_package = "k8s.io/apimachinery/pkg/apis/meta/v1";

// ObjectMeta is metadata, see "apps/*/scale".
message ObjectMeta {
  optional string name = 1;
  map<string, string> labels = 11;
}

message DeleteOptions {
  optional int64 gracePeriodSeconds = 1;
}
`;

const CORE_PROTO = `syntax = "proto2";
package k8s.io.api.core.v1;
import "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto";

message Volume {
  optional string name = 1;
  optional VolumeSource volumeSource = 2;
}

message VolumeSource {
  optional EmptyDirVolumeSource emptyDir = 2;
}

message EmptyDirVolumeSource {
  optional string medium = 1;
}

message Thing {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  repeated Volume volumes = 2;
  optional int32 replicas = 3;
  optional string uID = 4;
  map<string, ExtraValue> extra = 5;
}

message ThingList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
}

message ExtraValue {
  repeated string items = 1;
}

message Unreached {
  optional string x = 1;
}
`;

const CORE_GO = `package v1

type Volume struct {
	Name string \`json:"name" protobuf:"bytes,1,opt,name=name"\`
	VolumeSource \`json:",inline" protobuf:"bytes,2,opt,name=volumeSource"\`
}

type VolumeSource struct {
	EmptyDir *EmptyDirVolumeSource \`json:"emptyDir,omitempty" protobuf:"bytes,2,opt,name=emptyDir"\`
}

type Thing struct {
	metav1.TypeMeta \`json:",inline"\`
	metav1.ObjectMeta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`
	Volumes []Volume \`json:"volumes,omitempty" protobuf:"bytes,2,rep,name=volumes"\`
	Replicas *int32 \`json:"replicas,omitempty" protobuf:"varint,3,opt,name=replicas"\`
	UID string \`json:"uid" protobuf:"bytes,4,opt,name=uID"\`
	Extra map[string]ExtraValue \`json:"extra,omitempty" protobuf:"bytes,5,rep,name=extra"\`
}

type ExtraValue []string
`;

function proto(text: string): ProtoFile {
  const parsed = parseProto(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.file;
}

describe("parseProto", () => {
  it("reads messages, fields, maps and qualified types, and skips comments", () => {
    const file = proto(CORE_PROTO);
    expect(file.package).toBe("k8s.io.api.core.v1");
    const thing = file.messages.find((m) => m.name === "k8s.io.api.core.v1.Thing");
    expect(thing?.fields).toEqual([
      { number: 1, name: "metadata", repeated: false, type: "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
      { number: 2, name: "volumes", repeated: true, type: "k8s.io.api.core.v1.Volume" },
      { number: 3, name: "replicas", repeated: false, type: "int32" },
      { number: 4, name: "uID", repeated: false, type: "string" },
      { number: 5, name: "extra", repeated: true, type: "map", mapValue: "k8s.io.api.core.v1.ExtraValue" },
    ]);
    expect(proto(META_PROTO).messages.map((m) => m.name)).toEqual(["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"]);
  });

  it("names the line it cannot read", () => {
    expect(parseProto("package a;\nmessage X {\n  oneof y {\n}\n")).toEqual({ ok: false, message: 'line 3: cannot read "oneof y {"' });
  });
});

describe("readGoFile", () => {
  it("reads JSON names, inline embeds, pointers and slice types by protobuf number", () => {
    const go = emptyGoPackage();
    readGoFile(CORE_GO, go);
    expect(go.structs.get("Volume")?.get(2)).toEqual({ goName: "VolumeSource", jsonName: undefined, inline: true, pointer: false });
    expect(go.structs.get("Thing")?.get(3)).toEqual({ goName: "Replicas", jsonName: "replicas", inline: false, pointer: true });
    expect(go.structs.get("Thing")?.get(4)).toMatchObject({ jsonName: "uid" });
    expect(go.structs.get("Thing")?.has(0)).toBe(false);
    expect([...go.sliceTypes]).toEqual(["ExtraValue"]);
  });
});

describe("emitTables", () => {
  const core = emptyGoPackage();
  readGoFile(CORE_GO, core);
  const result = emitTables([
    { short: "meta.v1", groupVersion: "meta.k8s.io/v1", proto: proto(META_PROTO), go: emptyGoPackage() },
    { short: "core.v1", groupVersion: "v1", proto: proto(CORE_PROTO), go: core },
  ]);

  it("lists kinds (not lists) and keeps only the messages they reach", () => {
    expect(result.kinds.get("v1")).toEqual({ pkg: "core.v1", kinds: ["Thing"] });
    expect(result.kinds.get("meta.k8s.io/v1")).toEqual({ pkg: "meta.v1", kinds: ["DeleteOptions"] });
    expect([...result.messages.keys()]).toEqual([
      "core.v1.EmptyDirVolumeSource",
      "core.v1.ExtraValue",
      "core.v1.Thing",
      "core.v1.Volume",
      "core.v1.VolumeSource",
      "meta.v1.DeleteOptions",
      "meta.v1.ObjectMeta",
    ]);
  });

  it("writes JSON names and flags, with same-package types unqualified", () => {
    expect(result.messages.get("core.v1.Thing")).toBe("1:metadata:meta.v1.ObjectMeta 2:volumes:Volume* 3:replicas:int32? 4:uid:string 5:extra:{ExtraValue}");
    expect(result.messages.get("core.v1.Volume")).toBe("1:name:string 2:volumeSource:VolumeSource^");
    expect(result.messages.get("core.v1.VolumeSource")).toBe("2:emptyDir:EmptyDirVolumeSource?");
    expect(result.messages.get("core.v1.ExtraValue")).toBe("[] 1:items:string*");
    expect(result.messages.get("meta.v1.ObjectMeta")).toBe("1:name:string 11:labels:{string}");
  });

  it("notes renamed fields and messages without Go structs for review", () => {
    expect(result.notes).toContain("core.v1.Thing.uID (4): JSON name uid");
    expect(result.notes).toContain("meta.v1.ObjectMeta: no Go struct found; proto names and non-pointer semantics used");
  });

  it("renders a module", () => {
    const text = renderModule(result, "test input");
    expect(text).toContain('  "v1": "core.v1 Thing",');
    expect(text).toContain('  "core.v1.Volume": "1:name:string 2:volumeSource:VolumeSource^",');
  });
});
