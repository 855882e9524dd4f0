/**
 * Telegram's send limits as a pure scheduler: time is a parameter, nothing
 * here reads a clock or sleeps. `reserve(chat, now)` books the earliest
 * instant at which one more message may go out and returns how long to wait.
 *
 * Limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
 * - per chat: about 1 message per second (groups included);
 * - per group (negative chat id): 20 messages per minute;
 * - overall: 30 messages per second.
 *
 * Each limit is a sliding window: at most `limit` bookings in any window of
 * `windowMs`. Bookings may lie in the future (a backlog for one chat), and the
 * search finds the earliest instant that keeps every window of every limit
 * within bounds, so a backlog in one chat does not hold back other chats.
 */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export interface RateLimits {
  perChat: WindowLimit;
  perGroup: WindowLimit;
  global: WindowLimit;
}

export const TELEGRAM_RATE_LIMITS: RateLimits = {
  perChat: { limit: 1, windowMs: 1000 },
  perGroup: { limit: 20, windowMs: 60_000 },
  global: { limit: 30, windowMs: 1000 },
};

/** A limiter's bookings as plain data; times are epoch ms, sorted. */
export interface LimiterSnapshot {
  global: number[];
  chats: Record<string, { times: number[]; notBefore?: number }>;
}

interface ChatBookings {
  times: number[];
  /** Nothing for this chat before this instant (after a 429 with retry_after). */
  notBefore: number;
}

export class RateLimiter {
  readonly limits: RateLimits;
  private readonly chats = new Map<string, ChatBookings>();
  private readonly global: number[] = [];
  private reservations = 0;

  constructor(limits: Partial<RateLimits> = {}) {
    this.limits = { ...TELEGRAM_RATE_LIMITS, ...limits };
    for (const l of Object.values(this.limits)) {
      if (!(l.limit >= 1) || !(l.windowMs > 0)) throw new RangeError(`invalid limit ${JSON.stringify(l)}`);
    }
  }

  /** Books a slot for one message to `chatId`; returns the delay in ms (0 = send now). */
  reserve(chatId: number | string, nowMs: number): number {
    const at = this.nextSlot(chatId, nowMs);
    this.book(chatId, at);
    return at - nowMs;
  }

  /** The earliest instant at or after `nowMs` when one more message to `chatId` may go out, without booking it. */
  nextSlot(chatId: number | string, nowMs: number): number {
    const group = isGroupChat(chatId);
    if (++this.reservations % 1024 === 0) this.prune(nowMs);
    dropBefore(this.global, nowMs - this.limits.global.windowMs);
    const chat = this.chats.get(String(chatId));
    if (chat) dropBefore(chat.times, nowMs - this.chatWindowMs(chatId));
    const times = chat?.times ?? [];
    let t = Math.max(nowMs, chat?.notBefore ?? -Infinity);
    for (;;) {
      let next = earliestSlot(times, this.limits.perChat, t);
      if (group) next = earliestSlot(times, this.limits.perGroup, next);
      next = earliestSlot(this.global, this.limits.global, next);
      if (next === t) return t;
      t = next;
    }
  }

  /** Books the instant `atMs` (one that nextSlot returned) for a message to `chatId`. */
  book(chatId: number | string, atMs: number): void {
    const key = String(chatId);
    const chat = this.chats.get(key) ?? { times: [], notBefore: -Infinity };
    insertSorted(chat.times, atMs);
    insertSorted(this.global, atMs);
    this.chats.set(key, chat);
  }

  /** Nothing for this chat before this instant; -Infinity when no 429 holds it. */
  notBefore(chatId: number | string): number {
    return this.chats.get(String(chatId))?.notBefore ?? -Infinity;
  }

  /** The bookings and deferrals still in force at `nowMs`, as plain data (for shared storage). */
  snapshot(nowMs: number): LimiterSnapshot {
    this.prune(nowMs);
    const chats: LimiterSnapshot['chats'] = {};
    for (const [key, chat] of this.chats)
      chats[key] = chat.notBefore > nowMs ? { times: [...chat.times], notBefore: chat.notBefore } : { times: [...chat.times] };
    return { global: [...this.global], chats };
  }

  /** A limiter holding what `snapshot` took. */
  static restore(snapshot: LimiterSnapshot, limits: Partial<RateLimits> = {}): RateLimiter {
    const limiter = new RateLimiter(limits);
    limiter.global.push(...snapshot.global);
    for (const [key, chat] of Object.entries(snapshot.chats)) limiter.chats.set(key, { times: [...chat.times], notBefore: chat.notBefore ?? -Infinity });
    return limiter;
  }

  /** Telegram answered 429 with retry_after: nothing more for this chat before `untilMs`. */
  deferChat(chatId: number | string, untilMs: number): void {
    const key = String(chatId);
    const chat = this.chats.get(key) ?? { times: [], notBefore: -Infinity };
    chat.notBefore = Math.max(chat.notBefore, untilMs);
    this.chats.set(key, chat);
  }

  /** Bookings at or after `nowMs` (messages still waiting for their slot). */
  pending(nowMs: number): number {
    return this.global.filter((t) => t >= nowMs).length;
  }

  /** Number of chats with bookings or deferrals still remembered. */
  get trackedChats(): number {
    return this.chats.size;
  }

  /** Forgets bookings too old to matter and chats with none; reserve() calls it now and then. */
  prune(nowMs: number): void {
    dropBefore(this.global, nowMs - this.limits.global.windowMs);
    for (const [key, chat] of this.chats) {
      dropBefore(chat.times, nowMs - this.chatWindowMs(key));
      if (chat.times.length === 0 && chat.notBefore <= nowMs) this.chats.delete(key);
    }
  }

  /** How long a chat's bookings matter: a group's for its per-minute limit too. */
  private chatWindowMs(chatId: number | string): number {
    return isGroupChat(chatId) ? Math.max(this.limits.perChat.windowMs, this.limits.perGroup.windowMs) : this.limits.perChat.windowMs;
  }
}

/** Removes bookings at or before `cutoff` from sorted `times`, in place. */
function dropBefore(times: number[], cutoff: number): void {
  const n = upperBound(times, cutoff);
  if (n > 0) times.splice(0, n);
}

export function isGroupChat(chatId: number | string): boolean {
  return typeof chatId === 'number' ? chatId < 0 : /^-\d+$/.test(chatId);
}

/** Index of the first element of sorted `times` greater than `v`. */
function upperBound(times: readonly number[], v: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of sorted `times` not less than `v`. */
function lowerBound(times: readonly number[], v: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(times: number[], t: number): void {
  times.splice(upperBound(times, t), 0, t);
}

/** Bookings of sorted `times` in the half-open window (end - windowMs, end], plus one for a new booking at `extra` if inside. */
function countInWindow(times: readonly number[], end: number, windowMs: number, extra: number): number {
  const n = upperBound(times, end) - upperBound(times, end - windowMs);
  return n + (extra > end - windowMs && extra <= end ? 1 : 0);
}

/** Whether a booking at `t` keeps every window of `windowMs` over sorted `times` at or under `limit`. */
function fits(times: readonly number[], { limit, windowMs }: WindowLimit, t: number): boolean {
  // The fullest windows containing t end at t or at a later booking less than windowMs after it.
  if (countInWindow(times, t, windowMs, t) > limit) return false;
  for (let i = lowerBound(times, t); i < times.length && times[i]! < t + windowMs; i++) {
    if (countInWindow(times, times[i]!, windowMs, t) > limit) return false;
  }
  return true;
}

/**
 * The earliest instant at or after `from` where one more booking fits in
 * sorted `times`. Only `from` and the instants where a booking leaves a window
 * (s + windowMs) can be the first fit, so only they are tried, in order.
 */
export function earliestSlot(times: readonly number[], limit: WindowLimit, from: number): number {
  if (fits(times, limit, from)) return from;
  for (let i = upperBound(times, from - limit.windowMs); i < times.length; i++) {
    const candidate = times[i]! + limit.windowMs;
    if (fits(times, limit, candidate)) return candidate;
  }
  // Unreachable: once the last booking has left its window, one more always fits.
  return Math.max(from, (times[times.length - 1] ?? from) + limit.windowMs);
}
