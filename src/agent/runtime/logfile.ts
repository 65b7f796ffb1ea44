// Container logs kept as plain files that the container's process writes directly (so its
// output survives an agent restart), with a side index of when the agent saw the file grow:
// lines "<end offset> <unix ms>", meaning every byte before the offset had been written by that
// time. That gives each line a timestamp for --timestamps and --since without putting the agent
// in the container's output path. A line's time is when the agent noticed it (within the
// watcher's latency; lines written while the agent was down get the time it came back).
import { watch, type FSWatcher } from "node:fs";
import { appendFile, open, readFile, stat } from "node:fs/promises";
import type { LogOptions } from "./types";

/** Watches a log file while its container runs and appends index entries as it grows. */
export class LogIndexer {
  private watcher?: FSWatcher;
  private timer?: ReturnType<typeof setInterval>;
  private indexed = -1;
  private busy = false;

  constructor(
    private readonly logPath: string,
    private readonly indexPath: string,
  ) {}

  async start(): Promise<void> {
    this.indexed = await lastIndexedOffset(this.indexPath);
    try {
      this.watcher = watch(this.logPath, () => void this.check());
      this.watcher.on("error", () => this.watcher?.close());
    } catch {
      // No inotify (or the file went away): the poll below still catches growth.
    }
    // inotify can miss events on some filesystems; a slow poll is the safety net.
    this.timer = setInterval(() => void this.check(), 1000);
    this.timer.unref();
    await this.check();
  }

  /** Records growth up to now; called on every change and once more when the container exits. */
  async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const size = (await stat(this.logPath)).size;
      if (size > this.indexed) {
        await appendFile(this.indexPath, `${size} ${Date.now()}\n`);
        this.indexed = size;
      }
    } catch {
      // The container was removed meanwhile.
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    this.watcher?.close();
    clearInterval(this.timer);
  }
}

async function lastIndexedOffset(indexPath: string): Promise<number> {
  const entries = await readIndex(indexPath);
  return entries.length ? entries[entries.length - 1][0] : -1;
}

export async function readIndex(indexPath: string): Promise<[number, number][]> {
  const text = await readFile(indexPath, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ").map(Number) as [number, number]);
}

/** Index lookups for lines in order: the first entry whose end offset passes the line's start. */
export function timeOfOffset(index: [number, number][], offset: number, fallback: number): number {
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid][0] > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo < index.length ? index[lo][1] : fallback;
}

/** RFC 3339 with nanoseconds, as the kubelet prefixes lines with --timestamps. */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000000Z`;
}

export interface LogLine {
  offset: number;
  /** The line with its newline (the last line of a running container may lack one). */
  bytes: Buffer;
}

export function splitLines(data: Buffer, base: number): LogLine[] {
  const lines: LogLine[] = [];
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0x0a) continue;
    lines.push({ offset: base + start, bytes: data.subarray(start, i + 1) });
    start = i + 1;
  }
  if (start < data.length) lines.push({ offset: base + start, bytes: data.subarray(start) });
  return lines;
}

/** Which of the lines to send first: since a time, then the last N. */
export function selectLines(lines: LogLine[], index: [number, number][], options: Pick<LogOptions, "tailLines" | "sinceSeconds" | "sinceTime">, now: number): LogLine[] {
  let selected = lines;
  const since = options.sinceTime ? Date.parse(options.sinceTime) : options.sinceSeconds !== undefined ? now - options.sinceSeconds * 1000 : undefined;
  if (since !== undefined) selected = selected.filter((l) => timeOfOffset(index, l.offset, now) >= since);
  if (options.tailLines !== undefined) selected = options.tailLines === 0 ? [] : selected.slice(-options.tailLines);
  return selected;
}

export function formatLine(line: LogLine, index: [number, number][], timestamps: boolean, now: number): Buffer {
  return timestamps ? Buffer.concat([Buffer.from(rfc3339Nano(timeOfOffset(index, line.offset, now)) + " "), line.bytes]) : line.bytes;
}

export interface FollowSource {
  logPath: string;
  indexPath: string;
  /** Resolves when the writer is done (the container exited). */
  exited: Promise<unknown>;
}

const FOLLOW_POLL_MS = 250;

/** A container's log as kubectl logs reads it: selected lines, then (follow) new output until the container exits. */
export async function* readLog(source: FollowSource, options: LogOptions): AsyncIterable<Uint8Array> {
  let budget = options.limitBytes ?? Infinity;
  const emit = (chunk: Buffer): Buffer | undefined => {
    if (budget <= 0) return undefined;
    const out = chunk.length > budget ? chunk.subarray(0, budget) : chunk;
    budget -= out.length;
    return out;
  };
  const data = await readFile(source.logPath).catch(() => Buffer.alloc(0));
  let index = await readIndex(source.indexPath);
  const now = Date.now();
  // An unterminated last line may still grow: while following, hold it back until it ends.
  const complete = options.follow && data.length && data[data.length - 1] !== 0x0a ? data.subarray(0, data.lastIndexOf(0x0a) + 1) : data;
  for (const line of selectLines(splitLines(complete, 0), index, options, now)) {
    const out = emit(formatLine(line, index, options.timestamps, now));
    if (!out) return;
    yield out;
  }
  if (!options.follow) return;
  let position = complete.length;
  let done = false;
  void source.exited.then(() => (done = true));
  const handle = await open(source.logPath, "r").catch(() => undefined);
  if (!handle) return;
  try {
    while (!options.signal?.aborted) {
      const finished = done;
      const { size } = await handle.stat();
      if (size > position) {
        const chunk = Buffer.alloc(size - position);
        await handle.read(chunk, 0, chunk.length, position);
        const end = finished ? chunk.length : chunk.lastIndexOf(0x0a) + 1;
        if (end > 0) {
          index = await readIndex(source.indexPath);
          for (const line of splitLines(chunk.subarray(0, end), position)) {
            const out = emit(formatLine(line, index, options.timestamps, Date.now()));
            if (!out) return;
            yield out;
          }
          position += end;
        }
      }
      if (finished && position >= size) return;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    }
  } finally {
    await handle.close();
  }
}
