// The agent's log: one line per event to stderr, with a level and the node when there is one.
export type Level = "debug" | "info" | "warn" | "error";

export type Logger = (level: Level, message: string) => void;

const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function stderrLogger(minimum: Level = "info"): Logger {
  return (level, message) => {
    if (ORDER[level] < ORDER[minimum]) return;
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
  };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
