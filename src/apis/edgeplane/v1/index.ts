// edgeplane.dev/v1 NodeCredentialRequest: how a joining node trades a bootstrap token for a
// credential bound to its name (system:node:<name>, group system:nodes), as kubelet TLS
// bootstrapping trades one for a client certificate. Not stored: the credential is shown once.
import { z } from "zod";
import { kindSchema } from "../../meta";
import type { KindDef, KubeObject } from "../../types";

export const nodeCredentialRequestKind: KindDef = {
  group: "edgeplane.dev",
  version: "v1",
  kind: "NodeCredentialRequest",
  listKind: "NodeCredentialRequestList",
  plural: "nodecredentialrequests",
  singular: "nodecredentialrequest",
  shortNames: [],
  categories: [],
  namespaced: false,
  schema: kindSchema({
    apiVersion: "edgeplane.dev/v1",
    kind: "NodeCredentialRequest",
    spec: z.strictObject({ nodeName: z.string() }),
    status: z.strictObject({ token: z.string(), expirationTimestamp: z.string().optional(), username: z.string() }),
  }),
  columns: [],
  verbs: ["create"],
  virtual: true,
};

export interface NodeCredentialRequest extends KubeObject {
  spec?: { nodeName: string };
  status?: { token: string; expirationTimestamp?: string; username: string };
}

export const edgeplaneV1Kinds: readonly KindDef[] = [nodeCredentialRequestKind];
