import { describe, expect, it } from "vitest";
import { applyChange, inScope, type PodView } from "../../../src/controllers/podview";
import type { Pod } from "../../../src/controllers/podutil";
import { pod } from "./fixtures";

const scope = { namespace: "default", controllers: ["uid-web-rs"], orphans: true };
const owner = { name: "web-rs", uid: "uid-web-rs" };
const at = (p: Pod, rv: number): Pod => ({ ...p, metadata: { ...p.metadata, resourceVersion: String(rv) } });
const view = (...pods: Pod[]): PodView => ({ scope, cursor: 0, pods: new Map(pods.map((p) => [p.metadata.name ?? "", p])) });

describe("pod view", () => {
  it("keeps the namespace's pods the owner controls and orphans, nothing else", () => {
    expect(inScope(scope, pod({ name: "a", owner }))).toBe(true);
    expect(inScope(scope, pod({ name: "b" }))).toBe(true);
    expect(inScope(scope, pod({ name: "c", owner: { name: "other", uid: "uid-other" } }))).toBe(false);
    expect(inScope(scope, pod({ name: "d", owner, namespace: "elsewhere" }))).toBe(false);
    expect(inScope({ ...scope, orphans: false }, pod({ name: "b" }))).toBe(false);
  });

  it("follows creates, changes and deletes", () => {
    const v = view();
    applyChange(v, { rv: 5, type: "ADDED", object: at(pod({ name: "a", owner }), 5) });
    applyChange(v, { rv: 6, type: "MODIFIED", object: at(pod({ name: "a", owner, phase: "Running", readyAt: 0 }), 6) });
    expect(v.pods.get("a")?.metadata.resourceVersion).toBe("6");
    applyChange(v, { rv: 7, type: "DELETED", object: at(pod({ name: "a", owner }), 7) });
    expect(v.pods.size).toBe(0);
  });

  it("drops a pod another controller took, and skips changes older than what it holds", () => {
    const v = view(at(pod({ name: "a" }), 9));
    applyChange(v, { rv: 8, type: "DELETED", object: at(pod({ name: "a" }), 8) });
    expect(v.pods.has("a")).toBe(true);
    applyChange(v, { rv: 10, type: "MODIFIED", object: at(pod({ name: "a", owner: { name: "other", uid: "uid-other" } }), 10) });
    expect(v.pods.has("a")).toBe(false);
  });

  it("ends at the store's state when a list newer than the cursor is replayed over", () => {
    // Listed at revision 12: "a" at 11, "b" gone at 12. The log from the cursor (10) has both stories.
    const v = view(at(pod({ name: "a", owner }), 11));
    const log = [
      { rv: 11, type: "ADDED" as const, object: at(pod({ name: "a", owner }), 11) },
      { rv: 11.5, type: "ADDED" as const, object: at(pod({ name: "b", owner }), 11.5) },
      { rv: 12, type: "DELETED" as const, object: at(pod({ name: "b", owner }), 12) },
    ];
    for (const change of log) applyChange(v, change);
    expect([...v.pods.keys()]).toEqual(["a"]);
  });
});
