// kubectl edit, with EDITOR set to a script that changes the file the way a person would.
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { useCluster } from "./harness";
import { configMap, create, deployment } from "./manifests";

const cluster = useCluster();

/**
 * An editor that runs sed expressions on the file kubectl hands it, and appends what it was
 * handed to <script>.seen (kubectl reopens the file with the server's errors in comments).
 */
async function sedEditor(name: string, ...expressions: string[]): Promise<Record<string, string>> {
  const script = `#!/bin/sh\nset -e\ncat "$1" >> "$0.seen"\n${expressions.map((e) => `sed -i '${e}' "$1"`).join("\n")}\n`;
  const path = await cluster.file(name, script, 0o755);
  return { EDITOR: path, KUBE_EDITOR: path };
}

beforeAll(async () => {
  await create(cluster, deployment("web", { image: "nginx:1.25", replicas: 2 }), configMap("settings", { data: { mode: "slow" } }));
});

describe("edit", () => {
  it("saves the edited Deployment", async () => {
    const env = await sedEditor("replicas.sh", "s/replicas: 2/replicas: 4/", "s#image: nginx:1.25#image: nginx:1.26#");
    expect((await cluster.kubectlOk(["edit", "deployment", "web"], { env })).trim()).toBe("deployment.apps/web edited");
    const spec = JSON.parse(await cluster.kubectlOk(["get", "deploy", "web", "-o", "jsonpath={.spec}"]));
    expect(spec.replicas).toBe(4);
    expect(spec.template.spec.containers[0].image).toBe("nginx:1.26");
  });

  it("edits a ConfigMap's data", async () => {
    const env = await sedEditor("mode.sh", "s/mode: slow/mode: fast/");
    expect((await cluster.kubectlOk(["edit", "configmap", "settings"], { env })).trim()).toBe("configmap/settings edited");
    expect(await cluster.kubectlOk(["get", "cm", "settings", "-o", "jsonpath={.data.mode}"])).toBe("fast");
  });

  it("cancels when nothing changed", async () => {
    const env = await sedEditor("noop.sh", "s/will-not-match//");
    const result = await cluster.kubectl(["edit", "configmap", "settings"], { env });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toContain("Edit cancelled, no changes made.");
  });

  it("reopens the file with the server's validation errors, and changes nothing", async () => {
    const env = await sedEditor("invalid.sh", "s/replicas: 4/replicas: -3/");
    const result = await cluster.kubectl(["edit", "deployment", "web"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: deployments.apps "web" is invalid');
    const seen = await readFile(`${env.EDITOR}.seen`, "utf8");
    expect(seen).toMatch(/^# \* spec\.replicas: Invalid value: -3: must be greater than or equal to 0$/m);
    expect(await cluster.kubectlOk(["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"])).toBe("4");
  });
});
