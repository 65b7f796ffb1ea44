// How the Worker reaches a node's pods, shared by both ends (the Worker and the agent), so it
// imports nothing either lacks. A node whose pods the control plane cannot reach (behind NAT)
// carries the annotation
//
//   edgeplane.dev/pod-network: tunnel
//
// (the agent sets it with --pod-network tunnel), and the Worker sends traffic for its pods down
// the node's tunnel to the agent's API as
//
//   {method} /podProxy/{scheme}/{ip}/{port}{path}?{query}
//
// which the agent forwards to the pod from the node (src/agent/server/podproxy.ts).

export const POD_NETWORK_ANNOTATION = "edgeplane.dev/pod-network";
export const POD_NETWORK_MODES = ["direct", "tunnel"] as const;
export type PodNetworkMode = (typeof POD_NETWORK_MODES)[number];

export const TUNNEL_POD_PREFIX = "/podProxy";

export interface PodTarget {
  scheme: "http" | "https";
  ip: string;
  port: number;
  /** The path as the client sent it (still percent-encoded) followed by "?query" if any. */
  pathAndQuery: string;
}

/** The agent path for `target`. */
export function podProxyPath(target: PodTarget): string {
  return `${TUNNEL_POD_PREFIX}/${target.scheme}/${target.ip}/${target.port}${target.pathAndQuery}`;
}

const POD_PROXY_PATH = /^\/podProxy\/(https?)\/([0-9a-fA-F.:]+)\/(\d{1,5})(\/[^?]*)?(\?.*)?$/;

/**
 * The pod a tunnel request path names, or undefined when it names none. Read from the raw path,
 * never through URL parsing, which would resolve "." and ".." segments the backend is owed as sent.
 */
export function parsePodProxyPath(path: string): PodTarget | undefined {
  const match = POD_PROXY_PATH.exec(path);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { scheme: match[1] as PodTarget["scheme"], ip: match[2], port, pathAndQuery: `${match[4] ?? "/"}${match[5] ?? ""}` };
}
