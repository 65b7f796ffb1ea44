// The namespaces Kubernetes starts with. Created on the first request an isolate serves (a
// create that finds them present changes nothing), so a new database needs no seeding step.
import type { KubeObject } from "../apis/types";
import { kindByResource } from "../apis/registry";
import type { Store } from "../store/store";
import { writeCreate } from "./writes";

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

let done: Promise<void> | undefined;

async function bootstrap(store: Store): Promise<void> {
  const kind = kindByResource("", "v1", "namespaces")!;
  for (const name of SYSTEM_NAMESPACES) {
    if (await store.get({ resource: "namespaces", namespace: "", name })) continue;
    const ns: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name } };
    await writeCreate({ store, kind, resource: "namespaces", now: Date.now(), dryRun: false, fieldManager: "kube-apiserver" }, ns);
  }
}

export function ensureBootstrap(store: Store): Promise<void> {
  done ??= bootstrap(store).catch((err: unknown) => {
    done = undefined;
    throw err;
  });
  return done;
}
