// The tunnel protocol between a node's agent and its NodeTunnel Durable Object, shared by both
// ends (the Worker and the Node.js agent), so it uses only what both have: Uint8Array, JSON,
// TextEncoder.
//
// The tunnel carries HTTP exchanges, many at once over one WebSocket, each named by a request
// id the Durable Object assigns (the agent never starts an exchange, so ids cannot collide):
//
//   DO -> agent   {"t":"req","id":7,"method":"GET","path":"/containerLogs/ns/pod/c?follow=true","headers":[["accept","*/*"]]}
//   DO -> agent   binary [id 7][request body bytes]          (zero or more)
//   DO -> agent   {"t":"end","id":7}                         (request body complete; always sent)
//   agent -> DO   {"t":"res","id":7,"status":200,"headers":[["content-type","text/plain"]]}
//   agent -> DO   binary [id 7][response body bytes]         (zero or more)
//   agent -> DO   {"t":"end","id":7}                         (response complete)
//   either        {"t":"err","id":7,"message":"..."}         (the exchange failed; no more frames for it)
//   DO -> agent   {"t":"cancel","id":7}                      (the client went away: stop, send nothing more)
//
// Control frames are WebSocket text frames holding JSON; body chunks are binary frames whose
// first four bytes are the id (big-endian), so bodies are never base64-inflated. The plain text
// frames "ping" and "pong" are keepalives (the Durable Object answers "ping" without waking).
// This carries logs (a GET whose response streams) and the service proxy's traffic to pods behind
// NAT (request bodies stream down the same way). An exchange whose "res" is 101 (an upgrade the
// pod accepted) goes on as a byte pipe: data frames carry the upgraded connection's bytes both
// ways, and "end" closes each direction.

export const PING = "ping";
export const PONG = "pong";

export type Header = [name: string, value: string];

export type ControlFrame =
  | { t: "req"; id: number; method: string; path: string; headers: Header[] }
  | { t: "res"; id: number; status: number; headers: Header[] }
  | { t: "end"; id: number }
  | { t: "err"; id: number; message: string }
  | { t: "cancel"; id: number };

export interface DataFrame {
  id: number;
  chunk: Uint8Array;
}

export function encodeControl(frame: ControlFrame): string {
  return JSON.stringify(frame);
}

const CONTROL_TYPES = new Set(["req", "res", "end", "err", "cancel"]);

/** A control frame, or undefined for anything else (keepalives, garbage from a newer peer). */
export function decodeControl(text: string): ControlFrame | undefined {
  if (!text.startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const frame = value as Record<string, unknown>;
  if (typeof frame.t !== "string" || !CONTROL_TYPES.has(frame.t) || !isId(frame.id)) return undefined;
  switch (frame.t) {
    case "req":
      if (typeof frame.method !== "string" || typeof frame.path !== "string" || !isHeaders(frame.headers)) return undefined;
      break;
    case "res":
      if (typeof frame.status !== "number" || !isHeaders(frame.headers)) return undefined;
      break;
    case "err":
      if (typeof frame.message !== "string") return undefined;
      break;
  }
  return frame as unknown as ControlFrame;
}

export function encodeData(id: number, chunk: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + chunk.byteLength);
  new DataView(out.buffer).setUint32(0, id);
  out.set(chunk, 4);
  return out;
}

export function decodeData(bytes: Uint8Array): DataFrame | undefined {
  if (bytes.byteLength < 4) return undefined;
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  return { id, chunk: bytes.subarray(4) };
}

function isId(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 && value <= 0xffffffff;
}

function isHeaders(value: unknown): value is Header[] {
  return Array.isArray(value) && value.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === "string" && typeof h[1] === "string");
}
