import { describe, expect, it } from "vitest";
import { combineSimilar } from "../../../src/controllers/run";
import type { Action } from "../../../src/controllers/types";
import { replicaSet } from "./fixtures";

type EventAction = Extract<Action, { type: "event" }>;
const rs = replicaSet({});
const created = (name: string): EventAction => ({ type: "event", about: rs, eventType: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${name}` });

describe("combineSimilar", () => {
  it("records up to nine different messages as they are", () => {
    const events = Array.from({ length: 9 }, (_, i) => created(`p${i}`));
    expect(combineSimilar(events)).toEqual(events);
  });

  it("combines the rest into one Event with the latest message and their count", () => {
    const events = Array.from({ length: 500 }, (_, i) => created(`p${i}`));
    const out = combineSimilar(events);
    expect(out).toHaveLength(10);
    expect(out.slice(0, 9)).toEqual(events.slice(0, 9));
    expect(out[9]).toMatchObject({ reason: "SuccessfulCreate", message: "(combined from similar events): Created pod: p499", count: 491, combined: true });
  });

  it("counts a repeated message once, and keeps other reasons and objects apart", () => {
    const other = { ...created("x"), reason: "SuccessfulDelete", message: "Deleted pod: x" };
    const out = combineSimilar([created("a"), created("a"), other]);
    expect(out).toEqual([{ ...created("a"), count: 2 }, other]);
  });
});
