import { describe, expect, it } from "vitest";
import { milliValue, podRequests, value } from "../../../src/scheduler/resources";

describe("quantities", () => {
  it("rounds cpu up to whole millicores as MilliValue does", () => {
    expect(milliValue("100m")).toBe(100);
    expect(milliValue("0.1")).toBe(100);
    expect(milliValue("1.5")).toBe(1500);
    expect(milliValue("1n")).toBe(1);
    expect(milliValue(2)).toBe(2000);
    expect(milliValue("bogus")).toBe(0);
  });

  it("rounds other resources up to whole units as Value does", () => {
    expect(value("1Gi")).toBe(1073741824);
    expect(value("128Mi")).toBe(134217728);
    expect(value("100M")).toBe(100_000_000);
    expect(value("100m")).toBe(1);
    expect(value("110")).toBe(110);
  });
});

describe("podRequests", () => {
  it("sums app containers and applies the 100m / 200Mi defaults only to the non-zero figures", () => {
    const r = podRequests({
      containers: [{ resources: { requests: { cpu: "250m", memory: "64Mi" } } }, { resources: {} }, { resources: { requests: { cpu: "0" } } }],
    });
    expect(r.milliCpu).toBe(250);
    expect(r.memory).toBe(64 * 2 ** 20);
    // The second container gets both defaults; the third set cpu to 0 explicitly, so only memory.
    expect(r.nonZeroMilliCpu).toBe(250 + 100 + 0);
    expect(r.nonZeroMemory).toBe(64 * 2 ** 20 + 2 * 200 * 2 ** 20);
  });

  it("takes the larger of the app containers and each init container", () => {
    const r = podRequests({
      containers: [{ resources: { requests: { cpu: "100m", memory: "1Gi" } } }],
      initContainers: [{ resources: { requests: { cpu: "2", memory: "100Mi" } } }, { resources: { requests: { cpu: "500m" } } }],
    });
    expect(r.milliCpu).toBe(2000);
    expect(r.memory).toBe(2 ** 30);
  });

  it("adds sidecars to the app containers and to the init containers after them", () => {
    const r = podRequests({
      containers: [{ resources: { requests: { cpu: "100m" } } }],
      initContainers: [
        { restartPolicy: "Always", resources: { requests: { cpu: "200m" } } },
        { resources: { requests: { cpu: "1" } } },
      ],
    });
    // App phase: 100m + sidecar 200m = 300m; the regular init container runs with the sidecar: 1200m.
    expect(r.milliCpu).toBe(1200);
  });

  it("adds overhead and keeps extended resources", () => {
    const r = podRequests({
      containers: [{ resources: { requests: { cpu: "1", "example.com/gpu": "2" } } }],
      overhead: { cpu: "250m", memory: "120Mi" },
    });
    expect(r.milliCpu).toBe(1250);
    expect(r.memory).toBe(120 * 2 ** 20);
    expect(r.scalar.get("example.com/gpu")).toBe(2);
  });
});
