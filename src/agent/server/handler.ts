// The agent's own API, served through its tunnel (the kubelet's API, in the parts edgeplane
// uses): GET /containerLogs/{namespace}/{pod}/{container} for kubectl logs, /stats/summary
// (the Summary API's pod and container CPU and memory: how the agent reports usage), /pods,
// /healthz, and any method on /podProxy/... (traffic to this node's pods, ./podproxy). Errors
// are Kubernetes Status objects, which the Worker passes on to the client.
import type { Pod } from "../../apis/core/v1/pod";
import type { Header } from "../../tunnel/frames";
import { rfc3339 } from "../clock";
import type { ContainerRun } from "../pods/model";
import { parsePodProxyPath, TUNNEL_POD_PREFIX } from "../../services/podnetwork";
import type { PodManager } from "../pods/manager";
import type { Runtime, LogOptions } from "../runtime/types";
import type { TunnelRequest, TunnelResponse } from "../tunnel/client";
import { forwardToPod, podAddresses } from "./podproxy";
import { UsageTracker } from "./usage";

const TEXT: Header[] = [["content-type", "text/plain; charset=utf-8"]];
const JSON_HEADERS: Header[] = [["content-type", "application/json"]];

function status(code: number, reason: string, message: string): TunnelResponse {
  return { status: code, headers: JSON_HEADERS, body: JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }) };
}

export interface HandlerDeps {
  nodeName: string;
  manager: PodManager;
  runtime: Runtime;
  startedAt: number;
}

function findPod(manager: PodManager, namespace: string, name: string): Pod | undefined {
  return manager.pods().find((p) => p.metadata.namespace === namespace && p.metadata.name === name);
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  return value === null || value === "" ? undefined : Number(value);
}

const truthy = (v: string | null) => v === "true" || v === "1";

/**
 * The run kubectl logs means: the current one, or with previous=true the one status shows as
 * lastState (the attempt before a running container, or the crashed one a CrashLoopBackOff
 * waits to replace).
 */
function pickRun(runs: ContainerRun[], pod: Pod, container: string, previous: boolean): ContainerRun | TunnelResponse {
  const podName = pod.metadata.name ?? "";
  const all = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const shown = all.find((s) => s.name === container);
  if (previous) {
    const id = shown?.lastState?.terminated?.containerID;
    const run = id ? runs.find((r) => id.endsWith(`://${r.id}`)) : runs[1];
    return run ?? status(400, "BadRequest", `previous terminated container "${container}" in pod "${podName}" not found`);
  }
  if (runs[0]) return runs[0];
  return status(400, "BadRequest", `container "${container}" in pod "${podName}" is waiting to start: ${shown?.state?.waiting?.reason ?? "ContainerCreating"}`);
}

async function containerLogs(deps: HandlerDeps, parts: string[], query: URLSearchParams, signal: AbortSignal): Promise<TunnelResponse> {
  const [namespace, podName, container] = parts.map(decodeURIComponent);
  const pod = findPod(deps.manager, namespace, podName);
  if (!pod) return status(404, "NotFound", `pods "${podName}" not found`);
  const worker = deps.manager.worker(pod.metadata.uid ?? "");
  const known = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].some((c) => c.name === container);
  if (!worker || !known) return status(400, "BadRequest", `container ${container} is not valid for pod ${podName}`);
  const run = pickRun(worker.containerRuns(container), pod, container, truthy(query.get("previous")));
  if ("status" in run) return run;
  const options: LogOptions = {
    follow: truthy(query.get("follow")),
    timestamps: truthy(query.get("timestamps")),
    tailLines: intParam(query, "tailLines"),
    sinceSeconds: intParam(query, "sinceSeconds"),
    sinceTime: query.get("sinceTime") ?? undefined,
    limitBytes: intParam(query, "limitBytes"),
    signal,
  };
  return { status: 200, headers: TEXT, body: deps.runtime.logs(run.id, options) };
}

/** Traffic for one of this node's pods; only their addresses are reachable this way. */
function podProxy(deps: HandlerDeps, request: TunnelRequest): Promise<TunnelResponse> {
  const target = parsePodProxyPath(request.path);
  if (!target) return Promise.resolve(status(400, "BadRequest", `expected ${TUNNEL_POD_PREFIX}/{http|https}/{ip}/{port}/{path}`));
  if (!podAddresses(deps.manager.pods()).has(target.ip)) return Promise.resolve(status(403, "Forbidden", `${target.ip} is not the address of a pod on node ${deps.nodeName}`));
  return forwardToPod(target, request);
}

export function agentHandler(deps: HandlerDeps): (request: TunnelRequest) => Promise<TunnelResponse> {
  const usage = new UsageTracker(deps.runtime);
  return async (request) => {
    if (request.path.startsWith(`${TUNNEL_POD_PREFIX}/`)) return podProxy(deps, request);
    const url = new URL(request.path, "http://agent");
    const parts = url.pathname.split("/").filter(Boolean);
    if (request.method !== "GET") return status(405, "MethodNotAllowed", `${request.method} is not supported here`);
    if (parts[0] === "containerLogs" && parts.length === 4) return containerLogs(deps, parts.slice(1), url.searchParams, request.signal);
    if (url.pathname === "/healthz") return { status: 200, headers: TEXT, body: "ok" };
    if (url.pathname === "/pods") {
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items: deps.manager.pods() }) };
    }
    if (url.pathname === "/stats/summary") {
      const summary = await usage.summary(deps.nodeName, rfc3339(deps.startedAt), deps.manager);
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(summary) };
    }
    return status(404, "NotFound", `the agent has no ${url.pathname}`);
  };
}
