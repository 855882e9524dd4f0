import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter (token bucket, time as a parameter)', () => {
  const limit = { requests: 3, perSeconds: 300 };

  it('lets a burst of `requests` through, then refuses with the wait until the next token', () => {
    const r = new RateLimiter();
    expect([0, 0, 0].map(() => r.take('a', limit, 1000).ok)).toEqual([true, true, true]);
    expect(r.take('a', limit, 1000)).toEqual({ ok: false, retryAfterSeconds: 100 });
    expect(r.take('a', limit, 51_000)).toEqual({ ok: false, retryAfterSeconds: 50 });
  });

  it('refills at requests/per and never above the burst size', () => {
    const r = new RateLimiter();
    for (let i = 0; i < 3; i++) r.take('a', limit, 0);
    expect(r.take('a', limit, 100_000).ok).toBe(true);
    expect(r.take('a', limit, 100_000).ok).toBe(false);
    expect(r.take('a', limit, 10_000_000)).toEqual({ ok: true, remaining: 2 });
  });

  it('keeps integrations apart', () => {
    const r = new RateLimiter();
    for (let i = 0; i < 3; i++) r.take('a', limit, 0);
    expect(r.take('a', limit, 0).ok).toBe(false);
    expect(r.take('b', limit, 0).ok).toBe(true);
  });

  it("the default (3000 per 5 minutes) is ten times Grafana OnCall's 300", () => {
    const r = new RateLimiter();
    const d = { requests: 3000, perSeconds: 300 };
    let passed = 0;
    for (let i = 0; i < 3500; i++) if (r.take('am', d, 0).ok) passed++;
    expect(passed).toBe(3000);
    expect(r.take('am', d, 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('starts a fresh bucket when the limit changes', () => {
    const r = new RateLimiter();
    for (let i = 0; i < 3; i++) r.take('a', limit, 0);
    expect(r.take('a', { requests: 5, perSeconds: 300 }, 0).ok).toBe(true);
  });
});
