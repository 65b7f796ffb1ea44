// The raw D1 floor: a Worker that does, per request, the D1 work of a pod create in our store
// and nothing else (no routing framework, no decoding, defaulting, validation, managed fields,
// Drizzle or notifications). Its creates/s is what D1 on this machine allows for our write
// shape; the API's creates/s is reported as a ratio to it.
//
// A create in src/store/store.ts is one batch() of three statements for an object without
// ownerReferences: the guarded changelog insert, the guarded object insert, and the owner-index
// DELETE of replaceOwners (plus one INSERT per owner uid; the benchmark's pods have none). The
// SQL below is the SQL statements.ts builds, guards and subqueries included, so the difference
// to the API is the API's own work. Keep it in step with statements.ts.
//
// Routes: POST /pods/<name> stores the request body as the object; GET /pods/<name> reads one row
// by primary key (the store's get). Both answer with the stored JSON and `x-d1-ms`, the SQL time
// D1 reports for the request.

// A structural subset of D1's binding: this file is type-checked with the Node settings (bench/),
// where @cloudflare/workers-types is not loaded.
interface D1Meta {
  duration: number;
}
interface D1Result<T> {
  results: T[];
  meta: D1Meta;
}
interface D1PreparedStatement {
  bind(...values: (string | number | null)[]): D1PreparedStatement;
  all<T>(): Promise<D1Result<T>>;
}
interface D1Database {
  prepare(query: string): D1PreparedStatement;
  batch<T>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
}
interface FloorEnv {
  DB: D1Database;
}

const RESOURCE = "pods";
const NAMESPACE = "default";

const KEY_IS = `("objects"."resource" = ? and "objects"."namespace" = ? and "objects"."name" = ?)`;
const OUR_REVISION = `(SELECT max("changelog"."id") FROM "changelog")`;
// objectAbsent(key) AND namespaceActive(namespace), as Store.create guards both inserts.
const GUARD = `(NOT EXISTS (SELECT 1 FROM "objects" WHERE ${KEY_IS})) AND (EXISTS (SELECT 1 FROM "objects" WHERE "objects"."resource" = 'namespaces' AND "objects"."namespace" = '' AND "objects"."name" = ?
    AND json_extract("objects"."data", '$.metadata.deletionTimestamp') IS NULL))`;

const APPEND_CHANGE = `INSERT INTO "changelog" ("resource", "namespace", "name", "type", "data", "prev", "created_at")
    SELECT ?, ?, ?, ?, ?, ?, ? WHERE ${GUARD} RETURNING "changelog"."id" AS id`;
const INSERT_OBJECT = `INSERT INTO "objects" ("resource", "namespace", "name", "uid", "rv", "node_name", "controller_uid", "data")
    SELECT ?, ?, ?, ?, ${OUR_REVISION}, ?, ?, ? WHERE ${GUARD}`;
const REPLACE_OWNERS = `DELETE FROM "owners" WHERE ("owners"."resource" = ? and "owners"."namespace" = ? and "owners"."name" = ?)
    AND (SELECT "objects"."rv" FROM "objects" WHERE ${KEY_IS}) = ${OUR_REVISION}`;
const SELECT_OBJECT = `SELECT "resource", "namespace", "name", "uid", "rv", "node_name", "controller_uid", "data" FROM "objects" WHERE ${KEY_IS} LIMIT ?`;

function sqlMs(results: D1Result<unknown>[]): string {
  return results.reduce((sum, r) => sum + (r.meta.duration ?? 0), 0).toFixed(3);
}

async function create(env: FloorEnv, name: string, data: string): Promise<Response> {
  const key = [RESOURCE, NAMESPACE, name];
  const guard = [...key, NAMESPACE];
  const results = await env.DB.batch<{ id: number }>([
    env.DB.prepare(APPEND_CHANGE).bind(...key, "ADDED", data, null, Date.now(), ...guard),
    env.DB.prepare(INSERT_OBJECT).bind(...key, crypto.randomUUID(), null, null, data, ...guard),
    env.DB.prepare(REPLACE_OWNERS).bind(...key, ...key),
  ]);
  if (results[0]?.results[0]?.id === undefined) return new Response("exists", { status: 409 });
  return new Response(data, { status: 201, headers: { "content-type": "application/json", "x-d1-ms": sqlMs(results) } });
}

async function get(env: FloorEnv, name: string): Promise<Response> {
  const result = await env.DB.prepare(SELECT_OBJECT).bind(RESOURCE, NAMESPACE, name, 1).all<{ data: string }>();
  const row = result.results[0];
  if (!row) return new Response("not found", { status: 404 });
  return new Response(row.data, { headers: { "content-type": "application/json", "x-d1-ms": sqlMs([result]) } });
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const match = /^\/pods\/([^/]+)$/.exec(new URL(request.url).pathname);
    if (!match) return new Response("not found", { status: 404 });
    const name = decodeURIComponent(match[1]);
    if (request.method === "POST") return create(env, name, await request.text());
    if (request.method === "GET") return get(env, name);
    return new Response("method not allowed", { status: 405 });
  },
};
