import { describe, expect, test } from "vitest";
import { PodSocketBridge } from "../../../src/tunnel/podsocket";
import { FrameReader, OPCODE, closePayload, encodeFrame, parseClose } from "../../../src/tunnel/wsframes";

/** A bridge whose sides are recorded: the frames the pod got, what the client got. */
function bridged() {
  const pod = new FrameReader();
  const toPod: { opcode: number; text: string; masked: boolean }[] = [];
  const log: string[] = [];
  const bridge = new PodSocketBridge({
    toPod: (bytes) => {
      const masked = (bytes[1] & 0x80) !== 0;
      for (const f of pod.push(bytes)) toPod.push({ opcode: f.opcode, text: f.opcode === OPCODE.close ? JSON.stringify(parseClose(f.payload)) : new TextDecoder().decode(f.payload), masked });
    },
    toPodDone: () => log.push("pod done"),
    toClient: (message) => log.push(typeof message === "string" ? `text ${message}` : `binary ${new Uint8Array(message).join(",")}`),
    closeClient: (code, reason) => log.push(`close ${code} ${reason}`),
  });
  return { bridge, toPod, log };
}

const text = (s: string) => new TextEncoder().encode(s);

describe("the bridge to a pod's WebSocket", () => {
  test("the client's messages go to the pod as masked frames", () => {
    const { bridge, toPod } = bridged();
    bridge.fromClient("hello");
    bridge.fromClient(new Uint8Array([1, 2, 3]).buffer);
    expect(toPod).toEqual([
      { opcode: OPCODE.text, text: "hello", masked: true },
      { opcode: OPCODE.binary, text: "\x01\x02\x03", masked: true },
    ]);
  });

  test("the pod's frames reach the client as messages, split anywhere, fragments joined; pings answered", () => {
    const { bridge, toPod, log } = bridged();
    const bytes = new Uint8Array([
      ...encodeFrame(OPCODE.text, text("one")),
      ...encodeFrame(OPCODE.text, text("tw"), undefined, false),
      ...encodeFrame(OPCODE.ping, text("p")),
      ...encodeFrame(OPCODE.continuation, text("o")),
      ...encodeFrame(OPCODE.binary, new Uint8Array([9, 8])),
    ]);
    for (let i = 0; i < bytes.length; i += 3) bridge.fromPod(bytes.subarray(i, i + 3));
    expect(log).toEqual(["text one", "text two", "binary 9,8"]);
    expect(toPod).toEqual([{ opcode: OPCODE.pong, text: "p", masked: true }]);
  });

  test("the pod closing: its close is answered and the client closed with its code and reason", () => {
    const { bridge, toPod, log } = bridged();
    bridge.fromPod(encodeFrame(OPCODE.close, closePayload(4001, "bye")));
    expect(toPod).toEqual([{ opcode: OPCODE.close, text: JSON.stringify({ code: 4001, reason: "" }), masked: true }]);
    expect(log).toEqual(["pod done", "close 4001 bye"]);
    // Messages after the close go nowhere; the pod's connection ending changes nothing more.
    bridge.fromClient("late");
    bridge.podEnded();
    expect(toPod).toHaveLength(1);
    expect(log).toHaveLength(2);
  });

  test("the client closing: the pod gets a close frame; a code no frame may carry becomes 1000", () => {
    const normal = bridged();
    normal.bridge.clientClosed(1000, "done");
    expect(normal.toPod).toEqual([{ opcode: OPCODE.close, text: JSON.stringify({ code: 1000, reason: "done" }), masked: true }]);
    expect(normal.log).toEqual(["pod done"]);
    const gone = bridged();
    gone.bridge.clientClosed(1006, "");
    expect(gone.toPod).toEqual([{ opcode: OPCODE.close, text: JSON.stringify({ code: 1000, reason: "" }), masked: true }]);
  });

  test("the pod's connection ending without a close frame closes the client with an error", () => {
    const { bridge, log } = bridged();
    bridge.podEnded("the agent's connection closed");
    expect(log).toEqual(["close 1011 the agent's connection closed"]);
  });
});
