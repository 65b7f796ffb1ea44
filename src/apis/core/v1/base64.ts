// Base64 byte fields ([]byte in Go: Secret data, ConfigMap binaryData): checks with Go's
// decoder's message, decoded sizes, and encoding of Secret stringData.
import { z } from "zod";
import { invalid } from "../../fielderrors";
import type { FieldCause } from "../../types";

export const base64MapSchema = z.record(z.string(), z.string().meta({ format: "byte" }));

const REDACTED = "<secret contents redacted>";

/** Where Go's StdEncoding would fail on `value`, or -1 when it decodes. Line breaks are skipped, as Go does. */
function base64ErrorOffset(value: string): number {
  const s = value.replace(/[\r\n]/g, "");
  const bad = s.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return bad;
  const pad = s.indexOf("=");
  if (pad >= 0 && (!/^={1,2}$/.test(s.slice(pad)) || s.length % 4 !== 0)) return pad;
  return s.length % 4 === 0 ? -1 : s.length - (s.length % 4);
}

export function validateBase64Values(data: Record<string, string> | undefined, path: string): FieldCause[] {
  return Object.entries(data ?? {}).flatMap(([key, value]) => {
    const at = base64ErrorOffset(value);
    return at < 0 ? [] : [invalid(`${path}[${key}]`, REDACTED, `illegal base64 data at input byte ${at}`)];
  });
}

/** Bytes a base64 value decodes to. */
export function base64Length(value: string): number {
  const s = value.replace(/[\r\n]/g, "");
  const padding = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  return Math.floor((s.length * 3) / 4) - padding;
}

const CHUNK = 0x8000;

/** The UTF-8 bytes of `text`, base64-encoded (how stringData becomes data). */
export function encodeBase64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}
