import { describe, expect, test } from "vitest";
import type { KubeObject } from "../../../src/apis/types";
import { Informer, watchLines, type ListWatch, type WatchEvent } from "../../../src/agent/kube/informer";
import { ApiError } from "../../../src/agent/kube/client";

const obj = (name: string, rv: number): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns", resourceVersion: String(rv) } });

type Step = WatchEvent<KubeObject>[] | Error;

/** A list+watch whose watches replay scripted steps: events then a disconnect, or an error. */
function scripted(lists: { items: KubeObject[]; resourceVersion: string }[], watches: Step[]) {
  const calls: string[] = [];
  const source: ListWatch<KubeObject> = {
    async list() {
      calls.push("list");
      const next = lists.shift();
      if (!next) throw new Error("no more lists");
      return next;
    },
    async *watch(rv) {
      calls.push(`watch@${rv}`);
      const step = watches.shift();
      if (!step) throw new Error("done");
      if (step instanceof Error) throw step;
      yield* step;
    },
  };
  return { source, calls };
}

async function run(source: ListWatch<KubeObject>, until: (log: string[]) => boolean) {
  const log: string[] = [];
  const controller = new AbortController();
  const informer = new Informer(source, {
    added: (o) => log.push(`+${o.metadata.name}`),
    updated: (o) => log.push(`~${o.metadata.name}@${o.metadata.resourceVersion}`),
    deleted: (o) => log.push(`-${o.metadata.name}`),
  }, { retry: { minMs: 1, maxMs: 1 }, sleep: async () => { if (until(log)) controller.abort(); } });
  await informer.run(controller.signal);
  return { log, informer };
}

describe("informer", () => {
  test("resumes a dropped watch from the last resourceVersion seen, bookmarks included", async () => {
    const { source, calls } = scripted(
      [{ items: [obj("a", 1)], resourceVersion: "10" }],
      [
        [{ type: "ADDED", object: obj("b", 11) }, { type: "BOOKMARK", object: obj("", 15) }],
        new Error("connection reset"),
        [{ type: "MODIFIED", object: obj("a", 16) }, { type: "DELETED", object: obj("b", 17) }],
      ],
    );
    const { log } = await run(source, (l) => l.includes("-b"));
    expect(log).toEqual(["+a", "+b", "~a@16", "-b"]);
    expect(calls).toEqual(["list", "watch@10", "watch@15", "watch@15", "watch@17"]);
  });

  test("after 410 Expired it lists again and reports what vanished meanwhile as deleted", async () => {
    const { source, calls } = scripted(
      [
        { items: [obj("a", 1), obj("b", 2)], resourceVersion: "10" },
        { items: [obj("a", 1), obj("c", 30)], resourceVersion: "31" },
      ],
      [new ApiError(410, "Expired", "too old resource version"), [{ type: "ERROR", object: { code: 410, message: "too old" } as unknown as KubeObject }], []],
    );
    const { log } = await run(source, () => calls.filter((c) => c === "list").length >= 2 && calls[calls.length - 1] === "watch@31");
    expect(log).toEqual(["+a", "+b", "+c", "-b"]);
    expect(calls.slice(0, 3)).toEqual(["list", "watch@10", "list"]);
  });

  test("an ERROR event with 410 inside a watch also relists", async () => {
    const { source, calls } = scripted(
      [{ items: [], resourceVersion: "1" }, { items: [obj("x", 5)], resourceVersion: "5" }],
      [[{ type: "ERROR", object: { code: 410, message: "expired" } as unknown as KubeObject }]],
    );
    const { log } = await run(source, () => calls.length >= 4);
    expect(log).toEqual(["+x"]);
    expect(calls.slice(0, 3)).toEqual(["list", "watch@1", "list"]);
  });

  test("watch lines split across chunks", async () => {
    async function* chunks() {
      yield '{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MOD';
      yield 'IFIED","object":{"metadata":{"name":"a"}}}\n';
    }
    const events = [];
    for await (const e of watchLines(chunks())) events.push(e.type);
    expect(events).toEqual(["ADDED", "MODIFIED"]);
  });
});
