// Choosing and building the runtime the agent was asked for.
import type { Pod } from "../apis/core/v1/pod";
import type { AgentArgs } from "./args";
import type { MachineFacts } from "./node/machine";
import { ProcessRuntime } from "./runtime/process";
import { SimulatedRuntime, behaviourFromAnnotations } from "./runtime/simulated";
import type { Runtime } from "./runtime/types";

export interface RuntimeContext {
  stateDir: string;
  hostIP: string;
  /** The pod a simulated container belongs to (its annotations drive its behaviour). */
  podByUid(uid: string): Pod | undefined;
}

export async function createRuntime(args: Pick<AgentArgs, "runtime" | "name"> & Partial<Pick<AgentArgs, "isolation" | "startDelayMs">>, ctx: RuntimeContext): Promise<Runtime> {
  switch (args.runtime) {
    case "podman": {
      // Loaded only when asked for: the other runtimes need nothing of Podman's.
      const { PodmanRuntime } = await import("./runtime/podman");
      return new PodmanRuntime({ nodeName: args.name, stateDir: ctx.stateDir });
    }
    case "process":
      return new ProcessRuntime({ stateDir: ctx.stateDir, nodeIP: ctx.hostIP, isolation: args.isolation });
    case "simulated":
      return new SimulatedRuntime({
        startDelayMs: args.startDelayMs ?? 0,
        behaviour: (labels) => behaviourFromAnnotations(ctx.podByUid(labels.podUid)?.metadata.annotations),
      });
  }
}

/** A simulated node's machine, sized like KWOK's default fake nodes. */
export function simulatedMachine(): MachineFacts {
  return {
    hostname: "simulated",
    cpus: 32,
    memoryBytes: 256 * 2 ** 30,
    memoryAvailableBytes: 256 * 2 ** 30,
    diskBytes: 1024 * 2 ** 30,
    diskAvailableBytes: 1024 * 2 ** 30,
    os: "linux",
    arch: "amd64",
    kernelVersion: "simulated",
    osImage: "edgeplane simulated node",
    machineID: "simulated",
    systemUUID: "simulated",
    bootID: "simulated",
  };
}
