import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: ["./src/store/schema.ts", "./src/auth/schema.ts"],
  out: "./migrations",
});
