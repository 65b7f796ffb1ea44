// The raw D1 floor: a Worker that does, per request, the D1 work of a pod create in our store
// and nothing else (no routing framework, no decoding, defaulting, validation, managed fields,
// Drizzle or notifications). Its creates/s is what D1 on this machine allows for our write
// shape; the API's creates/s is reported as a ratio to it.
//
// A create in src/store/store.ts is one batch() holding a bulk write of one object: two
// statements for an object without ownerReferences (the guarded object insert, then its log row
// copied from it). The SQL below is the SQL statements.ts builds, guards and subqueries
// included, so the difference to the API is the API's own work. Keep it in step with
// statements.ts.
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
const HEAD = `(SELECT COALESCE(max("changelog"."id"), 0) FROM "changelog")`;
/** The items as rows (statements.ts itemRows): one JSON parameter, the columns read from it. */
const itemRows = (columns: string[]) =>
  `(SELECT j.key AS k, ${columns.map((c) => `json_extract(j.value, '$.${c}') AS "${c}"`).join(", ")} FROM json_each(?) AS j) AS i`;

// A create is a bulk write of one object (statements.ts bulkWrite): the object first, at the
// revision above the log's head, if absent and its namespace active; then its log row, copied
// from it. No owner-index statement for an object without ownerReferences.
const INSERT_OBJECTS = `INSERT INTO "objects" ("resource", "namespace", "name", "uid", "rv", "node_name", "controller_uid", "data")
    SELECT i.r, i.ns, i.n, i.uid, ${HEAD} + ROW_NUMBER() OVER (ORDER BY i.k), i.node, i.ctl, i.d FROM ${itemRows(["r", "ns", "n", "uid", "node", "ctl", "d"])}
    WHERE NOT EXISTS (SELECT 1 FROM "objects" AS o WHERE o.resource = i.r AND o.namespace = i.ns AND o.name = i.n)
      AND (i.ns = '' OR EXISTS (SELECT 1 FROM "objects" AS o WHERE o.resource = 'namespaces' AND o.namespace = '' AND o.name = i.ns
        AND json_extract(o.data, '$.metadata.deletionTimestamp') IS NULL))`;
const APPEND_CHANGES = `INSERT INTO "changelog" ("id", "resource", "namespace", "name", "type", "data", "prev", "created_at")
    SELECT o.rv, o.resource, o.namespace, o.name, 'ADDED', o.data, NULL, ? FROM ${itemRows(["r", "ns", "n"])}
    JOIN "objects" AS o ON o.resource = i.r AND o.namespace = i.ns AND o.name = i.n WHERE o.rv > ${HEAD} ORDER BY o.rv
    RETURNING "id" AS id`;
const SELECT_OBJECT = `SELECT "resource", "namespace", "name", "uid", "rv", "node_name", "controller_uid", "data" FROM "objects" WHERE ${KEY_IS} LIMIT ?`;

function sqlMs(results: D1Result<unknown>[]): string {
  return results.reduce((sum, r) => sum + (r.meta.duration ?? 0), 0).toFixed(3);
}

async function create(env: FloorEnv, name: string, data: string): Promise<Response> {
  const key = { r: RESOURCE, ns: NAMESPACE, n: name };
  const results = await env.DB.batch<{ id: number }>([
    env.DB.prepare(INSERT_OBJECTS).bind(JSON.stringify([{ ...key, owners: [], uid: crypto.randomUUID(), node: null, ctl: null, d: data }])),
    env.DB.prepare(APPEND_CHANGES).bind(Date.now(), JSON.stringify([{ ...key, owners: [] }])),
  ]);
  if (results[1]?.results[0]?.id === undefined) return new Response("exists", { status: 409 });
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
