// Carrying out a decision: actions in order, stopping at the first failure (the pass is then
// retried with backoff). Creates in a row go out together, as the creates of one of Kubernetes'
// slow-start batches do (the store coalesces them into few D1 batches); the Events announcing
// them learn the created objects' names here and are combined as Kubernetes' event recorder
// combines similar Events, so a burst of 500 pods is not 500 more writes.
import type { KubeObject } from "../apis/types";
import type { ApiError } from "../api/status";
import type { Client } from "./client";
import { CREATED_NAME, type Action, type Decision } from "./types";

type CreateAction = Extract<Action, { type: "create" }>;
type EventAction = Extract<Action, { type: "event" }>;

/** Creates in flight at once; between such chunks the event loop gets a turn, so requests are still served during a big burst. */
const CREATE_CHUNK = 100;

/** Kubernetes' EventAggregator combines an object's Events of one type and reason once it has seen this many different messages. */
const SIMILAR_EVENTS = 10;
const COMBINED_PREFIX = "(combined from similar events): ";

export interface Executed {
  /** The first failed action and why; later actions were not attempted. */
  failed?: { action: Action; error: ApiError };
}

/** Not-found on update or delete means someone else already did it: not a failure. */
function harmless(action: Action, error: ApiError): boolean {
  return error.reason === "NotFound" && action.type !== "create";
}

/** A create and the Events that follow it in the decision (recorded only once it succeeded). */
interface Announced {
  create: CreateAction;
  events: EventAction[];
}

/** The creates (with their Events) that start at `start`, and where the run ends. */
function burstAt(actions: readonly Action[], start: number): { burst: Announced[]; end: number } {
  const burst: Announced[] = [];
  let i = start;
  while (i < actions.length && actions[i].type === "create") {
    const item: Announced = { create: actions[i++] as CreateAction, events: [] };
    while (i < actions.length && actions[i].type === "event") item.events.push(actions[i++] as EventAction);
    burst.push(item);
  }
  return { burst, end: i };
}

function named(event: EventAction, created: KubeObject | undefined): EventAction {
  return event.message.includes(CREATED_NAME) ? { ...event, message: event.message.replace(CREATED_NAME, created?.metadata.name ?? "") } : event;
}

/**
 * Events as Kubernetes' recorder would write them (EventCorrelator): the same message again
 * bumps a count; of one object's Events of one type and reason, the first nine different
 * messages are recorded as they are and the rest as one "(combined from similar events)" Event
 * with the latest message. The recorder counts messages over ten minutes; here within one burst.
 */
export function combineSimilar(events: readonly EventAction[]): EventAction[] {
  const groups = new Map<string, Map<string, EventAction>>();
  for (const event of events) {
    const key = `${event.about.metadata.uid}/${event.eventType}/${event.reason}`;
    const group = groups.get(key) ?? new Map<string, EventAction>();
    groups.set(key, group);
    const same = group.get(event.message);
    group.set(event.message, same ? { ...same, count: (same.count ?? 1) + (event.count ?? 1) } : event);
  }
  const out: EventAction[] = [];
  for (const group of groups.values()) {
    const distinct = [...group.values()];
    out.push(...distinct.slice(0, SIMILAR_EVENTS - 1));
    const rest = distinct.slice(SIMILAR_EVENTS - 1);
    if (rest.length === 0) continue;
    const latest = rest[rest.length - 1];
    const count = rest.reduce((n, e) => n + (e.count ?? 1), 0);
    out.push({ ...latest, message: `${COMBINED_PREFIX}${latest.message}`, count, combined: true });
  }
  return out;
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The creates of a burst, a chunk at a time, all of a chunk at once; a chunk with a failure ends
 * the burst (as a failed slow-start batch does). Then the Events of the creates that succeeded.
 */
async function createAll(client: Client, burst: readonly Announced[]): Promise<Executed["failed"]> {
  const events: EventAction[] = [];
  let failed: Executed["failed"];
  for (let start = 0; start < burst.length && !failed; start += CREATE_CHUNK) {
    if (start > 0) await yieldTurn();
    const chunk = burst.slice(start, start + CREATE_CHUNK);
    const results = await Promise.all(chunk.map((item) => client.apply(item.create)));
    results.forEach((result, i) => {
      if (result.ok) events.push(...chunk[i].events.map((e) => named(e, result.value)));
      else failed ??= { action: chunk[i].create, error: result.error };
    });
  }
  const recorded = await Promise.all(combineSimilar(events).map(async (event) => ({ event, result: await client.apply(event) })));
  const refused = recorded.find((r) => !r.result.ok);
  if (!failed && refused && !refused.result.ok) failed = { action: refused.event, error: refused.result.error };
  return failed;
}

export async function execute(client: Client, actions: Action[]): Promise<Executed> {
  for (let i = 0; i < actions.length; ) {
    const action = actions[i];
    if (action.type === "create") {
      const { burst, end } = burstAt(actions, i);
      const failed = await createAll(client, burst);
      if (failed) return { failed };
      i = end;
      continue;
    }
    const result = await client.apply(action);
    if (!result.ok && !harmless(action, result.error)) return { failed: { action, error: result.error } };
    i++;
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
