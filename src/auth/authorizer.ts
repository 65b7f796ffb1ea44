// kube-apiserver's authorizer chain with --authorization-mode=Node,RBAC: members of
// system:masters may do anything, then the Node authorizer, then RBAC. The first to allow wins;
// when none does, the request is forbidden (forbidden.ts) with the authorizers' reasons.
import type { KubeObject } from "../apis/types";
import type { Store } from "../store/store";
import type { Attributes } from "./attributes";
import { ALLOW, type Decision } from "./decision";
import { authorizeNode, type NodeGraph } from "./node/authorizer";
import { rbacPolicy } from "./rbac/cache";
import { nodeRules } from "./rbac/defaults";
import type { RbacPolicy } from "./rbac/policy";
import { isMaster } from "./user";

export interface Authorizer {
  authorize(attrs: Attributes): Promise<Decision>;
  /** The RBAC snapshot, for escalation checks and rules reviews. */
  rbac(): Promise<RbacPolicy>;
}

/** The Node authorizer's view of the store: a node's pods come by the node-name index. */
export function storeGraph(store: Store): NodeGraph {
  return {
    async podsOn(nodeName, namespace) {
      const page = await store.list({ resource: "pods", namespace, nodeName, limit: 10_000 });
      return page.items;
    },
    pod: (namespace, name): Promise<KubeObject | undefined> => store.get({ resource: "pods", namespace, name }),
  };
}

export function storeAuthorizer(store: Store, now: () => number = Date.now): Authorizer {
  const graph = storeGraph(store);
  const rbac = () => rbacPolicy(store, now());
  return {
    rbac,
    async authorize(attrs) {
      if (isMaster(attrs.user)) return ALLOW;
      const node = await authorizeNode(attrs, graph, nodeRules());
      if (node.allowed) return node;
      const decision = (await rbac()).authorize(attrs);
      if (decision.allowed) return decision;
      return { allowed: false, reason: [node.reason, decision.reason].filter(Boolean).join("\n") };
    },
  };
}
