// The Hono environment, declared once: bindings from wrangler.toml, per-request variables.
import type { Context } from "hono";
import type { Env } from "../env";
import type { Store } from "../store/store";
import type { UserInfo } from "../auth/user";
import type { Attributes } from "../auth/attributes";
import type { Admit } from "./writes";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    store: Store;
    /** Injected clock, so tests can move time. */
    now: () => number;
    /** `Warning` headers to send (unknown fields with fieldValidation=Warn, deprecations). */
    warnings: string[];
    /** Who is asking (authenticated, or system:anonymous). */
    user: UserInfo;
    /** What is asked, as authorization saw it (the audit record reuses it). */
    attributes?: Attributes;
    /** Admission with the requester in mind, handed to every write (src/auth/admission.ts). */
    admit?: Admit;
  };
}

export type Ctx = Context<AppEnv>;
