import { describe, expect, test } from "vitest";
import { decodeControl, decodeData, encodeControl, encodeData, type ControlFrame } from "../../../src/tunnel/frames";

describe("tunnel frames", () => {
  test.each<ControlFrame>([
    { t: "req", id: 1, method: "GET", path: "/containerLogs/ns/p/c?follow=true", headers: [["accept", "*/*"]] },
    { t: "res", id: 2, status: 200, headers: [["content-type", "text/plain"]] },
    { t: "end", id: 3 },
    { t: "err", id: 4, message: "boom" },
    { t: "cancel", id: 0xffffffff },
  ])("control frame %j round-trips", (frame) => {
    expect(decodeControl(encodeControl(frame))).toEqual(frame);
  });

  test.each(["ping", "pong", "{", "{}", '{"t":"req","id":1}', '{"t":"nope","id":1}', '{"t":"end","id":0}', '{"t":"end","id":1.5}', '{"t":"res","id":1,"status":200,"headers":[["a"]]}'])("ignores %s", (text) => {
    expect(decodeControl(text)).toBeUndefined();
  });

  test("data frames carry the id in four big-endian bytes", () => {
    const bytes = encodeData(258, new TextEncoder().encode("hi"));
    expect([...bytes]).toEqual([0, 0, 1, 2, 104, 105]);
    const decoded = decodeData(bytes);
    expect(decoded?.id).toBe(258);
    expect(new TextDecoder().decode(decoded?.chunk)).toBe("hi");
    expect(decodeData(new Uint8Array([0, 1]))).toBeUndefined();
  });
});
