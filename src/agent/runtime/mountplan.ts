// How the process runtime shows a container its volumes at the paths the pod spec names
// (/etc/config, /data...) without a container image: the container runs in a private mount
// namespace (unshare, as root) and a short shell prelude bind-mounts each volume onto its path.
// A mount point that does not exist is made without touching the host's view of the
// filesystem where possible: its nearest existing ancestor gets a private overlay (writes land
// in the container's state directory) and the mount point is created inside it. Overlaying "/"
// or a directory with mounts below it would hide those mounts, so there the empty mount point
// is created on the host instead (the only trace a container leaves outside its state).
// This module only plans, as shell lines; it does not touch the filesystem.

export interface PlannedMount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface PlanContext {
  /** "dir", "file", or undefined when nothing is at the path (on the host, before any mount). */
  kind(path: string): "dir" | "file" | undefined;
  /** Whether mounts exist strictly below `path` (overlaying it would hide them). */
  hasMountsBelow(path: string): boolean;
  /** A directory for the overlays' upper and work directories. */
  overlayDir: string;
}

/** Single-quoted for sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function normalize(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return "/" + parts.join("/");
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** Shell lines that mount every volume; parents before children. */
export function mountScript(mounts: PlannedMount[], ctx: PlanContext): string[] {
  const lines: string[] = [];
  // Paths the script itself creates or mounts onto, so later steps see them as existing.
  const made = new Map<string, "dir" | "file">();
  const overlaid = new Set<string>();
  const kind = (p: string) => made.get(p) ?? ctx.kind(p);
  const sorted = [...mounts].map((m) => ({ ...m, containerPath: normalize(m.containerPath) })).sort((a, b) => a.containerPath.split("/").length - b.containerPath.split("/").length);
  for (const m of sorted) {
    const target = m.containerPath;
    const want = ctx.kind(m.hostPath) === "file" ? "file" : "dir";
    if (!kind(target)) {
      let ancestor = parentOf(target);
      while (ancestor !== "/" && !kind(ancestor)) ancestor = parentOf(ancestor);
      const insideMount = [...made.keys()].some((p) => ancestor === p || ancestor.startsWith(p + "/"));
      if (ancestor !== "/" && !insideMount && !overlaid.has(ancestor) && !ctx.hasMountsBelow(ancestor)) {
        const base = `${ctx.overlayDir}/${overlaid.size}`;
        lines.push(`mkdir -p ${shq(base + "/upper")} ${shq(base + "/work")}`);
        lines.push(`mount -t overlay overlay -o ${shq(`lowerdir=${ancestor},upperdir=${base}/upper,workdir=${base}/work`)} ${shq(ancestor)}`);
        overlaid.add(ancestor);
      }
      if (want === "file") lines.push(`mkdir -p ${shq(parentOf(target))} && touch ${shq(target)}`);
      else lines.push(`mkdir -p ${shq(target)}`);
    }
    lines.push(`mount --bind ${shq(m.hostPath)} ${shq(target)}`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${shq(target)}`);
    made.set(target, want);
  }
  return lines;
}

/**
 * Without a mount namespace (not root, no unshare) a container sees volumes through a
 * per-pod root instead: `<root>/etc/config` is a symlink to the volume, and every mount path
 * found at the start of a word in the command, args, env values and working directory is
 * rewritten to point there. Programs that build paths some other way will not find them.
 */
export function rewritePaths(text: string, mounts: PlannedMount[], root: string): string {
  let out = text;
  const byLength = [...mounts].map((m) => normalize(m.containerPath)).sort((a, b) => b.length - a.length);
  for (const path of byLength) {
    const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out.replace(new RegExp(`(^|[\\s=:"'])${escaped}(?=$|[/\\s:"'])`, "g"), (_m, lead: string) => `${lead}${root}${path}`);
  }
  return out;
}
