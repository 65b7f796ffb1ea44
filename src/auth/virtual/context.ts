// What the handlers of the kinds answered rather than stored are given.
import type { Env } from "../../env";
import type { Store } from "../../store/store";
import type { Authorizer } from "../authorizer";
import type { AuthConfig } from "../config";
import type { UserInfo } from "../user";

export interface VirtualContext {
  user: UserInfo;
  store: Store;
  env: Env;
  config: AuthConfig;
  authorizer: Authorizer;
  /** The namespace of the request path, for namespaced kinds. */
  namespace?: string;
  now: number;
}
