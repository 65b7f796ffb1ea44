// The edgeplane command. One module per subcommand; this file only dispatches.
import { dev, DEV_USAGE } from "./dev";
import { auditCommand } from "./auditcmd";
import { secretsCommand } from "./secretscmd";
import { tokenCommand } from "./tokencmd";
import { joinCommand } from "./joincmd";
import { agentCommand } from "../agent/main";

const USAGE = `Usage: edgeplane <command> [options]

Commands:
  dev      run a local control plane and write a kubeconfig for kubectl
  agent    run a node agent against a control plane (edgeplane agent --help)
  token    bootstrap tokens for joining nodes: create --ttl, list, revoke
  join     trade a bootstrap token for a node's credential and kubeconfig
  secrets  reencrypt: seal every Secret under the current encryption key
  audit    the newest audit records

${DEV_USAGE}`;

const commands: Record<string, (argv: string[]) => Promise<number>> = { dev, agent: agentCommand, token: tokenCommand, join: joinCommand, secrets: secretsCommand, audit: auditCommand };

async function main(argv: string[]): Promise<number> {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 22) {
    // wrangler and Miniflare need Node 22; npm scripts and bin/edgeplane.mjs put the node@22
    // devDependency first on the PATH.
    console.error(`edgeplane needs Node 22 or newer (this is ${process.version}); run it through npm start or bin/edgeplane.mjs`);
    return 1;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`edgeplane: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(`edgeplane: ${(err as Error).message}`);
  process.exitCode = 1;
}
