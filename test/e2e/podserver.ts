// The pod the Services end-to-end tests run on the process runtime: a small Node HTTP server.
// "/" answers the pod's name; "/ready" is its readiness probe, 503 after "/unready" until
// "/ready-again"; "/echo..." repeats the request (method, path and query, body); "/env?prefix=P"
// answers the environment variables whose names start with P (the Service env vars); a WebSocket
// answers each short text message with "{pod}:{message}".

const SERVER = `
const http = require("http");
const crypto = require("crypto");
let ready = true;
const server = http.createServer((req, res) => {
  if (req.url === "/ready") { res.statusCode = ready ? 200 : 503; return res.end(); }
  if (req.url === "/unready") { ready = false; return res.end("ok"); }
  if (req.url === "/ready-again") { ready = true; return res.end("ok"); }
  if (req.url.startsWith("/env?prefix=")) { const prefix = req.url.slice(12); return res.end(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith(prefix))))); }
  if (req.url.startsWith("/echo")) { let body = ""; req.on("data", (c) => body += c); return req.on("end", () => res.end(req.method + " " + req.url + " " + body)); }
  res.end(process.env.POD_NAME);
});
server.on("upgrade", (req, socket) => {
  const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  socket.write("HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: " + accept + "\\r\\n\\r\\n");
  socket.on("data", (buf) => {
    const len = buf[1] & 127, mask = buf.subarray(2, 6);
    const text = Buffer.from(buf.subarray(6, 6 + len).map((b, i) => b ^ mask[i % 4])).toString();
    const reply = Buffer.from(process.env.POD_NAME + ":" + text);
    socket.write(Buffer.concat([Buffer.from([0x81, reply.length]), reply]));
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1");
`;

/**
 * The spec of a server pod on `node`. Process pods share the host's network: each listens on a
 * port of its own (`port`, named "http", which Services reach through a named targetPort).
 * `readiness` adds to the probe (every second on "/ready").
 */
export function serverPodSpec(node: string, port: number, readiness: { failureThreshold?: number } = {}) {
  return {
    nodeName: node,
    containers: [
      {
        name: "server",
        image: "node",
        command: ["node", "-e", SERVER],
        env: [
          { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "PORT", value: String(port) },
        ],
        ports: [{ name: "http", containerPort: port }],
        readinessProbe: { httpGet: { path: "/ready", port }, periodSeconds: 1, ...readiness },
      },
    ],
  };
}
