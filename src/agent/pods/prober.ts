// The probes of one pod: a loop per probe per running container attempt (ticking every
// periodSeconds, as the kubelet's probe workers do), whose state machine (probestate.ts) turns
// outcomes into results. The pod worker reads the results as ProbeViews and is told when one
// changes. Probing stops when the attempt stops being the running one.
import type { Container, Probe } from "../../apis/core/v1/container";
import type { Clock } from "../clock";
import type { ContainerRun, ProbeView } from "./model";
import type { ProbeExecutor } from "./probeexec";
import { initialState, record, shouldProbe, timings, type ProbeKind, type ProbeState, type ProbeTimings } from "./probestate";

const KINDS: { kind: ProbeKind; field: "livenessProbe" | "readinessProbe" | "startupProbe" }[] = [
  { kind: "startup", field: "startupProbe" },
  { kind: "liveness", field: "livenessProbe" },
  { kind: "readiness", field: "readinessProbe" },
];

interface Loop {
  kind: ProbeKind;
  probe: Probe;
  timings: ProbeTimings;
  state: ProbeState;
  timer?: ReturnType<typeof setTimeout>;
  stopped: boolean;
}

interface Attempt {
  run: ContainerRun;
  container: Container;
  startedAt: number;
  loops: Map<ProbeKind, Loop>;
  readyTimer?: ReturnType<typeof setTimeout>;
}

export interface ProberOptions {
  executor: ProbeExecutor;
  clock: Clock;
  /** Without a readiness probe, a running container turns ready this long after it started (simulated runtime). */
  readyDelayMs: number;
  /** A result changed: the pod needs a sync. */
  changed(): void;
  /** A probe failed (for an Unhealthy event). */
  failed?(container: string, kind: ProbeKind, message: string): void;
}

export class PodProber {
  private readonly attempts = new Map<string, Attempt>();
  private podIP = "";

  constructor(private readonly options: ProberOptions) {}

  /**
   * Probes exactly the running attempts given; others stop. `known` carries what the API last
   * showed for an attempt (an agent that restarted), so a ready container stays ready instead
   * of flapping to unready until its next probe.
   */
  sync(running: { run: ContainerRun; container: Container; known?: { ready: boolean; started: boolean } }[], podIP: string): void {
    this.podIP = podIP;
    const keep = new Set(running.map((r) => r.run.id));
    for (const [id, attempt] of this.attempts) if (!keep.has(id)) this.stopAttempt(id, attempt);
    for (const { run, container, known } of running) {
      if (this.attempts.has(run.id) || run.state.state !== "running") continue;
      const attempt: Attempt = { run, container, startedAt: Date.parse(run.state.startedAt), loops: new Map() };
      this.attempts.set(run.id, attempt);
      for (const { kind, field } of KINDS) {
        const probe = container[field];
        if (!probe) continue;
        const carried = (kind === "readiness" && known?.ready) || (kind === "startup" && known?.started);
        const state: ProbeState = carried ? { result: "success", run: 0, onHold: false } : initialState(kind);
        const loop: Loop = { kind, probe, timings: timings(probe), state, stopped: false };
        attempt.loops.set(kind, loop);
        this.schedule(attempt, loop, 0);
      }
      if (!container.readinessProbe && this.options.readyDelayMs > 0) {
        const wait = attempt.startedAt + this.options.readyDelayMs - this.options.clock.now();
        attempt.readyTimer = setTimeout(() => this.options.changed(), Math.max(0, wait));
      }
    }
  }

  /** What the pod worker needs to know about the attempt `id`. */
  view(id: string): ProbeView | undefined {
    const attempt = this.attempts.get(id);
    if (!attempt) return undefined;
    const startup = attempt.loops.get("startup");
    const liveness = attempt.loops.get("liveness");
    const readiness = attempt.loops.get("readiness");
    const started = !startup || startup.state.result === "success";
    const readyByDelay = this.options.clock.now() >= attempt.startedAt + this.options.readyDelayMs;
    const ready = started && (readiness ? readiness.state.result === "success" : readyByDelay);
    let failed: ProbeView["failed"];
    if (startup?.state.result === "failure") failed = { probe: "startup", message: `Container ${attempt.container.name} failed startup probe, will be restarted` };
    else if (liveness?.state.result === "failure") failed = { probe: "liveness", message: `Container ${attempt.container.name} failed liveness probe, will be restarted` };
    return { containerId: id, ready, started, failed };
  }

  stop(): void {
    for (const [id, attempt] of this.attempts) this.stopAttempt(id, attempt);
  }

  private stopAttempt(id: string, attempt: Attempt): void {
    clearTimeout(attempt.readyTimer);
    for (const loop of attempt.loops.values()) {
      loop.stopped = true;
      clearTimeout(loop.timer);
    }
    this.attempts.delete(id);
  }

  private schedule(attempt: Attempt, loop: Loop, delayMs: number): void {
    if (loop.stopped) return;
    loop.timer = setTimeout(() => void this.tick(attempt, loop), delayMs);
  }

  private async tick(attempt: Attempt, loop: Loop): Promise<void> {
    const now = this.options.clock.now();
    const started = this.view(attempt.run.id)?.started ?? false;
    if (shouldProbe(loop.state, { kind: loop.kind, timings: loop.timings, startedAt: attempt.startedAt, started, now })) {
      const outcome = await this.options.executor.run(loop.probe, { podIP: this.podIP, container: attempt.container, containerId: attempt.run.id }, loop.timings.timeoutMs);
      if (loop.stopped) return;
      const before = loop.state.result;
      loop.state = record(loop.state, loop.kind, outcome.success ? "success" : "failure", loop.timings);
      if (!outcome.success) this.options.failed?.(attempt.container.name, loop.kind, outcome.message);
      if (loop.state.result !== before) this.options.changed();
    } else if (now - attempt.startedAt < loop.timings.initialDelayMs) {
      // Still in the initial delay: look again when it ends rather than a full period later.
      this.schedule(attempt, loop, attempt.startedAt + loop.timings.initialDelayMs - now);
      return;
    }
    this.schedule(attempt, loop, loop.timings.periodMs);
  }
}
