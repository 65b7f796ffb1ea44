// What to do to a running pod's containers on one sync, as the kubelet decides it
// (kuberuntime_manager computePodActions): init containers one at a time in order, a failed
// one restarted unless restartPolicy is Never (then the pod has failed); then every regular
// container started, and restarted per restartPolicy after it exits, with CrashLoopBackOff
// between restarts; containers failing liveness or startup probes killed. Sidecars (init
// containers with restartPolicy Always) start in init order and are always restarted.
// Termination (deletion, deadlines) is decided by the worker, not here.
import type { Container } from "../../apis/core/v1/container";
import type { Pod } from "../../apis/core/v1/pod";
import { advance, goDuration, inBackoff, type BackoffEntry, type BackoffLimits, DEFAULT_LIMITS } from "./backoff";
import { exitCodeOf, finishedAtOf, isSidecar, restartPolicy, runsOf, shouldRestart, type ContainerRun, type ProbeView, type Waiting } from "./model";

export interface ActionInput {
  pod: Pod;
  runs: ContainerRun[];
  hasSandbox: boolean;
  /** Probe results by container id. */
  probes: Map<string, ProbeView>;
  /** Restart back-off by container name. */
  backoff: Map<string, BackoffEntry>;
  now: number;
  limits?: BackoffLimits;
}

export interface PodActions {
  createSandbox: boolean;
  /** Running attempts to stop (probe failures, sidecars of a finished pod). */
  kill: { id: string; name: string; message: string }[];
  /** Containers to start now, in this order. */
  start: { container: Container; init: boolean }[];
  /** Containers held back, with the reason status shows (CrashLoopBackOff). */
  waiting: Map<string, Waiting>;
  /** The back-off table after this sync. */
  backoff: Map<string, BackoffEntry>;
  /** When a held-back container may start: sync again then. */
  wakeAt?: number;
  /** An init container failed under restartPolicy Never: the pod has failed. */
  podFailed: boolean;
}

/** format.Pod: name_namespace(uid), as kubelet messages name a pod. */
export function podRef(pod: Pod): string {
  return `${pod.metadata.name ?? ""}_${pod.metadata.namespace ?? ""}(${pod.metadata.uid ?? ""})`;
}

export function computePodActions(input: ActionInput): PodActions {
  const { pod, runs, now } = input;
  const limits = input.limits ?? DEFAULT_LIMITS;
  const policy = restartPolicy(pod);
  const init = pod.spec?.initContainers ?? [];
  const regular = pod.spec?.containers ?? [];
  const actions: PodActions = { createSandbox: !input.hasSandbox, kill: [], start: [], waiting: new Map(), backoff: new Map(input.backoff), podFailed: false };
  const latest = (c: Container): ContainerRun | undefined => runsOf(runs, c.name)[0];
  const probeOf = (run: ContainerRun): ProbeView | undefined => input.probes.get(run.id);

  // Restart an exited container now, or hold it back while its back-off lasts.
  const restart = (c: Container, run: ContainerRun, isInit: boolean): void => {
    const finished = finishedAtOf(run.state, now);
    const entry = actions.backoff.get(c.name);
    if (entry && inBackoff(entry, finished, now, limits)) {
      actions.waiting.set(c.name, { reason: "CrashLoopBackOff", message: `back-off ${goDuration(entry.backoffMs)} restarting failed container=${c.name} pod=${podRef(pod)}` });
      const at = finished + entry.backoffMs;
      actions.wakeAt = actions.wakeAt === undefined ? at : Math.min(actions.wakeAt, at);
      return;
    }
    actions.backoff.set(c.name, advance(entry, finished, now, limits));
    actions.start.push({ container: c, init: isInit });
  };

  for (const c of [...init.filter(isSidecar), ...regular]) {
    const run = latest(c);
    const failed = run && run.state.state === "running" ? probeOf(run)?.failed : undefined;
    if (run && failed) actions.kill.push({ id: run.id, name: c.name, message: failed.message });
  }
  const killing = new Set(actions.kill.map((k) => k.id));
  const running = (run: ContainerRun | undefined): boolean => run?.state.state === "running" && !killing.has(run.id);

  const regularStarted = regular.some((c) => latest(c) !== undefined);
  if (!regularStarted) {
    for (const c of init) {
      const run = latest(c);
      if (!run) {
        actions.start.push({ container: c, init: true });
        return actions;
      }
      if (isSidecar(c)) {
        if (running(run) && (probeOf(run)?.started ?? true)) continue;
        if (!running(run) && !killing.has(run.id)) restart(c, run, true);
        return actions;
      }
      if (run.state.state === "running") return actions;
      if (exitCodeOf(run.state) === 0) continue;
      if (policy === "Never") {
        actions.podFailed = true;
        return actions;
      }
      restart(c, run, true);
      return actions;
    }
  }

  // Once every regular container has finished for good, sidecars are stopped, not restarted.
  const finishedForGood = regular.every((c) => {
    const run = latest(c);
    const code = run ? exitCodeOf(run.state) : undefined;
    return code !== undefined && !shouldRestart(policy, code);
  });
  for (const c of init.filter(isSidecar)) {
    const run = latest(c);
    if (finishedForGood) {
      if (running(run) && run) actions.kill.push({ id: run.id, name: c.name, message: "Stopping sidecar: the pod's containers have completed" });
      continue;
    }
    if (!run) actions.start.push({ container: c, init: true });
    else if (run.state.state !== "running") restart(c, run, true);
  }

  for (const c of regular) {
    const run = latest(c);
    if (!run) {
      actions.start.push({ container: c, init: false });
      continue;
    }
    if (run.state.state === "running") continue;
    const code = exitCodeOf(run.state) ?? 0;
    if (shouldRestart(policy, code)) restart(c, run, false);
  }
  return actions;
}
