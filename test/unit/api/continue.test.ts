import { describe, expect, it } from "vitest";
import { decodeContinue, encodeContinue } from "../../../src/api/continue";

function b64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

describe("continue tokens", () => {
  it("encode as Kubernetes' unpadded base64url JSON", () => {
    const token = encodeContinue({ rv: 42, start: { namespace: "default", name: "web" } });
    expect(token).not.toMatch(/[=+/]/);
    expect(Buffer.from(token, "base64url").toString()).toBe('{"v":"meta.k8s.io/v1","rv":42,"start":"default/web"}');
  });

  it("round-trip namespaced and cluster-scoped keys, including multibyte text", () => {
    for (const start of [{ namespace: "default", name: "web" }, { namespace: "", name: "node-1" }, { namespace: "ns", name: "é" }]) {
      expect(decodeContinue(encodeContinue({ rv: 7, start }))).toEqual({ ok: true, value: { rv: 7, start } });
    }
  });

  it("reject malformed tokens with 400 BadRequest", () => {
    const cases: [string, string][] = [
      ["ab$c", "invalid continue token: continue key is not valid: illegal base64 data at input byte 2"],
      ["abcde", "invalid continue token: continue key is not valid: illegal base64 data at input byte 4"],
      [b64url('{"v":"meta.k8s.io/v2","rv":1,"start":"a"}'), "invalid continue token: continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2"],
      [b64url('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}'), "invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"],
      [b64url('{"v":"meta.k8s.io/v1","rv":1,"start":""}'), "invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)"],
      [b64url('{"v":"meta.k8s.io/v1","rv":1,"start":"../etc"}'), "invalid continue token: continue key is not valid: start key is not valid: ../etc"],
      [b64url("[1]"), "invalid continue token: continue key is not valid: token is not a JSON object"],
    ];
    for (const [token, message] of cases) {
      expect(decodeContinue(token)).toEqual({ ok: false, error: { code: 400, reason: "BadRequest", message } });
    }
    const notJson = decodeContinue(b64url("{nope"));
    expect(!notJson.ok && notJson.error.message).toMatch(/^invalid continue token: continue key is not valid: /);
  });
});
