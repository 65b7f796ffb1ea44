import { describe, expect, it } from "vitest";
import { parsePodProxyPath, podProxyPath } from "../../../src/services/podnetwork";

describe("the tunnel's pod path", () => {
  it("names scheme, address, port and the backend's path and query as sent", () => {
    const target = { scheme: "http" as const, ip: "10.88.0.7", port: 8080, pathAndQuery: "/a/../b%20c?x=1&y=%2F" };
    const path = podProxyPath(target);
    expect(path).toBe("/podProxy/http/10.88.0.7/8080/a/../b%20c?x=1&y=%2F");
    expect(parsePodProxyPath(path)).toEqual(target);
  });

  it("gives the root path when the backend's is empty, and takes IPv6 addresses", () => {
    expect(parsePodProxyPath("/podProxy/https/fd00::1/443")).toEqual({ scheme: "https", ip: "fd00::1", port: 443, pathAndQuery: "/" });
    expect(parsePodProxyPath("/podProxy/http/127.0.0.1/80?q")).toEqual({ scheme: "http", ip: "127.0.0.1", port: 80, pathAndQuery: "/?q" });
  });

  it("names nothing for other paths, schemes or ports", () => {
    for (const path of ["/podProxy/ftp/1.2.3.4/21/", "/podProxy/http/host.example/80/", "/podProxy/http/1.2.3.4/0/", "/podProxy/http/1.2.3.4/70000/", "/podProxy/http/1.2.3.4", "/pods"]) {
      expect(parsePodProxyPath(path), path).toBeUndefined();
    }
  });
});
