// The agent's ConfigMap/Secret cache against a stand-in API: one list and watch per referenced
// object, by name in the pod's namespace (what the Node authorizer lets a node make), started by
// the first pod that references the object and stopped when the last one goes.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClient } from "../../../src/agent/kube/client";
import { ObjectCache } from "../../../src/agent/pods/objects";
import { container, pod } from "./fixtures";

const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "ns", resourceVersion: "3" }, data: { password: "cHc=" } };

describe("ObjectCache", () => {
  let server: Server;
  const lists: string[] = [];
  const open = new Set<string>();

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const url = new URL(req.url ?? "", "http://x");
      const what = `${url.pathname}?${url.searchParams.get("fieldSelector")}`;
      res.writeHead(200, { "content-type": "application/json" });
      if (url.searchParams.get("watch")) {
        open.add(what);
        res.write("");
        req.on("close", () => open.delete(what));
        return;
      }
      lists.push(what);
      const items = url.pathname.endsWith("/secrets") && url.searchParams.get("fieldSelector") === "metadata.name=db" ? [secret] : [];
      res.end(JSON.stringify({ kind: "List", metadata: { resourceVersion: "5" }, items }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(check()).toBe(true);
  };

  it("watches each referenced object by name while some pod uses it", async () => {
    const client = new KubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, insecureSkipTlsVerify: false, namespace: "default" });
    const abort = new AbortController();
    const cache = new ObjectCache(client, () => undefined, abort.signal);
    const env = [{ name: "PW", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }];
    const a = pod({ containers: [container("app", { env })], volumes: [{ name: "cfg", configMap: { name: "settings" } }] }, { uid: "a" });
    const b = pod({ containers: [container("app", { env })] }, { uid: "b" });
    try {
      await cache.use(a);
      expect(lists.sort()).toEqual(["/api/v1/namespaces/ns/configmaps?metadata.name=settings", "/api/v1/namespaces/ns/secrets?metadata.name=db"]);
      expect(cache.secret("ns", "db")?.data).toEqual({ password: "cHc=" });
      expect(cache.configMap("ns", "settings")).toBeUndefined();
      await until(() => open.size === 2);

      // A second user of the secret shares its watch; the secret's watch outlives the first pod.
      await cache.use(b);
      expect(lists).toHaveLength(2);
      cache.release("a");
      await until(() => open.size === 1);
      expect([...open]).toEqual(["/api/v1/namespaces/ns/secrets?metadata.name=db"]);
      expect(cache.configMap("ns", "settings")).toBeUndefined();
      cache.release("b");
      await until(() => open.size === 0);
      expect(cache.secret("ns", "db")).toBeUndefined();
    } finally {
      abort.abort();
      client.close();
    }
  });
});
