// `edgeplane token`: bootstrap tokens for joining nodes, as `kubeadm token` manages them.
//   edgeplane token create [--ttl 24h] [--description text]   prints the token (shown once)
//   edgeplane token list                                       issued tokens and node credentials
//   edgeplane token revoke <id>
import { parseArgs } from "node:util";
import { callApi, connect, expectOk, parseDuration } from "./apiclient";

export const TOKEN_USAGE = `Usage: edgeplane token create [--ttl 24h] [--description TEXT] | list | revoke ID  [--kubeconfig PATH]

  create   a bootstrap token a node trades for its credential (default TTL 24h, 0: never expires)
  list     tokens the server issued (bootstrap tokens and node credentials), never their secrets
  revoke   delete a token by id; the next request with it gets 401`;

interface TokenRecord {
  id: string;
  kind: string;
  username: string;
  description: string;
  createdAt: number;
  expiresAt: number | null;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("   ").trimEnd()).join("\n");
}

export function formatTokens(items: TokenRecord[], now: number): string {
  const ttl = (t: TokenRecord) => (t.expiresAt === null ? "<forever>" : t.expiresAt <= now ? "<expired>" : `${Math.ceil((t.expiresAt - now) / 3_600_000)}h`);
  const rows = items.map((t) => [t.id, t.kind, ttl(t), t.expiresAt === null ? "<never>" : new Date(t.expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"), t.username, t.description || "<none>"]);
  return table([["TOKEN ID", "KIND", "TTL", "EXPIRES", "USER", "DESCRIPTION"], ...rows]);
}

export async function tokenCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ttl: { type: "string", default: "24h" }, description: { type: "string", default: "" }, kubeconfig: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const [action, id] = positionals;
  if (values.help || !action) {
    console.log(TOKEN_USAGE);
    return values.help ? 0 : 2;
  }
  const conn = await connect(values.kubeconfig);
  switch (action) {
    case "create": {
      const created = await expectOk<{ token: string }>(callApi(conn, "POST", "/admin/tokens", { ttlSeconds: parseDuration(values.ttl), description: values.description }));
      console.log(created.token);
      return 0;
    }
    case "list": {
      const listed = await expectOk<{ items: TokenRecord[] }>(callApi(conn, "GET", "/admin/tokens"));
      console.log(formatTokens(listed.items, Date.now()));
      return 0;
    }
    case "revoke":
    case "delete": {
      if (!id) throw new Error("token revoke needs the token id (edgeplane token list shows them)");
      await expectOk(callApi(conn, "DELETE", `/admin/tokens/${encodeURIComponent(id.split(".")[0])}`));
      console.log(`token "${id.split(".")[0]}" revoked`);
      return 0;
    }
  }
  console.error(`edgeplane token: unknown action "${action}"\n\n${TOKEN_USAGE}`);
  return 2;
}
