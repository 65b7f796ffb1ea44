// The default policy in the store, as kube-apiserver's RBAC post-start hook keeps it: missing
// defaults are created; defaults still marked autoupdate get the rules and subjects they lack
// (added, never removed). Aggregated ClusterRoles are then given the union of the roles they
// select, as the aggregation controller does, so `kubectl get clusterrole edit -o yaml` shows it.
import type { BindingObject } from "../../apis/rbac/v1/binding";
import type { RoleObject } from "../../apis/rbac/v1/role";
import { kindByResource } from "../../apis/registry";
import type { KubeObject } from "../../apis/types";
import { writeCreate, writeUpdate, type WriteContext } from "../../api/writes";
import type { Store } from "../../store/store";
import { clone, deepEqual } from "../../util/json";
import { AUTOUPDATE } from "./build";
import { RBAC_RESOURCES, invalidateRbac } from "./cache";
import { DEFAULT_CLUSTER_ROLE_BINDINGS, DEFAULT_CLUSTER_ROLES } from "./defaults";
import { aggregate } from "./policy";

const MANAGER = "kube-apiserver";

function context(store: Store, resource: string, plural: string): WriteContext {
  return { store, kind: kindByResource("rbac.authorization.k8s.io", "v1", plural)!, resource, now: Date.now(), dryRun: false, fieldManager: MANAGER };
}

function missingFrom<T>(have: readonly T[] | undefined, want: readonly T[] | undefined): T[] {
  return (want ?? []).filter((w) => !(have ?? []).some((h) => deepEqual(h, w)));
}

/** The default with what the stored object lacks added; undefined when nothing is missing or it must not be touched. */
function reconciledRole(stored: RoleObject, wanted: RoleObject): RoleObject | undefined {
  if (stored.metadata.annotations?.[AUTOUPDATE] === "false") return undefined;
  const rules = wanted.aggregationRule ? [] : missingFrom(stored.rules, wanted.rules);
  const labels = Object.entries(wanted.metadata.labels ?? {}).some(([k, v]) => stored.metadata.labels?.[k] !== v);
  const aggregation = wanted.aggregationRule && !deepEqual(stored.aggregationRule, wanted.aggregationRule);
  if (!rules.length && !labels && !aggregation) return undefined;
  return {
    ...stored,
    metadata: { ...stored.metadata, labels: { ...stored.metadata.labels, ...wanted.metadata.labels } },
    rules: [...(stored.rules ?? []), ...rules],
    ...(wanted.aggregationRule ? { aggregationRule: wanted.aggregationRule } : {}),
  };
}

function reconciledBinding(stored: BindingObject, wanted: BindingObject): BindingObject | undefined {
  if (stored.metadata.annotations?.[AUTOUPDATE] === "false") return undefined;
  const subjects = missingFrom(stored.subjects, wanted.subjects);
  return subjects.length ? { ...stored, subjects: [...(stored.subjects ?? []), ...subjects] } : undefined;
}

async function reconcile<T extends KubeObject>(store: Store, resource: string, plural: string, defaults: T[], merge: (stored: T, wanted: T) => T | undefined): Promise<void> {
  const stored = new Map((await store.listAll({ resource })).map((o) => [o.metadata.name, o as T]));
  const w = context(store, resource, plural);
  for (const wanted of defaults) {
    const current = stored.get(wanted.metadata.name);
    if (!current) {
      await writeCreate(w, clone(wanted));
      continue;
    }
    const updated = merge(current, wanted);
    if (updated) await writeUpdate(w, current, updated, { expectedRv: Number(current.metadata.resourceVersion) });
  }
}

/** The aggregation controller's pass: each aggregated ClusterRole gets the rules of the roles it selects. */
export async function aggregateClusterRoles(store: Store): Promise<number> {
  const roles = (await store.listAll({ resource: RBAC_RESOURCES.clusterRoles })) as RoleObject[];
  const byName = new Map(roles.map((r) => [r.metadata.name ?? "", r]));
  const w = context(store, RBAC_RESOURCES.clusterRoles, "clusterroles");
  let changed = 0;
  for (const role of roles) {
    if (!role.aggregationRule) continue;
    const rules = aggregate(role, byName);
    if (deepEqual(rules, role.rules ?? [])) continue;
    const written = await writeUpdate(w, role, { ...role, rules }, { expectedRv: Number(role.metadata.resourceVersion) });
    if (written.ok) changed++;
  }
  return changed;
}

async function bootstrap(store: Store): Promise<void> {
  await reconcile(store, RBAC_RESOURCES.clusterRoles, "clusterroles", DEFAULT_CLUSTER_ROLES, reconciledRole);
  await reconcile(store, RBAC_RESOURCES.clusterRoleBindings, "clusterrolebindings", DEFAULT_CLUSTER_ROLE_BINDINGS, reconciledBinding);
  await aggregateClusterRoles(store);
  invalidateRbac();
}

let done: Promise<void> | undefined;

/** Once per isolate; a failure is retried by the next request. */
export function ensureDefaultPolicy(store: Store): Promise<void> {
  done ??= bootstrap(store).catch((err: unknown) => {
    done = undefined;
    throw err;
  });
  return done;
}
