// D1 tables of src/auth: bearer tokens the server issued (stored as SHA-256 hashes, never in the
// clear), and audit records. Migrations come from drizzle-kit (drizzle.config.ts lists this file).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const tokens = sqliteTable("tokens", {
  /** The public part of the token, before the dot ("abcdef" of "abcdef.0123456789abcdef"). */
  id: text("id").primaryKey(),
  /** "bootstrap": joins a node (system:bootstrappers); "node": a node's own credential (system:node:<name>). */
  kind: text("kind", { enum: ["bootstrap", "node"] }).notNull(),
  /** SHA-256 (hex) of the secret part. */
  secretHash: text("secret_hash").notNull(),
  username: text("username").notNull(),
  /** JSON array of group names. */
  groups: text("groups").notNull(),
  description: text("description").notNull().default(""),
  createdAt: integer("created_at").notNull(),
  /** ms since the epoch; null: does not expire. */
  expiresAt: integer("expires_at"),
});

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** ms since the epoch. */
    time: integer("time").notNull(),
    username: text("username").notNull(),
    /** JSON array of group names. */
    groups: text("groups").notNull(),
    verb: text("verb").notNull(),
    apiGroup: text("api_group").notNull(),
    resource: text("resource").notNull(),
    subresource: text("subresource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    /** The request path without its query (never a body: Secret payloads stay out). */
    path: text("path").notNull(),
    code: integer("code").notNull(),
    sourceIp: text("source_ip").notNull(),
    userAgent: text("user_agent").notNull(),
  },
  (t) => [index("audit_events_time").on(t.time)],
);
