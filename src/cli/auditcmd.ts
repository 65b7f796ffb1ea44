// `edgeplane audit`: the newest audit records (who did what, with which outcome).
import { parseArgs } from "node:util";
import { callApi, connect, expectOk } from "./apiclient";

export const AUDIT_USAGE = `Usage: edgeplane audit [--limit 50] [--kubeconfig PATH]`;

interface AuditItem {
  time: number;
  username: string;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
  code: number;
}

export function formatAudit(items: AuditItem[]): string {
  const target = (i: AuditItem) => {
    if (!i.resource) return i.path;
    const r = [i.resource, i.subresource].filter(Boolean).join("/") + (i.apiGroup ? `.${i.apiGroup}` : "");
    return [r, i.namespace && `-n ${i.namespace}`, i.name].filter(Boolean).join(" ");
  };
  return items.map((i) => `${new Date(i.time).toISOString()}  ${i.code}  ${i.username || "<unauthenticated>"}  ${i.verb}  ${target(i)}`).join("\n");
}

export async function auditCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { limit: { type: "string", default: "50" }, kubeconfig: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    console.log(AUDIT_USAGE);
    return 0;
  }
  const conn = await connect(values.kubeconfig);
  const log = await expectOk<{ items: AuditItem[] }>(callApi(conn, "GET", `/admin/audit?limit=${encodeURIComponent(values.limit)}`));
  console.log(formatAudit(log.items));
  return 0;
}
