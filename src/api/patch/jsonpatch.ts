// RFC 6902 JSON patch (application/json-patch+json), applied to a copy of the document.
//
// kube-apiserver's answers, which clients see:
// - a body that is not a list of operations: 400 BadRequest with the decoder's message;
// - more than 10,000 operations: 413 RequestEntityTooLarge;
// - any operation that fails (a missing path, a failed `test`, an unknown op): 422 Invalid with
//   the generic "the server rejected our request due to an error in our request". Kubernetes
//   drops the detail; we keep it as a cause so `kubectl` prints what went wrong.
import { clone, deepEqual, isObject, setOwn } from "./json";
import { fail, ok, type PatchResult, type Result } from "./types";

export const MAX_JSON_PATCH_OPERATIONS = 10000;

const REJECTED = "the server rejected our request due to an error in our request";

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
  hasValue: boolean;
}

/** Apply `patch` (the decoded request body) to `doc`. The input document is not modified. */
export function applyJsonPatch(doc: unknown, patch: unknown): PatchResult {
  const ops = decodeOperations(patch);
  if (!ops.ok) return ops;
  if (ops.value.length > MAX_JSON_PATCH_OPERATIONS) {
    return fail("RequestEntityTooLarge", `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.value.length}`);
  }
  let current = clone(doc);
  for (const op of ops.value) {
    const next = applyOperation(current, op);
    if (!next.ok) return fail("Invalid", REJECTED, [{ reason: "FieldValueInvalid", field: op.path, message: next.error }]);
    current = next.value;
  }
  return ok(current);
}

function decodeOperations(patch: unknown): Result<Operation[]> {
  if (!Array.isArray(patch)) {
    return fail("BadRequest", `json: cannot unmarshal ${goKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  const ops: Operation[] = [];
  for (const raw of patch) {
    if (!isObject(raw)) return fail("BadRequest", `json: cannot unmarshal ${goKind(raw)} into Go value of type jsonpatch.Operation`);
    ops.push({
      op: typeof raw.op === "string" ? raw.op : "",
      path: typeof raw.path === "string" ? raw.path : "",
      from: typeof raw.from === "string" ? raw.from : undefined,
      value: raw.value,
      hasValue: "value" in raw,
    });
  }
  return ok(ops);
}

function goKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "object" ? "object" : typeof v;
}

/** Operation outcome: the new document, or the reason it could not apply. */
type Step = { ok: true; value: unknown } | { ok: false; error: string };

const done = (value: unknown): Step => ({ ok: true, value });
const refuse = (error: string): Step => ({ ok: false, error });

function applyOperation(doc: unknown, op: Operation): Step {
  const path = parsePointer(op.path);
  if (typeof path === "string") return refuse(path);
  switch (op.op) {
    case "add":
      return op.hasValue ? add(doc, path, clone(op.value)) : refuse(`add operation does not apply: missing value`);
    case "remove":
      return remove(doc, path).step;
    case "replace":
      return op.hasValue ? replace(doc, path, clone(op.value)) : refuse(`replace operation does not apply: missing value`);
    case "test":
      return test(doc, path, op);
    case "move":
    case "copy":
      return moveOrCopy(doc, path, op);
    default:
      return refuse(`Unexpected kind: ${op.op}`);
  }
}

/** RFC 6901: "" is the whole document, otherwise "/"-separated tokens with ~1 for "/" and ~0 for "~". */
function parsePointer(pointer: string): string[] | string {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return `JSON pointer must be empty or start with a "/": ${JSON.stringify(pointer)}`;
  const tokens = pointer.slice(1).split("/");
  if (tokens.some((t) => /~[^01]|~$/.test(t))) return `invalid escape in JSON pointer ${JSON.stringify(pointer)}`;
  return tokens.map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** An array index token: digits without leading zeros, below `limit` (inclusive when adding). */
function arrayIndex(token: string, length: number, adding: boolean): number | undefined {
  if (adding && token === "-") return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const i = Number(token);
  return i < length || (adding && i === length) ? i : undefined;
}

function lookup(doc: unknown, path: string[]): { found: boolean; value?: unknown } {
  let node = doc;
  for (const token of path) {
    if (Array.isArray(node)) {
      const i = arrayIndex(token, node.length, false);
      if (i === undefined) return { found: false };
      node = node[i];
    } else if (isObject(node) && Object.hasOwn(node, token)) {
      node = node[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}

function parentOf(doc: unknown, path: string[]): unknown {
  const parent = lookup(doc, path.slice(0, -1));
  return parent.found ? parent.value : undefined;
}

const where = (path: string[]) => JSON.stringify(path.length ? "/" + path.map((t) => t.replace(/~/g, "~0").replace(/\//g, "~1")).join("/") : "");

function add(doc: unknown, path: string[], value: unknown): Step {
  if (path.length === 0) return done(value);
  const parent = parentOf(doc, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, true);
    if (i === undefined) return refuse(`add operation does not apply: index ${JSON.stringify(last)} is out of range for ${where(path.slice(0, -1))}`);
    parent.splice(i, 0, value);
    return done(doc);
  }
  if (isObject(parent)) {
    setOwn(parent, last, value);
    return done(doc);
  }
  return refuse(`add operation does not apply: doc is missing path: ${where(path)}`);
}

function remove(doc: unknown, path: string[]): { step: Step; value?: unknown } {
  if (path.length === 0) return { step: refuse(`remove operation does not apply: cannot remove the whole document`) };
  const parent = parentOf(doc, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    if (i === undefined) return { step: refuse(`remove operation does not apply: doc is missing path: ${where(path)}`) };
    const [value] = parent.splice(i, 1);
    return { step: done(doc), value };
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) {
    const value = parent[last];
    delete parent[last];
    return { step: done(doc), value };
  }
  return { step: refuse(`remove operation does not apply: doc is missing path: ${where(path)}`) };
}

function replace(doc: unknown, path: string[], value: unknown): Step {
  if (path.length === 0) return done(value);
  if (!lookup(doc, path).found) return refuse(`replace operation does not apply: doc is missing key: ${where(path)}`);
  const parent = parentOf(doc, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent[Number(last)] = value;
  else if (isObject(parent)) setOwn(parent, last, value);
  return done(doc);
}

// As evanphx/json-patch (which Kubernetes uses) does, a missing path tests equal to null.
function test(doc: unknown, path: string[], op: Operation): Step {
  const target = lookup(doc, path);
  const actual = target.found ? target.value : null;
  const expected = op.hasValue ? op.value : null;
  return deepEqual(actual, expected) ? done(doc) : refuse(`testing value ${where(path)} failed: test failed`);
}

function moveOrCopy(doc: unknown, path: string[], op: Operation): Step {
  if (op.from === undefined) return refuse(`${op.op} operation does not apply: missing from`);
  const from = parsePointer(op.from);
  if (typeof from === "string") return refuse(from);
  const source = lookup(doc, from);
  if (!source.found) return refuse(`${op.op} operation does not apply: doc is missing from path: ${where(from)}`);
  if (op.op === "copy") return add(doc, path, clone(source.value));
  if (from.length < path.length && from.every((t, i) => t === path[i])) {
    return refuse(`move operation does not apply: cannot move ${where(from)} into its own child ${where(path)}`);
  }
  const removed = remove(doc, from);
  if (!removed.step.ok) return removed.step;
  return add(removed.step.value, path, removed.value);
}
