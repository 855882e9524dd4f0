/**
 * A circuit breaker for one bot's Bot API calls, as a pure state machine:
 * time is a parameter and every transition returns a new state, so the state
 * can live in shared storage and every replica sees the same breaker.
 *
 * - closed: calls go out; `threshold` server errors (5xx) in a row open it.
 * - open: nothing goes out until `until`; the wait doubles with each trip
 *   in a row, from `baseOpenMs` up to `maxOpenMs`.
 * - half-open: after the wait exactly one call, the probe, goes out. Its
 *   success closes the breaker, its failure opens it again for longer. A probe
 *   whose outcome never arrives (its process died) is given up after
 *   `probeTimeoutMs` and another caller probes.
 *
 * A success while closed resets the count; 429s, 4xx and network errors do
 * not count: they say nothing about Telegram's servers being down.
 */
export interface BreakerParams {
  threshold: number;
  baseOpenMs: number;
  maxOpenMs: number;
  probeTimeoutMs: number;
}

export const BREAKER_DEFAULTS: BreakerParams = { threshold: 5, baseOpenMs: 1000, maxOpenMs: 30_000, probeTimeoutMs: 10_000 };

export type BreakerState =
  { mode: 'closed'; failures: number } | { mode: 'open'; until: number; trips: number } | { mode: 'half_open'; probeUntil: number; trips: number };

export const CLOSED: BreakerState = { mode: 'closed', failures: 0 };

/** May a call go out at `now`? `probe`: it is the half-open probe (pass `next` on). `wait`: not before then. */
export type BreakerGate = { pass: true; probe: boolean; next: BreakerState } | { pass: false; until: number };

export function breakerGate(s: BreakerState, now: number, p: BreakerParams = BREAKER_DEFAULTS): BreakerGate {
  switch (s.mode) {
    case 'closed':
      return { pass: true, probe: false, next: s };
    case 'open':
      return now < s.until ? { pass: false, until: s.until } : probe(s.trips, now, p);
    case 'half_open':
      return now < s.probeUntil ? { pass: false, until: s.probeUntil } : probe(s.trips, now, p);
    default: {
      const never: never = s;
      return never;
    }
  }
}

function probe(trips: number, now: number, p: BreakerParams): BreakerGate {
  return { pass: true, probe: true, next: { mode: 'half_open', probeUntil: now + p.probeTimeoutMs, trips } };
}

/** A call that went out got an answer that is not a server error. */
export function breakerSuccess(s: BreakerState): BreakerState {
  return s.mode === 'closed' && s.failures === 0 ? s : CLOSED;
}

/** A call got a 5xx answer at `now`. */
export function breakerFailure(s: BreakerState, now: number, p: BreakerParams = BREAKER_DEFAULTS): BreakerState {
  switch (s.mode) {
    case 'closed':
      return s.failures + 1 >= p.threshold ? open(1, now, p) : { mode: 'closed', failures: s.failures + 1 };
    case 'open':
      // Calls already in flight when it opened: the breaker stays as it is.
      return s;
    case 'half_open':
      return open(s.trips + 1, now, p);
    default: {
      const never: never = s;
      return never;
    }
  }
}

function open(trips: number, now: number, p: BreakerParams): BreakerState {
  return { mode: 'open', until: now + Math.min(p.maxOpenMs, p.baseOpenMs * 2 ** (trips - 1)), trips };
}
