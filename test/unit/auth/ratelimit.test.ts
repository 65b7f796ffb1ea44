import { describe, expect, it } from "vitest";
import { lease, leaseSize, LeaseCache, type Bucket, type Lease } from "../../../src/auth/ratelimit";

const limits = { qps: 50, burst: 200 };

describe("lease (the identity's bucket)", () => {
  it("grants up to the burst, then refills at qps, and says when to ask again", () => {
    const bucket: Bucket = { tokens: 200, at: 0 };
    expect(lease(bucket, 150, limits, 0)).toEqual({ granted: 150, retryAfterSeconds: 0 });
    expect(lease(bucket, 100, limits, 0)).toEqual({ granted: 50, retryAfterSeconds: 0 });
    expect(lease(bucket, 10, limits, 0)).toEqual({ granted: 0, retryAfterSeconds: 1 });
    expect(lease(bucket, 10, limits, 100)).toEqual({ granted: 5, retryAfterSeconds: 0 });
    // Never beyond the burst, however long it rested.
    expect(lease(bucket, 1000, limits, 3_600_000)).toEqual({ granted: 200, retryAfterSeconds: 0 });
    expect(lease({ tokens: 0, at: 0 }, 1, { qps: 0.1, burst: 1 }, 0)).toEqual({ granted: 0, retryAfterSeconds: 10 });
  });

  it("is leased a fifth of a second's worth at a time", () => {
    expect(leaseSize(limits)).toBe(10);
    expect(leaseSize({ qps: 1, burst: 5 })).toBe(1);
    expect(leaseSize({ qps: 1000, burst: 50 })).toBe(50);
  });
});

describe("LeaseCache (an isolate's tokens)", () => {
  it("spends a lease locally, asks again when it is spent or lapsed, and is refused when the bucket is empty", async () => {
    const bucket: Bucket = { tokens: 20, at: 0 };
    const asked: number[] = [];
    let clock = 0;
    const ask = async (want: number): Promise<Lease> => (asked.push(want), lease(bucket, want, limits, clock));
    const cache = new LeaseCache();
    const waits: number[] = [];
    for (let i = 0; i < 21; i++) waits.push(await cache.take("user:a", limits, 0, ask));
    expect(waits.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(waits[20]).toBe(1);
    expect(asked).toEqual([10, 10, 10]);
    // A lease lapses after a second: its tokens are not held back from other isolates.
    clock = 200;
    expect(await cache.take("user:a", limits, clock, ask)).toBe(0);
    expect(asked).toHaveLength(4);
    clock = 1_500;
    expect(await cache.take("user:a", limits, clock, ask)).toBe(0);
    expect(asked).toHaveLength(5);
  });

  it("lets in as many concurrent requests as the bucket holds, pooling what each lease brings", async () => {
    const bucket: Bucket = { tokens: 200, at: 0 };
    // The bucket answers in order, after the requests have all asked (as a Durable Object does).
    const ask = (want: number): Promise<Lease> => new Promise((resolve) => setTimeout(() => resolve(lease(bucket, want, limits, 0)), 0));
    const cache = new LeaseCache();
    const waits = await Promise.all(Array.from({ length: 320 }, () => cache.take("user:b", limits, 0, ask)));
    expect(waits.filter((w) => w === 0)).toHaveLength(200);
    expect(waits.filter((w) => w > 0).every((w) => w === 1)).toBe(true);
  });

  it("keeps identities apart", async () => {
    const buckets = new Map<string, Bucket>();
    const cache = new LeaseCache();
    const take = (key: string) =>
      cache.take(key, { qps: 1, burst: 1 }, 0, async (want) => {
        if (!buckets.has(key)) buckets.set(key, { tokens: 1, at: 0 });
        return lease(buckets.get(key)!, want, { qps: 1, burst: 1 }, 0);
      });
    expect(await take("user:a")).toBe(0);
    expect(await take("user:a")).toBe(1);
    expect(await take("user:b")).toBe(0);
  });
});
