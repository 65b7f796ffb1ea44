// What the agent learns about the machine it runs on: sizes for capacity, free space and memory
// for the pressure conditions, identity for nodeInfo, addresses. Read fresh at each status sync.
import { readFile, statfs } from "node:fs/promises";
import { arch, cpus, hostname, networkInterfaces, platform, release, totalmem, freemem } from "node:os";

export interface MachineFacts {
  hostname: string;
  cpus: number;
  memoryBytes: number;
  memoryAvailableBytes: number;
  /** The filesystem holding the agent's state (pod volumes, logs). */
  diskBytes: number;
  diskAvailableBytes: number;
  /** GOOS / GOARCH names, as Kubernetes labels and nodeInfo use them. */
  os: string;
  arch: string;
  kernelVersion: string;
  osImage: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
  /** Process ids in use and the limit, for PIDPressure. */
  pids?: { used: number; max: number };
}

const GOARCH: Record<string, string> = { x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    return undefined;
  }
}

async function osImage(): Promise<string> {
  const text = (await readTrimmed("/etc/os-release")) ?? "";
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return pretty?.[1] ?? `${platform()} ${release()}`;
}

/** MemAvailable (what can be had without swapping), which os.freemem() is not. */
async function memoryAvailable(): Promise<number> {
  const meminfo = (await readTrimmed("/proc/meminfo")) ?? "";
  const match = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  return match ? Number(match[1]) * 1024 : freemem();
}

async function pidUsage(): Promise<MachineFacts["pids"]> {
  const max = Number(await readTrimmed("/proc/sys/kernel/pid_max"));
  const loadavg = await readTrimmed("/proc/loadavg");
  // The fourth field of /proc/loadavg is "running/total" scheduling entities.
  const total = Number(loadavg?.split(" ")[3]?.split("/")[1]);
  return Number.isFinite(max) && Number.isFinite(total) && max > 0 ? { used: total, max } : undefined;
}

export async function readMachine(stateDir: string): Promise<MachineFacts> {
  const fs = await statfs(stateDir);
  const machineID = (await readTrimmed("/etc/machine-id")) ?? hostname();
  return {
    hostname: hostname().toLowerCase(),
    cpus: cpus().length,
    memoryBytes: totalmem(),
    memoryAvailableBytes: await memoryAvailable(),
    diskBytes: fs.blocks * fs.bsize,
    diskAvailableBytes: fs.bavail * fs.bsize,
    os: platform(),
    arch: GOARCH[arch()] ?? arch(),
    kernelVersion: release(),
    osImage: await osImage(),
    machineID,
    systemUUID: (await readTrimmed("/sys/class/dmi/id/product_uuid")) ?? machineID,
    bootID: (await readTrimmed("/proc/sys/kernel/random/boot_id")) ?? "",
    pids: await pidUsage(),
  };
}

/** The first non-internal IPv4 address, else loopback: the node's InternalIP unless told otherwise. */
export function detectInternalIP(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}
