// Running one probe: an HTTP GET to the pod's IP (or the probe's host), a TCP connect, or a
// command inside the container through the runtime. Success is an HTTP status from 200 to 399,
// a completed connection, or exit code 0, within timeoutSeconds.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { Container, Probe } from "../../apis/core/v1/container";
import type { Runtime } from "../runtime/types";

export interface ProbeTarget {
  podIP: string;
  container: Container;
  containerId: string;
}

export interface ProbeOutcome {
  success: boolean;
  /** Why it failed, worded as the kubelet's probe failure events. */
  message: string;
}

export interface ProbeExecutor {
  run(probe: Probe, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome>;
}

/** A named port resolves through the container's ports. */
export function resolvePort(port: number | string, container: Container): number | undefined {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function httpProbe(probe: NonNullable<Probe["httpGet"]>, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const port = resolvePort(probe.port, target.container);
  if (port === undefined) return Promise.resolve({ success: false, message: `port ${probe.port} not found in container ${target.container.name}` });
  const secure = (probe.scheme ?? "HTTP").toUpperCase() === "HTTPS";
  const host = probe.host || target.podIP;
  const path = probe.path || "/";
  const headers: Record<string, string> = { "user-agent": "kube-probe/1.32", accept: "*/*" };
  for (const h of probe.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
  const url = `${secure ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}${path.startsWith("/") ? path : `/${path}`}`;
  return new Promise((resolve) => {
    const send = secure ? httpsRequest : httpRequest;
    // The kubelet does not verify the certificates of HTTPS probes.
    const req = send(url, { headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { success: true, message: "" } : { success: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on("timeout", () => req.destroy(new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on("error", (err) => resolve({ success: false, message: err.message.startsWith("Get ") ? err.message : `Get "${url}": ${err.message}` }));
    req.end();
  });
}

function tcpProbe(probe: NonNullable<Probe["tcpSocket"]>, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const port = resolvePort(probe.port, target.container);
  if (port === undefined) return Promise.resolve({ success: false, message: `port ${probe.port} not found in container ${target.container.name}` });
  const host = probe.host || target.podIP;
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once("connect", () => done({ success: true, message: "" }));
    socket.once("timeout", () => done({ success: false, message: `dial tcp ${host}:${port}: i/o timeout` }));
    socket.once("error", (err) => done({ success: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

/** Probes against real processes or containers. */
export function runtimeProbes(runtime: Runtime): ProbeExecutor {
  return {
    async run(probe, target, timeoutMs) {
      if (probe.httpGet) return httpProbe(probe.httpGet, target, timeoutMs);
      if (probe.tcpSocket) return tcpProbe(probe.tcpSocket, target, timeoutMs);
      if (probe.exec) {
        const result = await runtime.exec(target.containerId, probe.exec.command ?? [], timeoutMs).catch((err: Error) => ({ exitCode: -1, output: err.message }));
        if (result.exitCode === 0) return { success: true, message: "" };
        return { success: false, message: result.output.trim() || `command ${JSON.stringify((probe.exec.command ?? []).join(" "))} exited with ${result.exitCode}` };
      }
      if (probe.grpc) return { success: false, message: "gRPC probes are not supported by the edgeplane agent" };
      return { success: false, message: "the probe has no handler" };
    },
  };
}

/** For the simulated runtime: every probe passes, as KWOK's fake pods do. */
export const passingProbes: ProbeExecutor = {
  async run() {
    return { success: true, message: "" };
  },
};
