// Runs inside the Worker of the D1-counting build (bench/lib/d1count.ts): wraps the DB binding
// of the Worker and of each Durable Object so that every D1 call is counted by who made it.
// Counters are module state: workerd runs the Worker and its Durable Objects in one isolate
// locally, so one table sees them all.
//
// Typed structurally: this file is type-checked with the Node settings of bench/.

interface D1Statement {
  bind(...values: unknown[]): D1Statement;
  first(column?: string): Promise<unknown>;
  all(): Promise<{ results?: unknown[] }>;
  run(): Promise<{ results?: unknown[] }>;
  raw(options?: unknown): Promise<unknown[]>;
}
interface D1Binding {
  prepare(query: string): D1Statement;
  batch(statements: D1Statement[]): Promise<{ results?: unknown[] }[]>;
}

export interface CallCounts {
  /** Single statements run on their own (first, all, run, raw). */
  queries: number;
  /** batch() calls, and the statements in them. */
  batches: number;
  statements: number;
  /** Rows D1 returned, all calls together. */
  rows: number;
  /** Bytes of JSON sent to D1 as bound values, and returned as results (what both sides serialize and parse). */
  sentBytes: number;
  returnedBytes: number;
}

const counts = new Map<string, CallCounts>();

const zero = (): CallCounts => ({ queries: 0, batches: 0, statements: 0, rows: 0, sentBytes: 0, returnedBytes: 0 });

function counter(caller: string): CallCounts {
  let c = counts.get(caller);
  if (!c) counts.set(caller, (c = zero()));
  return c;
}

const real = new WeakMap<D1Statement, D1Statement>();

function rowsOf(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  const rows = (result as { results?: unknown[] } | null)?.results;
  return Array.isArray(rows) ? rows.length : result === null ? 0 : 1;
}

function countedStatement(stmt: D1Statement, c: CallCounts): D1Statement {
  const single =
    <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      c.queries++;
      const result = await run(...args);
      c.rows += rowsOf(result);
      c.returnedBytes += JSON.stringify(result ?? null).length;
      return result;
    };
  const wrapped: D1Statement = {
    bind: (...values) => {
      c.sentBytes += JSON.stringify(values).length;
      return countedStatement(stmt.bind(...values), c);
    },
    first: single((column?: string) => stmt.first(column)),
    all: single(() => stmt.all()),
    run: single(() => stmt.run()),
    raw: single((options?: unknown) => stmt.raw(options)),
  };
  real.set(wrapped, stmt);
  return wrapped;
}

function countedD1(db: D1Binding, caller: string): D1Binding {
  const c = counter(caller);
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => countedStatement(target.prepare(query), c);
      if (prop === "batch") {
        return async (statements: D1Statement[]) => {
          c.batches++;
          c.statements += statements.length;
          const results = await target.batch(statements.map((s) => real.get(s) ?? s));
          for (const r of results) c.rows += rowsOf(r);
          c.returnedBytes += JSON.stringify(results).length;
          return results;
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The env with its DB binding counted under `caller`. */
export function countingEnv<E extends object>(env: E, caller: string): E {
  const db = (env as { DB?: D1Binding }).DB;
  return db ? { ...env, DB: countedD1(db, caller) } : env;
}

/** GET /__bench/d1-calls answers the counts and resets them (in place: wrapped bindings hold their counters). */
export function countsResponse(): Response {
  const body = JSON.stringify(Object.fromEntries(counts));
  for (const c of counts.values()) Object.assign(c, zero());
  return new Response(body, { headers: { "content-type": "application/json" } });
}
