import { describe, expect, test } from "vitest";
import { FrameReader, OPCODE, closePayload, encodeFrame, parseClose } from "../../../src/tunnel/wsframes";
import { acceptFor } from "../../../src/agent/tunnel/websocket";

describe("WebSocket frames", () => {
  test.each([0, 5, 125, 126, 65535, 65536, 200_000])("a masked frame of %i bytes decodes to its payload", (size) => {
    const payload = Buffer.alloc(size, 7);
    const mask = Buffer.from([1, 2, 3, 4]);
    const [frame] = new FrameReader().push(encodeFrame(OPCODE.binary, payload, mask));
    expect(frame.opcode).toBe(OPCODE.binary);
    expect(frame.fin).toBe(true);
    expect(Buffer.from(frame.payload).equals(payload)).toBe(true);
  });

  test("frames split at any byte boundary are reassembled", () => {
    const bytes = Buffer.concat([encodeFrame(OPCODE.text, Buffer.from("hello")), encodeFrame(OPCODE.ping, Buffer.from("p")), encodeFrame(OPCODE.text, Buffer.alloc(300, 97))]);
    const reader = new FrameReader();
    const frames = [];
    for (let i = 0; i < bytes.length; i++) frames.push(...reader.push(bytes.subarray(i, i + 1)));
    expect(frames.map((f) => [f.opcode, f.payload.length])).toEqual([[OPCODE.text, 5], [OPCODE.ping, 1], [OPCODE.text, 300]]);
  });

  test("frames beyond the size limit are refused", () => {
    expect(() => new FrameReader(10).push(encodeFrame(OPCODE.binary, Buffer.alloc(11)))).toThrow(/too large/);
  });

  test("close payloads carry the code and the reason", () => {
    expect(parseClose(closePayload(4001, "gone é"))).toEqual({ code: 4001, reason: "gone é" });
    expect(parseClose(new Uint8Array())).toEqual({ code: 1005, reason: "" });
  });

  test("the handshake accept value is RFC 6455's", () => {
    expect(acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });
});
