/**
 * Per-integration rate limit: a token bucket holding `requests` tokens, refilled
 * at `requests / perSeconds` per second, so a burst of `requests` passes and the
 * long-run rate is `requests` per `perSeconds`. State is in this process only:
 * with N ingest replicas behind a load balancer an integration gets up to N
 * times its limit (documented in docs/templates-and-routing.md). Time is a
 * parameter, so the spec needs no clock.
 */
export interface RateLimit {
  requests: number;
  perSeconds: number;
}

export type RateDecision = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  atMs: number;
  limit: RateLimit;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  take(key: string, limit: RateLimit, nowMs: number): RateDecision {
    let b = this.buckets.get(key);
    if (!b || b.limit.requests !== limit.requests || b.limit.perSeconds !== limit.perSeconds) {
      b = { tokens: limit.requests, atMs: nowMs, limit };
      this.buckets.set(key, b);
    }
    const perMs = limit.requests / (limit.perSeconds * 1000);
    if (nowMs > b.atMs) {
      b.tokens = Math.min(limit.requests, b.tokens + (nowMs - b.atMs) * perMs);
      b.atMs = nowMs;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, remaining: Math.floor(b.tokens) };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
  }
}
