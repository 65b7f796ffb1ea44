// The namespaces Kubernetes starts with, and the `kubernetes` Service in `default` holding the
// first address of the service range, as kube-apiserver's bootstrap controller makes it. Created
// on the first request an isolate serves (a create that finds them present changes nothing), so
// a new database needs no seeding step.
import type { KubeObject } from "../apis/types";
import { kindByResource } from "../apis/registry";
import type { Store } from "../store/store";
import { writeCreate } from "./writes";
import { kubernetesService } from "../services/kubernetes";
import { allocatorFor } from "../services/allocation";
import type { ServiceVars } from "../services/config";

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

let done: Promise<void> | undefined;

async function bootstrap(store: Store, vars: ServiceVars): Promise<void> {
  const kind = kindByResource("", "v1", "namespaces")!;
  for (const name of SYSTEM_NAMESPACES) {
    if (await store.get({ resource: "namespaces", namespace: "", name })) continue;
    const ns: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name } };
    await writeCreate({ store, kind, resource: "namespaces", now: Date.now(), dryRun: false, fieldManager: "kube-apiserver" }, ns);
  }
  if (!(await store.get({ resource: "services", namespace: "default", name: "kubernetes" }))) {
    const svcKind = kindByResource("", "v1", "services")!;
    const allocator = allocatorFor("services", vars);
    await writeCreate({ store, kind: svcKind, resource: "services", now: Date.now(), dryRun: false, fieldManager: "kube-apiserver", allocator }, kubernetesService(vars));
  }
}

export function ensureBootstrap(store: Store, vars: ServiceVars = {}): Promise<void> {
  done ??= bootstrap(store, vars).catch((err: unknown) => {
    done = undefined;
    throw err;
  });
  return done;
}
