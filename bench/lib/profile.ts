// CPU profiles of workerd's isolates through its DevTools inspector, for `bench:api --profile`:
// where a request's CPU goes, in the API Worker's isolate and in the D1 simulator's. Samples of
// the bundle are mapped back to their source files with the bundle's source map, and grouped by
// source (a src/ file, or a package under node_modules).
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { SourceMap, type SourceMapping, type SourceMapPayload } from "node:module";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One inspector session (one isolate): Chrome DevTools Protocol over workerd's WebSocket. */
class Session {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!waiter || msg.id === undefined) return;
      this.pending.delete(msg.id);
      if (msg.error) waiter.reject(new Error(msg.error.message));
      else waiter.resolve(msg.result);
    });
  }

  static open(url: string): Promise<Session> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener("open", () => resolve(new Session(ws)), { once: true });
      ws.addEventListener("error", () => reject(new Error(`cannot open the inspector at ${url}`)), { once: true });
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

export interface Recording {
  /** Stops every profiler and returns each isolate's profile by inspector target id. */
  stop(): Promise<Map<string, CpuProfile>>;
}

/** Starts sampling (every 100 µs) in each of the named isolates; `targets` are inspector ids such as "core:user:bench". */
export async function record(inspectorPort: number, targets: string[]): Promise<Recording> {
  const sessions = new Map<string, Session>();
  for (const target of targets) {
    const session = await Session.open(`ws://127.0.0.1:${inspectorPort}/${target}`);
    sessions.set(target, session);
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 100 });
  }
  for (const session of sessions.values()) await session.send("Profiler.start");
  return {
    async stop() {
      const profiles = new Map<string, CpuProfile>();
      for (const [target, session] of sessions) {
        profiles.set(target, (await session.send<{ profile: CpuProfile }>("Profiler.stop")).profile);
        session.close();
      }
      return profiles;
    },
  };
}

export interface Breakdown {
  wallMs: number;
  /**
   * Time in this isolate's code and the native calls it made. workerd runs every isolate on one
   * thread and V8 books time the thread spent elsewhere (other isolates, I/O, the runtime) to
   * "(program)" or to a nameless native frame under the root: those are left out, so isolates'
   * figures add up.
   */
  attributedMs: number;
  /** Self time in ms by source (src/ file, package, or V8's own: GC, program). */
  bySource: [string, number][];
  /** Self time in ms by function, with its source. */
  byFunction: [string, number][];
}

function packageOf(source: string): string {
  const nm = source.lastIndexOf("node_modules/");
  if (nm < 0) return source.replace(/^.*?\/(src\/)/, "$1").replace(/^(\.\.\/)+/, "");
  const rest = source.slice(nm + "node_modules/".length).split("/");
  return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
}

/** Reads a bundle's source map (`<bundle>.map`), for mapping samples in it back to source files. */
export async function loadBundleMap(bundlePath: string): Promise<BundleMap | undefined> {
  const raw = await readFile(`${bundlePath}.map`, "utf8").catch(() => undefined);
  return raw ? { url: basename(bundlePath), map: new SourceMap(JSON.parse(raw) as SourceMapPayload) } : undefined;
}

/** findEntry answers {} where the map has nothing. */
function mapping(entry: SourceMapping | object): SourceMapping | undefined {
  return "originalSource" in entry ? (entry as SourceMapping) : undefined;
}

/** A frame's name for the report: native frames without a name are named after their caller. */
function frameName(node: ProfileNode, parent: ProfileNode | undefined): string {
  const { functionName, url } = node.callFrame;
  if (functionName || url) return functionName || "(anonymous)";
  return `(native, called by ${parent?.callFrame.functionName || "(anonymous)"})`;
}

export interface BundleMap {
  /** The bundle's URL as workerd names it in profiles ("worker.js"). */
  url: string;
  map: SourceMap;
}

export function breakdown(profile: CpuProfile, bundle?: BundleMap): Breakdown {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const bySource = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const add = (m: Map<string, number>, key: string, us: number) => m.set(key, (m.get(key) ?? 0) + us);
  let attributed = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (functionName === "(idle)" || functionName === "(program)" || (!functionName && !url && parentOf.get(id)?.callFrame.functionName === "(root)")) continue;
    attributed += us;
    const mapped = bundle && url === bundle.url ? mapping(bundle.map.findEntry(lineNumber, columnNumber)) : undefined;
    const source = mapped ? packageOf(mapped.originalSource) : url ? `(${url})` : "(V8 and native)";
    add(bySource, source, us);
    add(byFunction, `${frameName(node, parentOf.get(id))} ${mapped ? `${source}:${mapped.originalLine + 1}` : source}`, us);
  }
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  const ranked = (m: Map<string, number>) => [...m].map(([k, us]): [string, number] => [k, us / 1000]).sort((a, b) => b[1] - a[1]);
  return { wallMs, attributedMs: attributed / 1000, bySource: ranked(bySource), byFunction: ranked(byFunction) };
}

/**
 * Total time (self and callees) by function, for the functions of the bundle's own sources
 * (src/): where a request's time goes by operation, which self time, spread over D1's and V8's
 * internals, does not show. A recursive function counts each sample once.
 */
export function inclusive(profile: CpuProfile, bundle: BundleMap): [string, number][] {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const keyOf = new Map<number, string | undefined>();
  const key = (node: ProfileNode): string | undefined => {
    if (keyOf.has(node.id)) return keyOf.get(node.id);
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const mapped = url === bundle.url ? mapping(bundle.map.findEntry(lineNumber, columnNumber)) : undefined;
    const source = mapped ? packageOf(mapped.originalSource) : undefined;
    const k = source?.startsWith("src/") && mapped ? `${functionName || "(anonymous)"} ${source}:${mapped.originalLine + 1}` : undefined;
    keyOf.set(node.id, k);
    return k;
  };
  const total = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === "(idle)" || node.callFrame.functionName === "(program)") continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const n = byId.get(at);
      const k = n ? key(n) : undefined;
      if (k && !seen.has(k)) {
        seen.add(k);
        total.set(k, (total.get(k) ?? 0) + us);
      }
    }
  }
  return [...total].map(([k, us]): [string, number] => [k, us / 1000]).sort((a, b) => b[1] - a[1]);
}

export async function saveProfile(path: string, profile: CpuProfile): Promise<void> {
  await writeFile(path, JSON.stringify(profile));
}
