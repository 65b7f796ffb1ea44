// Restart back-off, as the kubelet keeps it per container (flowcontrol.Backoff keyed by pod and
// container): a container that exits is restarted at once the first time; after that each
// restart waits, counted from when the container finished, 10 s, then 20 s, 40 s... up to 5 min.
// An entry not touched for twice the maximum (a container that ran 10 minutes) starts over.
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 5 * 60_000;

export interface BackoffEntry {
  /** Current wait. */
  backoffMs: number;
  /** When the entry was last advanced (the last restart). */
  lastUpdate: number;
}

export interface BackoffLimits {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_LIMITS: BackoffLimits = { initialMs: INITIAL_BACKOFF_MS, maxMs: MAX_BACKOFF_MS };

function expired(entry: BackoffEntry, eventTime: number, limits: BackoffLimits): boolean {
  return eventTime - entry.lastUpdate > 2 * limits.maxMs;
}

/** Whether a container that finished at `finishedAt` must still wait at `now`. */
export function inBackoff(entry: BackoffEntry | undefined, finishedAt: number, now: number, limits = DEFAULT_LIMITS): boolean {
  if (!entry || expired(entry, finishedAt, limits)) return false;
  return now - finishedAt < entry.backoffMs;
}

/** The entry after a restart at `now` of a container that finished at `finishedAt`. */
export function advance(entry: BackoffEntry | undefined, finishedAt: number, now: number, limits = DEFAULT_LIMITS): BackoffEntry {
  if (!entry || expired(entry, finishedAt, limits)) return { backoffMs: limits.initialMs, lastUpdate: now };
  return { backoffMs: Math.min(entry.backoffMs * 2, limits.maxMs), lastUpdate: now };
}

/** A duration as Go prints a time.Duration: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m${seconds % 60}s`;
}
