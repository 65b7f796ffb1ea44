// `edgeplane secrets reencrypt`: after a new key is put first in ENCRYPTION_KEYS, seal every
// stored Secret under it. The server works in bounded passes; this repeats them until nothing is
// left under another key, then says so (only then may the old key be dropped).
import { parseArgs } from "node:util";
import { callApi, connect, expectOk } from "./apiclient";

export const SECRETS_USAGE = `Usage: edgeplane secrets reencrypt [--kubeconfig PATH]

  Re-encrypts every stored Secret (objects and history) under the first key of ENCRYPTION_KEYS
  and reports how many rows remain under an older key (0 when done).`;

interface Report {
  rewritten: number;
  stale: number;
  currentKey: string;
}

export async function secretsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { kubeconfig: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help || positionals[0] !== "reencrypt") {
    console.log(SECRETS_USAGE);
    return values.help ? 0 : 2;
  }
  const conn = await connect(values.kubeconfig);
  let total = 0;
  for (;;) {
    const report = await expectOk<Report>(callApi(conn, "POST", "/admin/secrets/reencrypt"));
    total += report.rewritten;
    if (report.stale === 0 || report.rewritten === 0) {
      console.log(`re-encrypted ${total} rows under key "${report.currentKey}"; ${report.stale} remain under another key`);
      return report.stale === 0 ? 0 : 1;
    }
  }
}
