// pods/{name}/log: which container's log to ask the node's agent for, with kube-apiserver's
// checks (container defaulting and naming, PodLogOptions validation) done before the relay, so
// a bad request never reaches the node.
import { forbidden, invalid } from "../apis/fielderrors";
import type { KubeObject } from "../apis/types";
import { badRequest, invalid as invalidStatus, type ApiError, type Result } from "../api/status";

interface PodLike extends KubeObject {
  spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
}

const FORWARDED = ["follow", "previous", "timestamps", "tailLines", "sinceSeconds", "sinceTime", "limitBytes"] as const;

function names(list: { name: string }[] | undefined): string[] {
  return (list ?? []).map((c) => c.name);
}

/** The container the request names, or the only container when it names none (kube-apiserver's rule). */
function pickContainer(pod: PodLike, requested: string): Result<string> {
  const podName = pod.metadata.name ?? "";
  const containers = names(pod.spec?.containers);
  const init = names(pod.spec?.initContainers);
  const ephemeral = names(pod.spec?.ephemeralContainers);
  if (!requested) {
    if (containers.length === 1) return { ok: true, value: containers[0] };
    let message = `a container name must be specified for pod ${podName}, choose one of: [${containers.join(" ")}]`;
    if (init.length) message += ` or one of the init containers: [${init.join(" ")}]`;
    if (ephemeral.length) message += ` or one of the ephemeral containers: [${ephemeral.join(" ")}]`;
    return { ok: false, error: badRequest(message) };
  }
  if (![...containers, ...init, ...ephemeral].includes(requested)) {
    return { ok: false, error: badRequest(`container ${requested} is not valid for pod ${podName}`) };
  }
  return { ok: true, value: requested };
}

function validate(query: URLSearchParams, podName: string): ApiError | undefined {
  const causes = [];
  const int = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
  for (const name of ["tailLines", "sinceSeconds", "limitBytes"]) {
    const value = int(name);
    if (value !== undefined && !Number.isInteger(value)) return badRequest(`${name}: invalid integer "${query.get(name)}"`);
  }
  const tail = int("tailLines");
  if (tail !== undefined && tail < 0) causes.push(invalid("tailLines", tail, "must be greater than or equal to 0"));
  const limit = int("limitBytes");
  if (limit !== undefined && limit < 1) causes.push(invalid("limitBytes", limit, "must be greater than 0"));
  const since = int("sinceSeconds");
  if (since !== undefined && since < 1) causes.push(invalid("sinceSeconds", since, "must be greater than 0"));
  if (since !== undefined && query.has("sinceTime")) causes.push(forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
  const sinceTime = query.get("sinceTime");
  if (sinceTime !== null && Number.isNaN(Date.parse(sinceTime))) return badRequest(`sinceTime: invalid time "${sinceTime}"`);
  return causes.length ? invalidStatus("PodLogOptions", "", podName, causes) : undefined;
}

/** The agent path (/containerLogs/{namespace}/{pod}/{container}?...) for a log request, or why there is none. */
export function podLogTarget(pod: PodLike, query: URLSearchParams): Result<string> {
  const podName = pod.metadata.name ?? "";
  if (!pod.spec?.nodeName) return { ok: false, error: badRequest(`pod ${podName} does not have a host assigned`) };
  const container = pickContainer(pod, query.get("container") ?? "");
  if (!container.ok) return container;
  const problem = validate(query, podName);
  if (problem) return { ok: false, error: problem };
  const forwarded = new URLSearchParams();
  for (const name of FORWARDED) {
    const value = query.get(name);
    if (value !== null) forwarded.set(name, value);
  }
  const path = [pod.metadata.namespace ?? "", podName, container.value].map(encodeURIComponent).join("/");
  const search = forwarded.toString();
  return { ok: true, value: `/containerLogs/${path}${search ? `?${search}` : ""}` };
}
