// One pod's worker (the kubelet's pod worker and SyncPod): every change to the pod, its
// containers, probes or referenced objects marks it dirty; a single loop syncs it at most one
// pass at a time, re-reading everything. A pass decides (actions.ts), acts through the runtime,
// generates the status (status.ts) and writes it only if it changed. A pod with a
// deletionTimestamp is stopped with its grace period and then removed from the API; a pod gone
// from the API has its containers, sandbox and volumes cleaned up.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Container } from "../../apis/core/v1/container";
import type { Pod } from "../../apis/core/v1/pod";
import type { Clock } from "../clock";
import { isApiError, type KubeClient } from "../kube/client";
import { PODS, deleteObject } from "../kube/resources";
import { errorText, type Logger } from "../log";
import { RuntimeError, type Runtime, type Sandbox } from "../runtime/types";
import { computePodActions, podRef } from "./actions";
import { advance, inBackoff, type BackoffEntry, type BackoffLimits } from "./backoff";
import { containerSpec, sandboxSpec } from "./containerspec";
import { containerEnv, type EnvContext } from "./env";
import type { EventSink } from "./events";
import type { PodObjects } from "./objects";
import { runsOf, type ContainerRun, type ProbeView, type Waiting } from "./model";
import type { ProbeExecutor } from "./probeexec";
import { PodProber } from "./prober";
import { prepareVolumes, volumeDir } from "./podvolumes";
import { StatusWriter } from "./statuswriter";
import type { TokenSource } from "./tokens";

export interface WorkerContext {
  runtime: Runtime;
  client: KubeClient;
  objects: PodObjects;
  /** Service account tokens for projected volumes; none on simulated nodes. */
  tokens?: TokenSource;
  nodeName: string;
  hostIP: string;
  allocatable(): Record<string, string>;
  podsDir: string;
  clock: Clock;
  log: Logger;
  probes: ProbeExecutor;
  readyDelayMs: number;
  events: EventSink;
  backoffLimits?: BackoffLimits;
  /** The Service env vars of a pod whose container starts now (none when the service proxy is off). */
  serviceEnv?(pod: Pod): { name: string; value: string }[];
  /** Called once the pod's resources are gone after it left the API. */
  forget(uid: string): void;
}

const RETRY_MS = 5_000;
/** Config errors (a missing Secret) and failed pulls are retried this often, and at once on a change. */
const START_RETRY_MS = 10_000;
/** Containers of a pod deleted without grace (force delete) still get this long to stop. */
const FORCED_GRACE_SECONDS = 2;
/** Runs kept per container: the current one and the previous (for lastState and logs --previous). */
const KEPT_RUNS = 2;
const DEADLINE_EXCEEDED = { reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" };

export interface Adopted {
  sandbox?: Sandbox;
  runs: ContainerRun[];
}

export class PodWorker {
  private gone = false;
  private deleteSent = false;
  private sandbox?: Sandbox;
  private runs: ContainerRun[];
  private backoff = new Map<string, BackoffEntry>();
  private readonly pullBackoff = new Map<string, { entry: BackoffEntry; failedAt: number }>();
  private readonly startErrors = new Map<string, Waiting>();
  private terminal?: { reason?: string; message?: string };
  private dirty = false;
  private running?: Promise<void>;
  private wake?: ReturnType<typeof setTimeout>;
  private wakeAt = 0;
  private readonly prober: PodProber;
  private readonly status: StatusWriter;

  constructor(
    private readonly ctx: WorkerContext,
    private pod: Pod,
    adopted: Adopted = { runs: [] },
  ) {
    this.sandbox = adopted.sandbox;
    this.runs = adopted.runs;
    this.status = new StatusWriter(ctx.client, pod);
    this.prober = new PodProber({
      executor: ctx.probes,
      clock: ctx.clock,
      readyDelayMs: ctx.readyDelayMs,
      changed: () => this.kick(),
      failed: (container, kind, message) => this.ctx.events(this.pod, "Warning", "Unhealthy", `${kind[0].toUpperCase()}${kind.slice(1)} probe failed: ${message}`, container),
    });
    for (const run of this.runs) if (run.state.state === "running") this.watchExit(run);
  }

  get uid(): string {
    return this.pod.metadata.uid ?? "";
  }

  get current(): Pod {
    return this.pod;
  }

  /** The runs of one container the runtime still has, newest first. */
  containerRuns(name: string): ContainerRun[] {
    return runsOf(this.runs, name);
  }

  /** A newer version of the pod from the watch. */
  update(pod: Pod): void {
    if (Number(pod.metadata.resourceVersion) < Number(this.pod.metadata.resourceVersion)) return;
    this.pod = pod;
    this.status.seen(pod);
    this.kick();
  }

  /** The pod left the API. */
  remove(): void {
    this.gone = true;
    this.kick();
  }

  kick(): void {
    this.dirty = true;
    this.running ??= this.loop();
  }

  /** Resolves when no sync is running or pending (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    clearTimeout(this.wake);
    this.wake = undefined;
    this.prober.stop();
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      try {
        await this.sync();
      } catch (err) {
        this.ctx.log("warn", `pod ${this.pod.metadata.namespace}/${this.pod.metadata.name}: ${errorText(err)}`);
        this.wakeIn(RETRY_MS);
      }
    }
    this.running = undefined;
  }

  /** Syncs again in `ms` at the latest; an earlier wake-up already set stays (each sync asks again for what it needs). */
  private wakeIn(ms: number): void {
    const at = Date.now() + Math.max(0, ms);
    if (this.wake && this.wakeAt <= at) return;
    clearTimeout(this.wake);
    this.wakeAt = at;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.kick();
    }, at - Date.now());
  }

  private async sync(): Promise<void> {
    if (this.gone) return this.teardown();
    const pod = this.pod;
    if (pod.metadata.deletionTimestamp) return this.terminate();
    const now = this.ctx.clock.now();
    const deadline = pod.spec?.activeDeadlineSeconds;
    const startTime = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
    if (deadline !== undefined && startTime !== undefined && !this.terminal) {
      if (now >= startTime + deadline * 1000) {
        this.terminal = DEADLINE_EXCEEDED;
        this.ctx.events(pod, "Normal", "DeadlineExceeded", DEADLINE_EXCEEDED.message);
      } else {
        this.wakeIn(startTime + deadline * 1000 - now);
      }
    }
    if (this.terminal || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") {
      this.prober.stop();
      await this.stopAll(pod.spec?.terminationGracePeriodSeconds ?? 30, "Stopping container");
      await this.writeStatus(new Map(), this.terminal ?? {});
      return;
    }

    await this.ctx.objects.use(pod);
    const volumes = await prepareVolumes(this.ctx.runtime.readsVolumes ? this.ctx.podsDir : undefined, pod, this.envContext(), this.ctx.tokens);
    if (volumes.error) {
      this.ctx.events(pod, "Warning", "FailedMount", volumes.error);
      this.wakeIn(START_RETRY_MS);
      await this.writeStatus(new Map());
      return;
    }
    // The volume is written again with a fresh token before the old one runs out.
    if (volumes.refreshAt !== undefined) this.wakeIn(volumes.refreshAt - this.ctx.clock.now());

    const actions = computePodActions({ pod, runs: this.runs, hasSandbox: this.sandbox !== undefined, probes: this.probeViews(), backoff: this.backoff, now, limits: this.ctx.backoffLimits });
    this.backoff = actions.backoff;
    for (const kill of actions.kill) {
      this.ctx.events(pod, "Normal", "Killing", kill.message, kill.name);
      await this.stopRun(kill.id, pod.spec?.terminationGracePeriodSeconds ?? 30);
    }
    if (actions.podFailed) this.terminal = {};
    if (actions.start.length && !this.sandbox) {
      this.sandbox = await this.ctx.runtime.createSandbox(sandboxSpec(pod));
    }
    for (const { container, init } of actions.start) {
      const started = await this.start(container);
      if (init && !started) break;
    }
    for (const name of actions.waiting.keys()) {
      this.ctx.events(pod, "Warning", "BackOff", `Back-off restarting failed container ${name} in pod ${podRef(pod)}`, name);
      this.startErrors.delete(name);
    }
    if (actions.wakeAt !== undefined) this.wakeIn(actions.wakeAt - now);
    else if (this.startErrors.size) this.wakeIn(START_RETRY_MS);
    this.syncProbes();
    await this.collectGarbage();
    await this.writeStatus(new Map([...this.startErrors, ...actions.waiting]), this.terminal);
  }

  private envContext(): EnvContext {
    return {
      pod: this.pod,
      objects: this.ctx.objects,
      addresses: { podIPs: this.sandbox ? [this.sandbox.ip] : [], hostIPs: [this.ctx.hostIP] },
      allocatable: this.ctx.allocatable(),
      serviceEnv: this.ctx.serviceEnv?.(this.pod),
    };
  }

  /** Starts one container; false (and a waiting reason in startErrors) when it could not. */
  private async start(container: Container): Promise<boolean> {
    const pod = this.pod;
    const sandbox = this.sandbox;
    if (!sandbox) return false;
    const fail = (reason: string, message: string): false => {
      this.startErrors.set(container.name, { reason, message });
      this.ctx.events(pod, "Warning", "Failed", `Error: ${message}`, container.name);
      return false;
    };
    const env = containerEnv(container, this.envContext());
    if (!env.ok) return fail("CreateContainerConfigError", env.message);
    const attempt = (runsOf(this.runs, container.name)[0]?.attempt ?? -1) + 1;
    const built = containerSpec({ pod, container, attempt, env: env.env, volumeDir: (name) => volumeDir(this.ctx.podsDir, this.uid, name) });
    if (!built.ok) return fail("CreateContainerConfigError", built.message);
    const spec = built.spec;
    const now = this.ctx.clock.now();
    const pull = this.pullBackoff.get(spec.image);
    if (pull && inBackoff(pull.entry, pull.failedAt, now)) {
      this.startErrors.set(container.name, { reason: "ImagePullBackOff", message: `Back-off pulling image "${spec.image}"` });
      return false;
    }
    try {
      await this.ctx.runtime.ensureImage(spec.image, spec.imagePullPolicy);
      this.pullBackoff.delete(spec.image);
      const started = await this.ctx.runtime.startContainer(sandbox, spec);
      const run: ContainerRun = { id: started.id, name: container.name, attempt, state: started.state, imageID: started.imageID };
      this.runs.push(run);
      this.startErrors.delete(container.name);
      this.ctx.events(pod, "Normal", "Created", `Created container ${container.name}`, container.name);
      this.ctx.events(pod, "Normal", "Started", `Started container ${container.name}`, container.name);
      this.watchExit(run);
      return true;
    } catch (err) {
      if (!(err instanceof RuntimeError)) throw err;
      if (err.reason === "ErrImagePull" || err.reason === "ErrImageNeverPull" || err.reason === "InvalidImageName") {
        this.pullBackoff.set(spec.image, { entry: advance(pull?.entry, now, now, this.ctx.backoffLimits), failedAt: now });
      }
      return fail(err.reason === "NotFound" ? "CreateContainerError" : err.reason, err.message);
    }
  }

  /** Follows a running attempt until it exits, then syncs the pod. */
  private watchExit(run: ContainerRun): void {
    this.ctx.runtime
      .waitExit(run.id)
      .then(async (state) => {
        run.state = state.state === "exited" && state.exitCode !== 0 && !state.message ? { ...state, message: await this.fallbackMessage(run) } : state;
        if (run.state.state === "exited" && !run.state.message) delete run.state.message;
        this.kick();
      })
      .catch((err: unknown) => this.ctx.log("debug", `waiting for container ${run.id}: ${errorText(err)}`));
  }

  /** terminationMessagePolicy FallbackToLogsOnError: the log's last lines stand in for the message. */
  private async fallbackMessage(run: ContainerRun): Promise<string | undefined> {
    const container = [...(this.pod.spec?.initContainers ?? []), ...(this.pod.spec?.containers ?? [])].find((c) => c.name === run.name);
    if (container?.terminationMessagePolicy !== "FallbackToLogsOnError") return undefined;
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.ctx.runtime.logs(run.id, { follow: false, tailLines: 80, limitBytes: 2048, timestamps: false })) chunks.push(chunk);
    return Buffer.concat(chunks).toString("utf8") || undefined;
  }

  private probeViews(): Map<string, ProbeView> {
    const views = new Map<string, ProbeView>();
    for (const run of this.runs) {
      const view = this.prober.view(run.id);
      if (view) views.set(run.id, view);
    }
    return views;
  }

  private syncProbes(): void {
    const containers = [...(this.pod.spec?.initContainers ?? []), ...(this.pod.spec?.containers ?? [])];
    const known = [...(this.pod.status?.initContainerStatuses ?? []), ...(this.pod.status?.containerStatuses ?? [])];
    const running = containers.flatMap((container) => {
      const run = runsOf(this.runs, container.name)[0];
      if (run?.state.state !== "running") return [];
      const api = known.find((s) => s.name === container.name && s.containerID?.endsWith(`://${run.id}`));
      return [{ run, container, known: api ? { ready: api.ready, started: api.started ?? false } : undefined }];
    });
    this.prober.sync(running, this.sandbox?.ip ?? "");
  }

  private async stopRun(id: string, graceSeconds: number): Promise<void> {
    await this.ctx.runtime.stopContainer(id, graceSeconds).catch((err: unknown) => this.ctx.log("warn", `stopping container ${id}: ${errorText(err)}`));
    const run = this.runs.find((r) => r.id === id);
    if (run) run.state = await this.ctx.runtime.inspect(id).catch(() => run.state);
  }

  private async stopAll(graceSeconds: number, message: string): Promise<void> {
    const running = this.runs.filter((r) => r.state.state === "running");
    for (const run of running) this.ctx.events(this.pod, "Normal", "Killing", `${message} ${run.name}`, run.name);
    await Promise.all(running.map((r) => this.stopRun(r.id, graceSeconds)));
  }

  /** Keeps the newest runs of each container; older exited ones are removed from the runtime. */
  private async collectGarbage(): Promise<void> {
    const names = new Set(this.runs.map((r) => r.name));
    for (const name of names) {
      for (const old of runsOf(this.runs, name).slice(KEPT_RUNS)) {
        if (old.state.state === "running") continue;
        await this.ctx.runtime.removeContainer(old.id).catch(() => undefined);
        this.runs = this.runs.filter((r) => r.id !== old.id);
      }
    }
  }

  private async writeStatus(waiting: Map<string, Waiting>, terminal?: { reason?: string; message?: string }): Promise<void> {
    const updated = await this.status.write({
      pod: this.pod,
      runs: this.runs,
      podIP: this.sandbox?.ip,
      hostIP: this.ctx.hostIP,
      probes: this.probeViews(),
      waiting,
      runtime: this.ctx.runtime.name,
      now: this.ctx.clock.now(),
      terminal,
    });
    if (updated) this.pod = updated;
  }

  /** Graceful deletion: stop everything within the grace period, report, then remove the pod object. */
  private async terminate(): Promise<void> {
    const pod = this.pod;
    this.stop();
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    await this.stopAll(grace, "Stopping container");
    if (this.deleteSent) return;
    await this.writeStatus(new Map(), this.terminal ?? {}).catch((err: unknown) => this.ctx.log("debug", `final status: ${errorText(err)}`));
    try {
      this.deleteSent = true;
      await deleteObject(this.ctx.client, PODS, { namespace: pod.metadata.namespace, name: pod.metadata.name }, { gracePeriodSeconds: 0, uid: this.uid });
    } catch (err) {
      // Gone already, or replaced by a new pod of the same name: nothing left to delete.
      if (isApiError(err, 404) || isApiError(err, 409)) return;
      this.deleteSent = false;
      throw err;
    }
  }

  /** The pod left the API: nothing of it may remain. */
  private async teardown(): Promise<void> {
    this.stop();
    const grace = Math.min(this.pod.metadata.deletionGracePeriodSeconds ?? FORCED_GRACE_SECONDS, FORCED_GRACE_SECONDS);
    await Promise.all(this.runs.filter((r) => r.state.state === "running").map((r) => this.stopRun(r.id, grace)));
    for (const run of this.runs) await this.ctx.runtime.removeContainer(run.id).catch(() => undefined);
    this.runs = [];
    if (this.sandbox) await this.ctx.runtime.removeSandbox(this.sandbox.id).catch(() => undefined);
    this.sandbox = undefined;
    await rm(join(this.ctx.podsDir, this.uid), { recursive: true, force: true });
    this.ctx.objects.release(this.uid);
    this.ctx.tokens?.release(this.uid);
    this.ctx.forget(this.uid);
  }
}
