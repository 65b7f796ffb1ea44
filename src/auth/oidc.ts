// Service account issuer discovery (KEP-1393): the OpenID configuration and the signing keys, so
// that others (a cloud's workload identity, a webhook) can verify service account tokens without
// asking the API. Readable by service accounts (system:service-account-issuer-discovery).
import type { Hono } from "hono";
import type { AppEnv } from "../api/context";
import { authConfig } from "./config";
import { signingKeys } from "./serviceaccount/keys";

export const JWKS_PATH = "/openid/v1/jwks";

export function mountIssuerDiscovery(app: Hono<AppEnv>): void {
  app.get("/.well-known/openid-configuration", (c) => {
    const { issuer } = authConfig(c.env);
    return c.json({
      issuer,
      jwks_uri: `${new URL(c.req.url).origin}${JWKS_PATH}`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["ES256"],
    });
  });
  app.get(JWKS_PATH, async (c) => c.json({ keys: (await signingKeys(c.env.SERVICE_ACCOUNT_KEYS)).map((k) => k.jwk) }, 200, { "content-type": "application/jwk-set+json" }));
}
