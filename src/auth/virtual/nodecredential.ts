// NodeCredentialRequest: a joining node (a bootstrap token's holder, group system:bootstrappers)
// gets a credential for system:node:<name>; a node may renew only its own. The credential is
// stored hashed like every issued token and shown once, in the answer.
import type { NodeCredentialRequest } from "../../apis/edgeplane/v1";
import type { KubeObject } from "../../apis/types";
import { isDns1123Subdomain } from "../../apis/formats";
import { timestamp } from "../../api/objectmeta";
import { fieldError, forbidden, invalid, type Result } from "../../api/status";
import { TokenStore } from "../tokens";
import { nodeIdentity } from "../user";
import type { VirtualContext } from "./context";

export async function requestNodeCredential(obj: KubeObject, ctx: VirtualContext): Promise<Result<KubeObject>> {
  const req = obj as NodeCredentialRequest;
  const nodeName = req.spec?.nodeName ?? "";
  const problems = isDns1123Subdomain(nodeName);
  if (!nodeName || problems.length) {
    const cause = nodeName ? fieldError.invalid("spec.nodeName", nodeName, problems.join("; ")) : fieldError.required("spec.nodeName");
    return { ok: false, error: invalid("NodeCredentialRequest", "edgeplane.dev", obj.metadata.name ?? "", [cause]) };
  }
  const asker = nodeIdentity(ctx.user);
  if (asker.isNode && asker.nodeName !== nodeName) {
    return { ok: false, error: forbidden("nodecredentialrequests", "edgeplane.dev", "", `node "${asker.nodeName}" may only renew its own credential`) };
  }
  const { token, record } = await new TokenStore(ctx.env.DB).issue({
    kind: "node",
    nodeName,
    ttlSeconds: ctx.config.nodeCredentialTtlSeconds,
    description: `issued to ${ctx.user.name}`,
    now: ctx.now,
  });
  const status = { token, username: record.username, ...(record.expiresAt ? { expirationTimestamp: timestamp(record.expiresAt) } : {}) };
  return { ok: true, value: { ...obj, status } };
}
