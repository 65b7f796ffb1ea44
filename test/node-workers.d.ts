// The Node-side type check (tsconfig.node.json) reaches modules that name the D1 binding's type
// (the store, through pure modules that import its types): it gets that one type from
// workers-types' importable module, without the Workers globals that clash with Node's.
type D1Database = import("@cloudflare/workers-types/index").D1Database;
