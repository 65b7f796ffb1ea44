// The service account token volume on real Podman containers: a busybox pod reads its token,
// namespace and CA from /var/run/secrets/kubernetes.io/serviceaccount (a bind mount of the
// volume the agent writes), and the token authenticates as the pod's service account. Skipped
// when Podman is not set up (setup.ts); the agent's Podman pods are removed after the file.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../../src/apis/core/v1/pod";
import { useAgents } from "../agent-harness";
import { useCluster } from "../harness";
import { eventually } from "../wait";
import { setUpPodman } from "./setup";

// Tagged, so that the default pull policy is IfNotPresent: no registry is reachable here.
const BUSYBOX = "busybox:1.36";
const DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

const skipReason = await setUpPodman();
if (skipReason) console.warn(`podman service account tests skipped: ${skipReason}`);

const cluster = useCluster();
const agents = useAgents(cluster);
const NODE = `podman-sa-${randomUUID().slice(0, 8)}`;

describe.skipIf(skipReason !== undefined)("service account token on the podman runtime", () => {
  beforeAll(async () => {
    const agent = agents.start({ name: NODE, runtime: "podman" });
    await agent.waitForLine(new RegExp(`ready: node ${NODE}`), 60_000);
  });

  it("gives the container its token, namespace and CA", async () => {
    const command = `echo "namespace=$(cat ${DIR}/namespace)"; echo "token=$(cat ${DIR}/token)"; echo "ca=$(base64 ${DIR}/ca.crt | tr -d '\\n')"; sleep 3600`;
    const res = await cluster.api("POST", "/api/v1/namespaces/default/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "reader" },
      spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: "app", image: BUSYBOX, command: ["sh", "-c", command] }] },
    });
    expect(res.status).toBe(201);
    await eventually(async () => {
      const got = await cluster.api("GET", "/api/v1/namespaces/default/pods/reader");
      return (got.json as Pod).status?.phase === "Running" ? true : undefined;
    }, "the pod running", 90_000);
    const logs = await eventually(async () => {
      const out = await cluster.kubectlOk(["logs", "reader"]);
      return out.includes("ca=") ? out : undefined;
    }, "the service account files");
    const field = (name: string) => logs.match(new RegExp(`^${name}=(.*)$`, "m"))?.[1] ?? "";
    expect(field("namespace")).toBe("default");
    expect(Buffer.from(field("ca"), "base64").toString()).toBe(`${cluster.caCert.trim()}\n`);
    const whoami = await cluster.kubectlOk(["auth", "whoami", "--token", field("token"), "-o", "jsonpath={.status.userInfo.username}"]);
    expect(whoami).toBe("system:serviceaccount:default:default");
    await cluster.kubectlOk(["delete", "pod", "reader", "--grace-period", "1"]);
  });
});
