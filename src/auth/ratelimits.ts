// The token bucket of one identity, for the whole cluster (ratelimit.ts): a Durable Object named
// after the identity, so every isolate that serves it takes its tokens from the same bucket. The
// bucket is memory only: an evicted object starts full again, which errs on letting requests in.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { lease, type Bucket, type Lease, type Limits } from "./ratelimit";

export class RateLimits extends DurableObject<Env> {
  private bucket?: Bucket;

  async lease(want: number, limits: Limits): Promise<Lease> {
    const now = Date.now();
    this.bucket ??= { tokens: limits.burst, at: now };
    return lease(this.bucket, want, limits, now);
  }
}
