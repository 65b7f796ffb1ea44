// The 403 of a request no authorizer allowed, worded as kube-apiserver's responsewriters.Forbidden.
import { forbidden, quote, type ApiError } from "../api/status";
import { resourceOf, type Attributes } from "./attributes";

const SANITIZE: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/** responsewriters.forbiddenMessage, HTML-escaped as Kubernetes does. */
export function forbiddenMessage(attrs: Attributes): string {
  const who = quote(attrs.user.name);
  let text: string;
  if (!attrs.resourceRequest) text = `User ${who} cannot ${attrs.verb} path ${quote(attrs.path)}`;
  else {
    const scope = attrs.namespace ? `in the namespace ${quote(attrs.namespace)}` : "at the cluster scope";
    text = `User ${who} cannot ${attrs.verb} resource ${quote(resourceOf(attrs))} in API group ${quote(attrs.apiGroup)} ${scope}`;
  }
  return text.replace(/[&<>]/g, (c) => SANITIZE[c]);
}

/** 403 for a request no authorizer allowed. */
export function forbiddenError(attrs: Attributes, reason: string): ApiError {
  const why = reason ? `${forbiddenMessage(attrs)}: ${reason}` : forbiddenMessage(attrs);
  if (!attrs.resourceRequest) return { code: 403, reason: "Forbidden", message: `forbidden: ${why}`, details: {} };
  return forbidden(attrs.resource, attrs.apiGroup, attrs.name, why);
}
