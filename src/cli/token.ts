// The admin bearer token of a local control plane. It is created once and kept in the state
// folder, so a restart keeps working kubeconfigs and clients.
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export async function ensureAdminToken(stateDir: string): Promise<string> {
  const path = join(stateDir, "admin-token");
  try {
    const saved = (await readFile(path, "utf8")).trim();
    if (saved) return saved;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const token = randomBytes(32).toString("hex");
  await writeFile(path, token + "\n", { mode: 0o600 });
  return token;
}
