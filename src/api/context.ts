// The Hono environment, declared once: bindings from wrangler.toml, per-request variables.
import type { Context } from "hono";
import type { Env } from "../env";
import type { Store } from "../store/store";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    store: Store;
    /** Injected clock, so tests can move time. */
    now: () => number;
    /** `Warning` headers to send (unknown fields with fieldValidation=Warn, deprecations). */
    warnings: string[];
  };
}

export type Ctx = Context<AppEnv>;
