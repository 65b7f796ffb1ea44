// A container's environment, as the kubelet builds it (makeEnvironmentVariables): envFrom
// sources first, in order, then env entries, later names overriding earlier ones. env values
// expand $(VAR) references to variables defined before them; envFrom values are taken as they
// are. A missing ConfigMap, Secret or key fails the container's start (CreateContainerConfigError)
// unless the reference is optional.
import type { ConfigMap } from "../../apis/core/v1/configmap";
import type { Container } from "../../apis/core/v1/container";
import type { Pod } from "../../apis/core/v1/pod";
import type { Secret } from "../../apis/core/v1/secret";
import { fieldValue, resourceValue, type Allocatable, type PodAddresses } from "./downward";
import { expandVars } from "./expand";

export interface ObjectLookup {
  /** undefined: the object does not exist. */
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
}

export interface EnvContext {
  pod: Pod;
  objects: ObjectLookup;
  addresses: PodAddresses;
  allocatable: Allocatable;
  /** The Service variables of the Services that exist as the container starts (serviceEnvVars). */
  serviceEnv?: { name: string; value: string }[];
}

export type EnvResult = { ok: true; env: { name: string; value: string }[] } | { ok: false; message: string };

/** C_IDENTIFIER-ish names the kubelet accepts from envFrom keys (IsEnvVarName). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function decode(data: string): string {
  return Buffer.from(data, "base64").toString("utf8");
}

/** A Secret's or ConfigMap's keys as strings (secrets are base64 in data; configmap binaryData too). */
export function configMapEntries(cm: ConfigMap): Record<string, string> {
  const out: Record<string, string> = { ...cm.data };
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out[k] = decode(v);
  return out;
}

export function secretEntries(secret: Secret): Record<string, string> {
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, decode(v)]));
}

class Env {
  private readonly values = new Map<string, string>();
  set(name: string, value: string): void {
    // A redefined name moves to where it was last defined, as Go's ordered env build leaves it.
    this.values.delete(name);
    this.values.set(name, value);
  }
  get(name: string): string | undefined {
    return this.values.get(name);
  }
  list(): { name: string; value: string }[] {
    return [...this.values].map(([name, value]) => ({ name, value }));
  }
}

function fromSources(container: Container, ctx: EnvContext, env: Env): string | undefined {
  const namespace = ctx.pod.metadata.namespace ?? "";
  for (const source of container.envFrom ?? []) {
    let entries: Record<string, string> | undefined;
    if (source.configMapRef) {
      const cm = ctx.objects.configMap(namespace, source.configMapRef.name ?? "");
      if (!cm && !source.configMapRef.optional) return `configmap "${source.configMapRef.name ?? ""}" not found`;
      entries = cm && configMapEntries(cm);
    } else if (source.secretRef) {
      const secret = ctx.objects.secret(namespace, source.secretRef.name ?? "");
      if (!secret && !source.secretRef.optional) return `secret "${source.secretRef.name ?? ""}" not found`;
      entries = secret && secretEntries(secret);
    }
    for (const [key, value] of Object.entries(entries ?? {})) {
      const name = (source.prefix ?? "") + key;
      if (ENV_NAME.test(name)) env.set(name, value);
    }
  }
  return undefined;
}

function valueFrom(entry: NonNullable<Container["env"]>[number], container: Container, ctx: EnvContext): { value?: string; error?: string } {
  const from = entry.valueFrom ?? {};
  const namespace = ctx.pod.metadata.namespace ?? "";
  if (from.fieldRef) {
    const v = fieldValue(ctx.pod, from.fieldRef.fieldPath, ctx.addresses);
    return "error" in v ? { error: v.error } : { value: v.value };
  }
  if (from.resourceFieldRef) {
    const ref = from.resourceFieldRef;
    const target = ref.containerName ? [...(ctx.pod.spec?.containers ?? []), ...(ctx.pod.spec?.initContainers ?? [])].find((c) => c.name === ref.containerName) : container;
    if (!target) return { error: `container ${ref.containerName} not found` };
    const v = resourceValue(target, ref.resource, ref.divisor, ctx.allocatable);
    return "error" in v ? { error: v.error } : { value: v.value };
  }
  if (from.configMapKeyRef) {
    const ref = from.configMapKeyRef;
    const cm = ctx.objects.configMap(namespace, ref.name ?? "");
    if (!cm) return ref.optional ? {} : { error: `configmap "${ref.name ?? ""}" not found` };
    const value = configMapEntries(cm)[ref.key];
    if (value === undefined) return ref.optional ? {} : { error: `couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name ?? ""}` };
    return { value };
  }
  if (from.secretKeyRef) {
    const ref = from.secretKeyRef;
    const secret = ctx.objects.secret(namespace, ref.name ?? "");
    if (!secret) return ref.optional ? {} : { error: `secret "${ref.name ?? ""}" not found` };
    const raw = secret.data?.[ref.key];
    if (raw === undefined) return ref.optional ? {} : { error: `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name ?? ""}` };
    return { value: decode(raw) };
  }
  return { value: "" };
}

export function containerEnv(container: Container, ctx: EnvContext): EnvResult {
  const env = new Env();
  const services = new Map((ctx.serviceEnv ?? []).map((e) => [e.name, e.value]));
  const sourceError = fromSources(container, ctx, env);
  if (sourceError) return { ok: false, message: sourceError };
  for (const entry of container.env ?? []) {
    if (entry.valueFrom) {
      const resolved = valueFrom(entry, container, ctx);
      if (resolved.error) return { ok: false, message: resolved.error };
      if (resolved.value !== undefined) env.set(entry.name, resolved.value);
    } else {
      // As the kubelet's mapping: the container's own variables first, then the Services'.
      env.set(entry.name, expandVars(entry.value ?? "", (name) => env.get(name) ?? services.get(name)));
    }
  }
  // Service variables come last and never replace one the container defines.
  for (const [name, value] of services) if (env.get(name) === undefined) env.set(name, value);
  return { ok: true, env: env.list() };
}

/** command and args with $(VAR) expanded against the final environment. */
export function expandCommand(container: Container, env: { name: string; value: string }[]): { command?: string[]; args?: string[] } {
  const map = new Map(env.map((e) => [e.name, e.value]));
  const expand = (list: string[] | undefined) => list?.map((s) => expandVars(s, (name) => map.get(name)));
  return { command: expand(container.command), args: expand(container.args) };
}
