// D1 schema. `objects` holds the current state of every object; `changelog` is the revision log
// (its id is the cluster revision and every object's resourceVersion); `owners` indexes
// ownerReferences for the garbage collector; `meta` keeps the compacted revision; `allocations`
// holds values an object has exclusively across the cluster (a Service's cluster IP, node ports).
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const objects = sqliteTable(
  "objects",
  {
    /** "<group>/<plural>" or "<plural>" for the core group. */
    resource: text("resource").notNull(),
    /** "" for cluster-scoped objects. */
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    uid: text("uid").notNull(),
    /** The revision of the last write (resourceVersion). */
    rv: integer("rv").notNull(),
    /** Pods only: spec.nodeName, so an agent's list does not scan every pod. */
    nodeName: text("node_name"),
    /** The uid of the controller ownerReference, so controllers find what they own (and orphans) by index. */
    controllerUid: text("controller_uid"),
    /** The object without metadata.resourceVersion (that is `rv`). */
    data: text("data").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.resource, t.namespace, t.name] }),
    index("objects_node").on(t.resource, t.nodeName),
    index("objects_controller").on(t.resource, t.namespace, t.controllerUid),
    // Namespace deletion finds everything in a namespace without scanning each kind.
    index("objects_namespace").on(t.namespace),
    uniqueIndex("objects_uid").on(t.uid),
  ],
);

export const changelog = sqliteTable(
  "changelog",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    resource: text("resource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: ["ADDED", "MODIFIED", "DELETED"] }).notNull(),
    /** The object as of this revision, without metadata.resourceVersion. */
    data: text("data").notNull(),
    /** Labels and selectable fields of the previous state, so watches see selector transitions. */
    prev: text("prev"),
    /** Commit time in ms, for time-based compaction. */
    createdAt: integer("created_at").notNull().default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    index("changelog_resource").on(t.resource, t.id),
    // An object's revisions: its state at a revision (paged lists' snapshots) and what compaction keeps.
    index("changelog_object").on(t.resource, t.namespace, t.name, t.id),
  ],
);

export const owners = sqliteTable(
  "owners",
  {
    ownerUid: text("owner_uid").notNull(),
    resource: text("resource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ownerUid, t.resource, t.namespace, t.name] }), index("owners_object").on(t.resource, t.namespace, t.name)],
);

export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Values held exclusively: one row per (range, value), naming the object that holds it. Written
 * in the same batch as the object, so an allocation exists exactly while its holder does.
 */
export const allocations = sqliteTable(
  "allocations",
  {
    /** What the value is drawn from, e.g. "services/clusterIPs", "services/nodePorts". */
    range: text("range").notNull(),
    value: text("value").notNull(),
    resource: text("resource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.range, t.value] }), index("allocations_holder").on(t.resource, t.namespace, t.name)],
);
