// Regenerates src/api/protobuf/tables.ts from checkouts of kubernetes/api and
// kubernetes/apimachinery (the staging repositories of kubernetes/kubernetes, same tag):
//
//   tsx scripts/protobuf-tables.ts --api ../api --apimachinery ../apimachinery --ref v0.36.3
//
// It reads each package's generated.proto and the Go files beside it (struct tags only), prints
// what a reviewer should check to stderr, and writes the module.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { emitTables, renderModule, type PackageInput } from "../src/api/protobuf/gen/emit";
import { emptyGoPackage, readGoFile } from "../src/api/protobuf/gen/gotags";
import { parseProto } from "../src/api/protobuf/gen/proto";

interface Source {
  repo: "api" | "apimachinery";
  dir: string;
  short: string;
  groupVersion?: string;
}

/** The served groups (src/apis/registry.ts) plus policy/v1 (evictions) and scheduling/v1. */
const SOURCES: Source[] = [
  { repo: "apimachinery", dir: "pkg/apis/meta/v1", short: "meta.v1", groupVersion: "meta.k8s.io/v1" },
  { repo: "apimachinery", dir: "pkg/api/resource", short: "resource" },
  { repo: "apimachinery", dir: "pkg/util/intstr", short: "intstr" },
  { repo: "apimachinery", dir: "pkg/runtime", short: "runtime" },
  { repo: "apimachinery", dir: "pkg/runtime/schema", short: "schema" },
  { repo: "api", dir: "core/v1", short: "core.v1", groupVersion: "v1" },
  { repo: "api", dir: "apps/v1", short: "apps.v1", groupVersion: "apps/v1" },
  { repo: "api", dir: "events/v1", short: "events.v1", groupVersion: "events.k8s.io/v1" },
  { repo: "api", dir: "authentication/v1", short: "authentication.v1", groupVersion: "authentication.k8s.io/v1" },
  { repo: "api", dir: "authorization/v1", short: "authorization.v1", groupVersion: "authorization.k8s.io/v1" },
  { repo: "api", dir: "autoscaling/v1", short: "autoscaling.v1", groupVersion: "autoscaling/v1" },
  { repo: "api", dir: "autoscaling/v2", short: "autoscaling.v2", groupVersion: "autoscaling/v2" },
  { repo: "api", dir: "batch/v1", short: "batch.v1", groupVersion: "batch/v1" },
  { repo: "api", dir: "rbac/v1", short: "rbac.v1", groupVersion: "rbac.authorization.k8s.io/v1" },
  { repo: "api", dir: "coordination/v1", short: "coordination.v1", groupVersion: "coordination.k8s.io/v1" },
  { repo: "api", dir: "discovery/v1", short: "discovery.v1", groupVersion: "discovery.k8s.io/v1" },
  { repo: "api", dir: "policy/v1", short: "policy.v1", groupVersion: "policy/v1" },
  { repo: "api", dir: "scheduling/v1", short: "scheduling.v1", groupVersion: "scheduling.k8s.io/v1" },
];

const SKIPPED_GO = /(_test\.go|^generated\.pb\.go|^zz_generated.*)$/;

function readPackage(root: string, source: Source): PackageInput {
  const dir = join(root, source.dir);
  const parsed = parseProto(readFileSync(join(dir, "generated.proto"), "utf8"));
  if (!parsed.ok) throw new Error(`${source.dir}/generated.proto: ${parsed.message}`);
  const go = emptyGoPackage();
  for (const name of readdirSync(dir)) {
    if (name.endsWith(".go") && !SKIPPED_GO.test(name)) readGoFile(readFileSync(join(dir, name), "utf8"), go);
  }
  return { short: source.short, groupVersion: source.groupVersion, proto: parsed.file, go };
}

const { values } = parseArgs({
  options: {
    api: { type: "string" },
    apimachinery: { type: "string" },
    ref: { type: "string", default: "an unnamed checkout" },
    out: { type: "string", default: "src/api/protobuf/tables.ts" },
  },
});
if (!values.api || !values.apimachinery) {
  console.error("usage: tsx scripts/protobuf-tables.ts --api <kubernetes/api checkout> --apimachinery <kubernetes/apimachinery checkout> [--ref <tag>] [--out <file>]");
  process.exit(2);
}
const roots = { api: values.api, apimachinery: values.apimachinery };
const result = emitTables(SOURCES.map((s) => readPackage(roots[s.repo], s)));
for (const note of result.notes) console.error(note);
writeFileSync(values.out, renderModule(result, `kubernetes/api and kubernetes/apimachinery ${values.ref}`));
console.error(`${result.messages.size} messages written to ${values.out}`);
