// Carrying out a decision: actions in order, stopping at the first failure (the pass is then
// retried with backoff). Events announcing a create learn the created object's name here.
import type { KubeObject } from "../apis/types";
import type { ApiError } from "../api/status";
import type { Client } from "./client";
import { CREATED_NAME, type Action, type Decision } from "./types";

export interface Executed {
  /** The first failed action and why; later actions were not attempted. */
  failed?: { action: Action; error: ApiError };
}

/** Not-found on update or delete means someone else already did it: not a failure. */
function harmless(action: Action, error: ApiError): boolean {
  return error.reason === "NotFound" && action.type !== "create";
}

export async function execute(client: Client, actions: Action[]): Promise<Executed> {
  let created: KubeObject | undefined;
  for (const action of actions) {
    const step =
      action.type === "event" && action.message.includes(CREATED_NAME)
        ? { ...action, message: action.message.replace(CREATED_NAME, created?.metadata.name ?? "") }
        : action;
    const result = await client.apply(step);
    if (!result.ok) {
      if (harmless(action, result.error)) continue;
      return { failed: { action, error: result.error } };
    }
    if (action.type === "create") created = result.value;
  }
  return {};
}

export interface PassResult {
  requeueAfterMs?: number;
  error?: ApiError;
}

export async function executeDecision(client: Client, decision: Decision): Promise<PassResult> {
  const { failed } = await execute(client, decision.actions);
  return { requeueAfterMs: decision.requeueAfterMs, error: failed?.error };
}
