import { describe, expect, it } from "vitest";
import { formatIPv4, ipAt, ipOffset, parseCidr, parseIPv4, parsePortRange, pickOffset, portOffset } from "../../../src/services/ranges";

describe("service ranges", () => {
  it("reads a CIDR as its usable addresses with Kubernetes' static band", () => {
    const r = parseCidr("10.96.0.0/12")!;
    // 2^20 addresses, less the network and broadcast ones; static band min(max(16, 2^20/16), 256).
    expect(r).toEqual({ first: parseIPv4("10.96.0.1"), size: 1048574, staticBand: 256, text: "10.96.0.0/12" });
    expect(ipAt(r, 0)).toBe("10.96.0.1");
    expect(ipAt(r, r.size - 1)).toBe("10.111.255.254");
    expect(ipOffset(r, "10.96.0.0")).toBeUndefined();
    expect(ipOffset(r, "10.111.255.255")).toBeUndefined();
    expect(ipOffset(r, "10.96.1.1")).toBe(256);
    expect(parseCidr("10.96.7.9/24")?.text).toBe("10.96.7.0/24");
    expect(parseCidr("192.168.0.0/28")?.staticBand).toBe(0);
    for (const bad of ["10.96.0.0", "10.96.0.0/33", "10.96.0.0/31", "fd00::/108", "10.300.0.0/16", "a/b"]) expect(parseCidr(bad)).toBeUndefined();
  });

  it("reads node port ranges", () => {
    const r = parsePortRange("30000-32767")!;
    // static band min(max(16, 2768/32), 128) = 86
    expect(r).toEqual({ base: 30000, size: 2768, staticBand: 86, text: "30000-32767" });
    expect(portOffset(r, 30000)).toBe(0);
    expect(portOffset(r, 32768)).toBeUndefined();
    expect(parsePortRange("8080")).toMatchObject({ base: 8080, size: 1 });
    for (const bad of ["0-10", "30000-29999", "1-70000", "x"]) expect(parsePortRange(bad)).toBeUndefined();
  });

  it("formats and parses addresses", () => {
    expect(formatIPv4(parseIPv4("255.0.10.1")!)).toBe("255.0.10.1");
    expect(parseIPv4("1.2.3")).toBeUndefined();
    expect(parseIPv4("1.2.3.256")).toBeUndefined();
  });

  it("picks above the static band first, then below it, and says when the range is full", () => {
    const r = { size: 10, staticBand: 4, text: "" };
    const taken = new Set<number>();
    const random = () => 0;
    const picks: (number | undefined)[] = [];
    for (let i = 0; i < 11; i++) {
      const o = pickOffset(r, (x) => taken.has(x), random);
      picks.push(o);
      if (o !== undefined) taken.add(o);
    }
    expect(picks).toEqual([4, 5, 6, 7, 8, 9, 0, 1, 2, 3, undefined]);
  });
});
