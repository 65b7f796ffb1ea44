// Who a request comes from, as Kubernetes' user.Info: a name, an optional uid, groups and extra
// attributes, plus the well-known names and groups the authorizers give meaning to.
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const ANONYMOUS_USER = "system:anonymous";
export const UNAUTHENTICATED = "system:unauthenticated";
export const AUTHENTICATED = "system:authenticated";
/** Members may do anything; admission and authorization never stop them (kube-apiserver's privileged group). */
export const MASTERS = "system:masters";
export const NODES = "system:nodes";
export const BOOTSTRAPPERS = "system:bootstrappers";
export const SERVICE_ACCOUNTS = "system:serviceaccounts";

const NODE_PREFIX = "system:node:";
const SA_PREFIX = "system:serviceaccount:";

export const anonymous: UserInfo = { name: ANONYMOUS_USER, groups: [UNAUTHENTICATED] };

export function isMaster(user: UserInfo): boolean {
  return user.groups.includes(MASTERS);
}

/** nodeidentifier.NodeIdentity: the node name of a system:node:<name> user in group system:nodes ("" if unnamed). */
export function nodeIdentity(user: UserInfo): { isNode: boolean; nodeName: string } {
  if (!user.name.startsWith(NODE_PREFIX) || !user.groups.includes(NODES)) return { isNode: false, nodeName: "" };
  return { isNode: true, nodeName: user.name.slice(NODE_PREFIX.length) };
}

export function nodeUser(nodeName: string): UserInfo {
  return { name: `${NODE_PREFIX}${nodeName}`, groups: [NODES, AUTHENTICATED] };
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

/** The namespace and name of a system:serviceaccount:<ns>:<name> user, if it is one. */
export function serviceAccountOf(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const [namespace, name, ...rest] = username.slice(SA_PREFIX.length).split(":");
  return namespace && name && rest.length === 0 ? { namespace, name } : undefined;
}

/** The groups every service account of a namespace is in. */
export function serviceAccountGroups(namespace: string): string[] {
  return [SERVICE_ACCOUNTS, `${SERVICE_ACCOUNTS}:${namespace}`, AUTHENTICATED];
}
