// Writing a projected volume so that readers never see half an update (the kubelet's
// AtomicWriter layout): the files live in a timestamped directory `..<time>`, `..data` is a
// symlink to it, and each top-level name in the volume is a symlink through `..data`. An update
// writes a new timestamped directory and swaps `..data` with one rename.
import { mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile, chmod, lstat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ProjectedFile } from "./volumes";

const DATA = "..data";
const DATA_TMP = "..data_tmp";

function safePath(path: string): boolean {
  return path !== "" && !path.startsWith("/") && !path.split("/").some((seg) => seg === ".." || seg === "" || seg.startsWith(".."));
}

async function readPayload(root: string, prefix = ""): Promise<Map<string, { data: Buffer; mode: number }>> {
  const out = new Map<string, { data: Buffer; mode: number }>();
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      for (const [k, v] of await readPayload(root, rel)) out.set(k, v);
    } else {
      const full = join(root, rel);
      out.set(rel, { data: await readFile(full), mode: (await stat(full)).mode & 0o777 });
    }
  }
  return out;
}

function samePayload(current: Map<string, { data: Buffer; mode: number }>, files: ProjectedFile[]): boolean {
  if (current.size !== files.length) return false;
  return files.every((f) => {
    const c = current.get(f.path);
    return c !== undefined && c.mode === f.mode && c.data.equals(f.data);
  });
}

async function currentTarget(dir: string): Promise<string | undefined> {
  try {
    return await readlink(join(dir, DATA));
  } catch {
    return undefined;
  }
}

function timestampName(now: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `..${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}.`;
}

/** Makes `dir` hold exactly `files`; false when it already did (nothing written). */
export async function writeAtomically(dir: string, files: ProjectedFile[]): Promise<boolean> {
  for (const f of files) if (!safePath(f.path)) throw new Error(`invalid path in volume: ${f.path}`);
  await mkdir(dir, { recursive: true });
  const old = await currentTarget(dir);
  // Unchanged content: no new directory, so a reader's inotify watch sees nothing either.
  if (old && samePayload(await readPayload(join(dir, old)).catch(() => new Map()), files)) return false;

  const fresh = await mkdtemp(join(dir, timestampName(new Date())));
  // mkdtemp honours the umask; volumes are readable by any user the container runs as.
  await chmod(fresh, 0o755);
  for (const f of files) {
    const full = join(fresh, f.path);
    await mkdir(dirname(full), { recursive: true, mode: 0o755 });
    await writeFile(full, f.data, { mode: f.mode });
    await chmod(full, f.mode);
  }
  await rm(join(dir, DATA_TMP), { force: true });
  await symlink(basename(fresh), join(dir, DATA_TMP));
  await rename(join(dir, DATA_TMP), join(dir, DATA));

  const visible = new Set(files.map((f) => f.path.split("/")[0]));
  for (const name of visible) {
    const link = join(dir, name);
    const existing = await lstat(link).catch(() => undefined);
    if (existing?.isSymbolicLink()) continue;
    if (existing) await rm(link, { recursive: true, force: true });
    await symlink(join(DATA, name), link);
  }
  // Names no longer in the volume, the previous payload, and leftovers of an interrupted update.
  for (const entry of await readdir(dir)) {
    if (visible.has(entry) || entry === DATA || entry === basename(fresh)) continue;
    await rm(join(dir, entry), { recursive: true, force: true });
  }
  return true;
}
