// Pod subresources: binding (how the scheduler assigns a node) and log.
import { isPlainObject } from "../../util/json";
import type { Ctx } from "../context";
import { bound } from "../../scheduler/binding";
import type { Target } from "../paths";
import { readBody } from "../request";
import { sendError } from "../respond";
import { badRequest, conflict } from "../status";
import { podLogTarget } from "../../tunnel/podlog";
import { relayToNode } from "../../tunnel/relay";
import { writeUpdate } from "../writes";
import { getObject } from "./read";
import { writeContext } from "./write";

export async function bind(c: Ctx, t: Target): Promise<Response> {
  const body = await readBody(c, t.kind);
  if (!body.ok) return sendError(c, body.error);
  const b = body.value;
  const target = isPlainObject(b) && isPlainObject(b.target) ? b.target : undefined;
  if (!target || typeof target.name !== "string" || !target.name) return sendError(c, badRequest("Binding target.name is required"));
  if (target.kind !== undefined && target.kind !== "Node") return sendError(c, badRequest(`Binding target kind must be Node, got ${String(target.kind)}`));
  const pod = await getObject(c, t);
  if (!pod.ok) return sendError(c, pod.error);
  const spec = pod.value.spec as { nodeName?: string };
  if (pod.value.metadata.deletionTimestamp) return sendError(c, conflict("pods", "", t.name ?? "", `pod ${t.name} is being deleted, cannot be assigned to a host`));
  if (spec.nodeName) return sendError(c, conflict("pods", "", t.name ?? "", `pod ${t.name} is already assigned to node "${spec.nodeName}"`));
  const now = c.get("now")();
  const w = { ...writeContext(c, t, { dryRun: false, fieldManager: "kube-scheduler", fieldValidation: "Ignore", force: false }) };
  const written = await writeUpdate(w, pod.value, bound(pod.value, target.name, now), { trusted: true, expectedRv: Number(pod.value.metadata.resourceVersion) });
  if (!written.ok) return sendError(c, written.error);
  return c.json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }, 201);
}

/** Relayed to the node's agent through its tunnel; the answer streams back (follow=true until the client goes). */
export async function log(c: Ctx, t: Target): Promise<Response> {
  const pod = await getObject(c, t);
  if (!pod.ok) return sendError(c, pod.error);
  const target = podLogTarget(pod.value, new URL(c.req.url).searchParams);
  if (!target.ok) return sendError(c, target.error);
  const nodeName = (pod.value.spec as { nodeName: string }).nodeName;
  return relayToNode(c.env, nodeName, target.value, { signal: c.req.raw.signal });
}
