// What a request asks to do, in the terms authorizers decide on: Kubernetes' RequestInfo
// (apiserver/pkg/endpoints/request/requestinfo.go) read from the method, path and query. Paths
// outside /api and /apis (and the discovery paths under them) are non-resource requests.
import { parseFieldTerms, type FieldRequirement } from "../api/fields";
import type { UserInfo } from "./user";

export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** The URL path, for non-resource requests. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  /** "" at the cluster scope. */
  namespace: string;
  /** "" for collections (a list or watch narrowed to one name by `metadata.name=` gets the name). */
  name: string;
  /** A list's or watch's field selector, which the node authorizer reads (spec.nodeName=<node>). */
  fieldSelector?: FieldRequirement[];
}

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);
const SPECIAL_VERBS = new Set(["proxy", "watch"]);

const METHOD_VERBS: Record<string, string> = { POST: "create", GET: "get", HEAD: "get", PUT: "update", PATCH: "patch", DELETE: "delete" };

function nonResource(user: UserInfo, method: string, path: string): Attributes {
  return { user, verb: method.toLowerCase(), resourceRequest: false, path, apiGroup: "", apiVersion: "", resource: "", subresource: "", namespace: "", name: "" };
}

function truthy(value: string | null): boolean {
  return value === "true" || value === "1";
}

/** The attributes of `method` on `url` by `user`. */
export function requestAttributes(user: UserInfo, method: string, url: URL): Attributes {
  const path = url.pathname;
  let parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent);
  if (parts.length < 3 || (parts[0] !== "api" && parts[0] !== "apis")) return nonResource(user, method, path);
  let apiGroup = "";
  if (parts[0] === "apis") {
    if (parts.length < 4) return nonResource(user, method, path);
    apiGroup = parts[1];
    parts = parts.slice(2);
  } else {
    parts = parts.slice(1);
  }
  const apiVersion = parts[0];
  parts = parts.slice(1);
  let verb = METHOD_VERBS[method] ?? "";
  if (SPECIAL_VERBS.has(parts[0])) {
    verb = parts[0];
    parts = parts.slice(1);
  }
  let namespace = "";
  if (parts[0] === "namespaces" && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  const [resource = "", name = "", subresource = ""] = parts;
  const attrs: Attributes = { user, verb, resourceRequest: true, path, apiGroup, apiVersion, resource, subresource: verb === "proxy" ? "" : subresource, namespace, name };
  if (!attrs.name && verb === "get") {
    attrs.verb = truthy(url.searchParams.get("watch")) ? "watch" : "list";
    narrowByFieldSelector(attrs, url.searchParams.get("fieldSelector"));
  }
  if (!attrs.name && verb === "delete") attrs.verb = "deletecollection";
  return attrs;
}

/** A list or watch of one name (`metadata.name=x`) is authorized as that object, as Kubernetes does. */
function narrowByFieldSelector(attrs: Attributes, selector: string | null): void {
  if (!selector) return;
  const parsed = parseFieldTerms(selector);
  if (!parsed.ok) return;
  attrs.fieldSelector = parsed.value;
  const byName = parsed.value.find((r) => r.field === "metadata.name" && r.operator !== "!=");
  if (byName && !byName.value.includes("/") && !byName.value.includes("%") && byName.value !== "." && byName.value !== "..") attrs.name = byName.value;
}

/** `verb resource` for messages: "pods/status". */
export function resourceOf(attrs: Pick<Attributes, "resource" | "subresource">): string {
  return attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
}
