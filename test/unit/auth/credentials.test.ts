// Service account JWTs, encryption key rings and the rate limiter, in Node's WebCrypto.
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseKeyRing } from "../../../src/auth/encryption/keys";
import { signJwt, verifyJwt } from "../../../src/auth/serviceaccount/jwt";
import { signingKeys } from "../../../src/auth/serviceaccount/keys";
import { parseDuration } from "../../../src/cli/apiclient";

const pem = () => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

describe("service account signing keys", () => {
  it("sign with the first key, verify with any, and refuse tampering and other algorithms", async () => {
    const [k1, k2] = await signingKeys(`${pem()},${pem()}`);
    expect(k1.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const token = await signJwt(k1, { sub: "x" });
    expect(await verifyJwt(token, [k2, k1])).toEqual({ sub: "x" });
    expect(await verifyJwt(token, [k2])).toBeUndefined();
    const [h, , s] = token.split(".");
    expect(await verifyJwt(`${h}.${Buffer.from('{"sub":"admin"}').toString("base64url")}.${s}`, [k1])).toBeUndefined();
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"x"}').toString("base64url")}.`;
    expect(await verifyJwt(none, [k1])).toBeUndefined();
  });
});

describe("encryption keys", () => {
  it("take the first key for writes and refuse malformed ones", async () => {
    const key = (id: string) => `${id}:${Buffer.alloc(32, 7).toString("base64")}`;
    const ring = await parseKeyRing(`${key("new")}, ${key("old")}`);
    expect(ring?.current.id).toBe("new");
    expect([...ring!.byId.keys()]).toEqual(["new", "old"]);
    expect(await parseKeyRing("")).toBeUndefined();
    await expect(parseKeyRing(`short:${Buffer.alloc(16).toString("base64")}`)).rejects.toThrow(/32 bytes/);
    await expect(parseKeyRing(`${key("a")},${key("a")}`)).rejects.toThrow(/twice/);
    await expect(parseKeyRing(Buffer.alloc(32).toString("base64"))).rejects.toThrow(/id:base64/);
  });
});

describe("CLI durations", () => {
  it("read Go-style durations", () => {
    expect(parseDuration("24h")).toBe(86_400);
    expect(parseDuration("1h30m")).toBe(5_400);
    expect(parseDuration("2s")).toBe(2);
    expect(parseDuration("0")).toBe(0);
    expect(() => parseDuration("1d")).toThrow(/invalid duration/);
  });
});
