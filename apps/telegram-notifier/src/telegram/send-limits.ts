import { BREAKER_DEFAULTS, breakerFailure, breakerGate, breakerSuccess, CLOSED, type BreakerParams, type BreakerState } from './circuit-breaker.js';
import { RateLimiter, type LimiterSnapshot, type RateLimits } from './rate-limiter.js';

/**
 * Everything that limits one bot's sends, in one value: the rate limiter's
 * bookings and 429 pauses, and the circuit breaker. Telegram's limits are per
 * bot, so every replica of the notifier must decide from the same value: it
 * lives in a store (`SendLimitsStore`), in memory for one process or in NATS
 * KV for many. The operations below are pure given `now`; the store applies
 * them atomically.
 */
export interface SendLimits {
  limiter: RateLimiter;
  breaker: BreakerState;
}

/** SendLimits as plain data, for storage. */
export interface SendLimitsSnapshot {
  limiter: LimiterSnapshot;
  breaker: BreakerState;
}

export interface SendLimitsPolicy {
  rates?: Partial<RateLimits>;
  breaker?: BreakerParams;
}

export function emptySendLimits(policy: SendLimitsPolicy = {}): SendLimits {
  return { limiter: new RateLimiter(policy.rates), breaker: CLOSED };
}

export function snapshotSendLimits(s: SendLimits, nowMs: number): SendLimitsSnapshot {
  return { limiter: s.limiter.snapshot(nowMs), breaker: s.breaker };
}

export function restoreSendLimits(snapshot: SendLimitsSnapshot, policy: SendLimitsPolicy = {}): SendLimits {
  return { limiter: RateLimiter.restore(snapshot.limiter, policy.rates), breaker: snapshot.breaker };
}

/**
 * - `slot`: booked; send at `at`. `probe`: this send is the half-open breaker's one probe.
 * - `wait`: nothing booked; the breaker is open (or probing) until `until`: ask again then.
 * - `too_far`: nothing booked; the earliest slot is more than the caller will wait.
 */
export type Booking = { kind: 'slot'; at: number; probe: boolean } | { kind: 'wait'; until: number } | { kind: 'too_far'; at: number };

/** A change to SendLimits: its result, and whether it changed the state (nothing to store if not). */
export interface Change<R> {
  result: R;
  changed: boolean;
}

/** Books the earliest slot for a message to `chatId` at or after `now`, unless it lies more than `maxWaitMs` ahead. */
export function bookSend(s: SendLimits, chatId: number | string, now: number, maxWaitMs: number, breaker: BreakerParams = BREAKER_DEFAULTS): Change<Booking> {
  const at = s.limiter.nextSlot(chatId, now);
  const gate = breakerGate(s.breaker, at, breaker);
  if (!gate.pass) return { result: { kind: 'wait', until: gate.until }, changed: false };
  if (at - now > maxWaitMs) return { result: { kind: 'too_far', at }, changed: false };
  s.limiter.book(chatId, at);
  s.breaker = gate.next;
  return { result: { kind: 'slot', at, probe: gate.probe }, changed: true };
}

/**
 * Whether a send booked for `chatId` may go out at `now`: no 429 arrived for
 * the chat meanwhile, and the breaker is closed (or this send is its probe).
 * Given the state as stored just before the request (`SendLimitsStore.current`),
 * this is what stops sends already waiting in a process after another
 * replica's 429 or breaker trip.
 */
export function clearToSend(s: SendLimits, chatId: number | string, now: number, probe: boolean): boolean {
  return s.limiter.notBefore(chatId) <= now && (probe || s.breaker.mode === 'closed');
}

/** Telegram answered 429 with retry_after: the chat waits until `untilMs`, in every replica. */
export function pauseChat(s: SendLimits, chatId: number | string, untilMs: number): Change<void> {
  if (s.limiter.notBefore(chatId) >= untilMs) return { result: undefined, changed: false };
  s.limiter.deferChat(chatId, untilMs);
  return { result: undefined, changed: true };
}

/** A 429 answer: the chat pauses (`pauseChat`) and, as for any answer that is not a 5xx, the breaker closes (`recordAnswer`), in one change. */
export function pausedAnswer(s: SendLimits, chatId: number | string, untilMs: number): Change<void> {
  const paused = pauseChat(s, chatId, untilMs).changed;
  const answered = recordAnswer(s).changed;
  return { result: undefined, changed: paused || answered };
}

/** A call got a 5xx. */
export function recordServerError(s: SendLimits, now: number, breaker: BreakerParams = BREAKER_DEFAULTS): Change<void> {
  const next = breakerFailure(s.breaker, now, breaker);
  const changed = next !== s.breaker;
  s.breaker = next;
  return { result: undefined, changed };
}

/** A call got an answer that was not a 5xx. */
export function recordAnswer(s: SendLimits): Change<void> {
  const next = breakerSuccess(s.breaker);
  const changed = next !== s.breaker;
  s.breaker = next;
  return { result: undefined, changed };
}

/**
 * Where SendLimits live. `update` runs a change on the latest state and keeps
 * what it leaves, atomically: when another process changed the state in
 * between, it runs the change again on the newer state. `latest` is the
 * newest state this process has seen, without a round trip.
 */
export interface SendLimitsStore {
  update<R>(now: number, change: (s: SendLimits) => Change<R>): Promise<R>;
  latest(): SendLimits;
  /**
   * The state as stored right now, one round trip: what a send that waited
   * for its slot checks just before going out, since a watched copy can lag
   * another replica's 429 by a delivery (or, with the watch lost, for good).
   * Without it, `latest()` is the newest there is.
   */
  current?(): Promise<SendLimits>;
  close?(): Promise<void>;
}

/** SendLimits in this process's memory: right for one replica, and for tests. */
export class LocalSendLimits implements SendLimitsStore {
  private readonly state: SendLimits;

  constructor(limiter: RateLimiter = new RateLimiter()) {
    this.state = { limiter, breaker: CLOSED };
  }

  update<R>(_now: number, change: (s: SendLimits) => Change<R>): Promise<R> {
    return Promise.resolve(change(this.state).result);
  }

  latest(): SendLimits {
    return this.state;
  }
}
