import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { generateKeyPairSync, randomBytes } from "node:crypto";

// Worker secrets for the tests, fresh each run: the service account token signing key and the
// key Secrets are encrypted with in D1.
const TEST_SERVICE_ACCOUNT_KEY = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
const TEST_ENCRYPTION_KEYS = `test1:${randomBytes(32).toString("base64")}`;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                ADMIN_TOKENS: "test-admin-token",
                SERVICE_ACCOUNT_KEYS: TEST_SERVICE_ACCOUNT_KEY,
                ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          testTimeout: 60_000,
          setupFiles: ["./test/worker/setup.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
