// The examples/ manifests run as written on a local cluster with a Podman agent: the web server
// answers through its NodePort and through the API's service proxy, the Job completes and its
// logs read back, the CronJob's Job runs when the cron trigger fires.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { podmanAvailable } from "../../src/agent/runtime/podman";
import { useAgents } from "./agent-harness";
import { useCluster } from "./harness";
import { eventually } from "./wait";

const available = await podmanAvailable();
const cluster = useCluster();
const agents = useAgents(cluster);
const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

describe.skipIf(!available)("examples on a Podman agent", () => {
  beforeAll(async () => {
    const agent = agents.start({ name: "examples", runtime: "podman" });
    await agent.waitForLine(/registered node examples/, 60_000);
  });

  it("serves the web example through its NodePort and the service proxy", async () => {
    await cluster.kubectlOk(["apply", "-f", join(EXAMPLES, "web.yaml")]);
    await cluster.kubectlOk(["rollout", "status", "deployment/web", "--timeout=120s"]);
    const page = await eventually(async () => {
      const res = await fetch("http://127.0.0.1:30080/").catch(() => undefined);
      return res?.ok ? res.text() : undefined;
    }, "the NodePort answering");
    expect(page).toContain("Welcome to nginx!");
    const proxied = await eventually(async () => {
      const res = await cluster.api("GET", "/api/v1/namespaces/default/services/web/proxy/");
      return res.status === 200 ? res.text : undefined;
    }, "the service proxy answering");
    expect(proxied).toContain("Welcome to nginx!");
  });

  it("runs the Job example to completion", async () => {
    await cluster.kubectlOk(["apply", "-f", join(EXAMPLES, "job.yaml")]);
    await cluster.kubectlOk(["wait", "--for=condition=complete", "job/hello", "--timeout=120s"]);
    const logs = await cluster.kubectlOk(["logs", "-l", "job-name=hello"]);
    expect(logs.match(/hello from /g)?.length).toBe(3);
  });

  it("creates the CronJob example's Job when the cron trigger fires", async () => {
    await cluster.kubectlOk(["apply", "-f", join(EXAMPLES, "cronjob.yaml")]);
    const next = Math.ceil(Date.now() / 60_000) * 60_000 + 1000;
    await cluster.api("GET", `/cdn-cgi/local/scheduled?${new URLSearchParams({ cron: "* * * * *", time: String(next) })}`);
    const job = await eventually(async () => {
      const out = await cluster.kubectlOk(["get", "jobs", "-o", "name"]);
      return out.split("\n").find((l) => l.startsWith("job.batch/tick-"));
    }, "a Job from the CronJob");
    await cluster.kubectlOk(["wait", "--for=condition=complete", job, "--timeout=120s"]);
    expect(await cluster.kubectlOk(["logs", job])).toContain("tick");
  });
});
