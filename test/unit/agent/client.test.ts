// The agent's API client keeps long-lived watches out of its bounded connection pool: with one
// watch per referenced object, a pool full of watches would leave every other request waiting.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { KubeClient } from "../../../src/agent/kube/client";

describe("KubeClient", () => {
  it("answers requests while watches hold more connections than the pool has", async () => {
    const held: ServerResponse[] = [];
    const server = createServer((req, res) => {
      if (req.url?.includes("watch=1")) {
        res.writeHead(200, { "content-type": "application/json" }).write("");
        held.push(res);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"kind":"Status"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = new KubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, insecureSkipTlsVerify: false, namespace: "default" }, { maxSockets: 2 });
    const abort = new AbortController();
    try {
      const watches = await Promise.all([1, 2, 3].map((i) => client.open(`/api/v1/namespaces/ns/secrets`, { query: { watch: 1, fieldSelector: `metadata.name=s${i}` }, signal: abort.signal, longLived: true })));
      expect(watches).toHaveLength(3);
      expect(await client.request("/api/v1/namespaces/ns/pods/p", { timeoutMs: 2_000 })).toEqual({ kind: "Status" });
    } finally {
      abort.abort();
      for (const res of held) res.destroy();
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
