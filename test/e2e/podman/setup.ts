// Gets this machine ready for the podman runtime tests, or says why it cannot be: the Podman
// service must answer on its socket and the locally built test images must be in its storage.
// When they are not, and the tests run as root, scripts/podman-setup.sh is run once (it installs
// Podman, starts the service and builds the images; quiet and quick when all is done already).
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { PodmanRuntime, podmanAvailable, podmanSocketPath } from "../../../src/agent/runtime/podman";

export const BUSYBOX = "localhost/edgeplane/busybox:latest";
/** busybox httpd serving a "Welcome to nginx!" page on port 80 (test/fixtures/images/build.sh). */
export const NGINX = "nginx:1.7.9";

const setupScript = fileURLToPath(new URL("../../../scripts/podman-setup.sh", import.meta.url));

async function ready(): Promise<boolean> {
  if (!(await podmanAvailable())) return false;
  // Only asks about images: nothing is written under the state directory.
  const runtime = new PodmanRuntime({ nodeName: "podman-test-probe", stateDir: tmpdir() });
  try {
    await runtime.ensureImage(BUSYBOX, "Never");
    await runtime.ensureImage(NGINX, "Never");
    return true;
  } catch {
    return false;
  } finally {
    await runtime.close();
  }
}

/** Undefined when Podman is ready, else why the tests are skipped. */
export async function setUpPodman(): Promise<string | undefined> {
  if (await ready()) return undefined;
  if (process.getuid?.() !== 0) {
    return `Podman is not set up on ${podmanSocketPath()} and the tests do not run as root: run scripts/podman-setup.sh as root first`;
  }
  const result = spawnSync("bash", [setupScript], { encoding: "utf8", timeout: 600_000 });
  if (result.status !== 0) {
    return `scripts/podman-setup.sh failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr || result.stdout).trim().slice(-2000)}`;
  }
  return (await ready()) ? undefined : `scripts/podman-setup.sh ran but Podman still does not answer on ${podmanSocketPath()} with the test images`;
}

/**
 * Removes every Podman pod and container an agent started as `nodeName` (they carry the node's
 * label). A stopped agent leaves its containers running by design; tests must not.
 */
export async function removePodmanNode(nodeName: string): Promise<void> {
  const runtime = new PodmanRuntime({ nodeName, stateDir: tmpdir() });
  try {
    const { sandboxes, containers } = await runtime.list();
    await Promise.all(containers.map((container) => runtime.removeContainer(container.id)));
    await Promise.all(sandboxes.map((sandbox) => runtime.removeSandbox(sandbox.id)));
  } finally {
    await runtime.close();
  }
}
