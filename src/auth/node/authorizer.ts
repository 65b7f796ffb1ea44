// The Node authorizer (plugin/pkg/auth/authorizer/node, with AuthorizeNodeWithSelectors as in
// Kubernetes 1.32): a node reads its own Node and Lease, the pods bound to it (by name, or listed
// with fieldSelector spec.nodeName=<itself>) and only the Secrets, ConfigMaps, claims and service
// account tokens those pods reference. Writes it may attempt are narrowed by NodeRestriction
// (restriction.ts). Kubernetes walks an in-memory graph; here the node's pods are read from the
// store by the node-name index when a relationship has to be shown.
import type { KubeObject } from "../../apis/types";
import type { Attributes } from "../attributes";
import { ALLOW, noOpinion, type Decision } from "../decision";
import { rulesAllow, type PolicyRule } from "../rbac/rules";
import { nodeIdentity } from "../user";
import { nodeNameOf, podReferences, type PodReferences } from "./references";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";

/** What the authorizer reads: the pods bound to a node, and single pods. */
export interface NodeGraph {
  podsOn(nodeName: string, namespace: string): Promise<KubeObject[]>;
  pod(namespace: string, name: string): Promise<KubeObject | undefined>;
}

const noRelationship = (node: string) => noOpinion(`no relationship found between node '${node}' and this object`);

async function referenced(graph: NodeGraph, node: string, attrs: Attributes, edge: keyof PodReferences): Promise<Decision> {
  if (!attrs.name) return noOpinion("No Object name found");
  const pods = await graph.podsOn(node, attrs.namespace);
  return pods.some((p) => podReferences(p)[edge].has(attrs.name)) ? ALLOW : noRelationship(node);
}

function readNamespaced(graph: NodeGraph, node: string, attrs: Attributes, edge: keyof PodReferences): Promise<Decision> | Decision {
  if (!["get", "list", "watch"].includes(attrs.verb)) return noOpinion("can only read resources of this type");
  if (attrs.subresource) return noOpinion("cannot read subresource");
  if (!attrs.namespace) return noOpinion("can only read namespaced object of this type");
  return referenced(graph, node, attrs, edge);
}

function claims(graph: NodeGraph, node: string, attrs: Attributes): Promise<Decision> | Decision {
  if (attrs.subresource === "status") return ["update", "patch"].includes(attrs.verb) ? referenced(graph, node, attrs, "claims") : noOpinion("can only get/update/patch this type");
  if (attrs.verb !== "get") return noOpinion("can only get individual resources of this type");
  if (attrs.subresource) return noOpinion("cannot get subresource");
  return referenced(graph, node, attrs, "claims");
}

function serviceAccountToken(graph: NodeGraph, node: string, attrs: Attributes): Promise<Decision> | Decision {
  if (attrs.verb !== "create" || !attrs.name) return noOpinion("can only create tokens for individual service accounts");
  if (attrs.subresource !== "token") return noOpinion("can only create token subresource of serviceaccount");
  return referenced(graph, node, attrs, "serviceAccounts");
}

function lease(node: string, attrs: Attributes): Decision {
  if (!["get", "create", "update", "patch", "delete"].includes(attrs.verb)) return noOpinion("can only get, create, update, patch, or delete a node lease");
  if (attrs.namespace !== NODE_LEASE_NAMESPACE) return noOpinion(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  // The name of a create is in the body: NodeRestriction checks it.
  if (attrs.verb !== "create" && attrs.name !== node) return noOpinion("can only access node lease with the same name as the requesting node");
  return ALLOW;
}

function nodeObject(node: string, attrs: Attributes): Decision {
  if (attrs.subresource === "status") return ["update", "patch"].includes(attrs.verb) ? ALLOW : noOpinion();
  if (attrs.subresource) return noOpinion();
  if (["create", "update", "patch"].includes(attrs.verb)) return ALLOW;
  if (!["get", "list", "watch"].includes(attrs.verb)) return noOpinion();
  if (attrs.name === node) return ALLOW;
  return noOpinion(attrs.name ? `node '${node}' cannot read '${attrs.name}', only its own Node object` : `node '${node}' cannot read all nodes, only its own Node object`);
}

async function podOnNode(graph: NodeGraph, node: string, attrs: Attributes): Promise<Decision> {
  if (!attrs.name) return noOpinion("No Object name found");
  const pod = attrs.namespace ? await graph.pod(attrs.namespace, attrs.name) : undefined;
  return pod && nodeNameOf(pod) === node ? ALLOW : noRelationship(node);
}

function pods(graph: NodeGraph, node: string, attrs: Attributes): Promise<Decision> | Decision {
  switch (attrs.subresource) {
    case "":
      if (attrs.verb === "get") return podOnNode(graph, node, attrs);
      if (attrs.verb === "list" || attrs.verb === "watch") {
        if ((attrs.fieldSelector ?? []).some((r) => r.field === "spec.nodeName" && r.operator !== "!=" && r.value === node)) return ALLOW;
        if (attrs.name) return podOnNode(graph, node, attrs);
        return noOpinion("can only list/watch pods with spec.nodeName field selector");
      }
      // Mirror pods, and removing a pod the node has stopped: NodeRestriction limits both to its own.
      return attrs.verb === "create" || attrs.verb === "delete" ? ALLOW : noOpinion();
    case "status":
      return attrs.verb === "update" || attrs.verb === "patch" ? ALLOW : noOpinion();
    case "eviction":
      return attrs.verb === "create" ? ALLOW : noOpinion();
  }
  return noOpinion();
}

/** The agent's tunnel (edgeplane.dev nodes/{name}/tunnel): its own only. */
function tunnel(node: string, attrs: Attributes): Decision {
  return attrs.subresource === "tunnel" && attrs.verb === "get" && attrs.name === node ? ALLOW : noOpinion();
}

export async function authorizeNode(attrs: Attributes, graph: NodeGraph, nodeRules: readonly PolicyRule[]): Promise<Decision> {
  const { isNode, nodeName } = nodeIdentity(attrs.user);
  if (!isNode) return noOpinion();
  if (!nodeName) return noOpinion(`unknown node for user "${attrs.user.name}"`);
  if (attrs.resourceRequest) {
    switch (`${attrs.apiGroup}/${attrs.resource}`) {
      case "/secrets":
        return readNamespaced(graph, nodeName, attrs, "secrets");
      case "/configmaps":
        return readNamespaced(graph, nodeName, attrs, "configMaps");
      case "/persistentvolumeclaims":
        return claims(graph, nodeName, attrs);
      case "/persistentvolumes":
        return attrs.verb === "get" && !attrs.subresource ? noRelationship(nodeName) : noOpinion("can only get individual resources of this type");
      case "/serviceaccounts":
        return serviceAccountToken(graph, nodeName, attrs);
      case "coordination.k8s.io/leases":
        return lease(nodeName, attrs);
      case "/nodes":
        return nodeObject(nodeName, attrs);
      case "/pods":
        return pods(graph, nodeName, attrs);
      case "edgeplane.dev/nodes":
        return tunnel(nodeName, attrs);
    }
  }
  return rulesAllow(attrs, nodeRules) ? ALLOW : noOpinion();
}

