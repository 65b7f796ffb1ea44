// Admission that needs to know who is writing, run by the write path (writes.ts) on the final
// object: NodeRestriction for nodes, then RBAC's escalation checks. Members of system:masters
// pass, as they do in Kubernetes.
import { RBAC_GROUP } from "../apis/rbac/v1/schema";
import type { Admit } from "../api/writes";
import type { Authorizer } from "./authorizer";
import { admitNodeWrite } from "./node/restriction";
import { checkEscalation } from "./rbac/escalation";
import { isMaster, nodeIdentity, type UserInfo } from "./user";

export function admissionFor(user: UserInfo, authorizer: Authorizer): Admit | undefined {
  if (isMaster(user)) return undefined;
  const node = nodeIdentity(user);
  return async (req) => {
    if (node.isNode) {
      const refused = admitNodeWrite(node.nodeName, req);
      if (refused) return refused;
    }
    if (req.kind.group !== RBAC_GROUP) return undefined;
    return checkEscalation({ user, authorize: (attrs) => authorizer.authorize(attrs), policy: await authorizer.rbac() }, req);
  };
}
