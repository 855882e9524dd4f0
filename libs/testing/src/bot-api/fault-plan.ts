import type { InjectedFailure } from './types.js';

/** One kind of failure and the share of calls (0..1) that get it. */
export interface FaultRule {
  share: number;
  failure: InjectedFailure;
}

export interface FaultPlanOptions {
  /** Methods the plan applies to, e.g. `['sendMessage']` (case-insensitive). */
  methods: string[];
  /** Tried in order on one draw per call; the shares must add up to at most 1. */
  rules: FaultRule[];
  /** Same seed, same sequence of draws, so a failing run can be replayed. Default 1. */
  seed?: number;
}

/**
 * A seeded share of calls fails: each call of a listed method draws one
 * number, and the first rule whose cumulative share covers it answers instead
 * of the server (`{ share: 0.2, failure: { error_code: 429, retry_after: 3 } }`).
 * Unlike `failNext`, which scripts the next N calls, this spreads failures
 * over a storm whose order the test does not control.
 */
export class FaultPlan {
  private readonly methods: Set<string>;
  private state: number;

  constructor(readonly options: FaultPlanOptions) {
    const total = options.rules.reduce((sum, r) => sum + r.share, 0);
    if (options.rules.some((r) => !(r.share >= 0)) || total > 1 + 1e-9) {
      throw new RangeError(`fault shares must be non-negative and add up to at most 1, got ${options.rules.map((r) => r.share).join(' + ')}`);
    }
    this.methods = new Set(options.methods.map((m) => m.toLowerCase()));
    this.state = (options.seed ?? 1) >>> 0;
  }

  /** The failure for this call of `method`, or null when it goes through. */
  draw(method: string): InjectedFailure | null {
    if (!this.methods.has(method.toLowerCase())) return null;
    const x = this.next();
    let covered = 0;
    for (const r of this.options.rules) {
      covered += r.share;
      if (x < covered) return r.failure;
    }
    return null;
  }

  /** mulberry32: small, fast, and good enough to spread test faults. */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
