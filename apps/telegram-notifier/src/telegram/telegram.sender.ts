import type { Telegram } from 'telegraf';
import { BREAKER_DEFAULTS, type BreakerParams } from './circuit-breaker.js';
import { RateLimiter } from './rate-limiter.js';
import {
  bookSend,
  clearToSend,
  LocalSendLimits,
  pauseChat,
  recordAnswer,
  recordServerError,
  pausedAnswer,
  type Booking,
  type Change,
  type SendLimits,
  type SendLimitsStore,
} from './send-limits.js';

/**
 * Sends, edits and answers through a Telegraf `Telegram` client with the
 * delivery policy Telegraf lacks: a slot from the bot's send limits before
 * every request, `retry_after` honoured on 429, bounded backoff with jitter on
 * 5xx and network errors, a circuit breaker that stops every replica's sends
 * during a 5xx storm, and permanent failures (403, 400) returned as values.
 * "message is not modified" counts as a successful edit.
 *
 * The limits live in a SendLimitsStore: shared through NATS KV when several
 * replicas send for one bot, so a 429 pauses the chat for all of them, sends
 * already waiting included (they read the stored state just before going
 * out). A pause this process got is also kept here until it ends: its own
 * sends never go inside it, and every change it writes to the store carries
 * it, so a pause whose own write failed (NATS restarting) or that the store
 * lost is stored again. No request goes out on limits the store has not
 * confirmed: while the store cannot be reached, sends wait for it and then
 * fail as transient, rather than fall back to limits of this process that
 * know nothing of other replicas' pauses.
 *
 * Expected failures never throw; only an error that is neither a Bot API
 * answer nor a network failure (a bug) does.
 *
 * A send retried after a network error may reach the chat twice when the
 * first request got through and only its answer was lost: the Bot API has no
 * idempotency key for sendMessage.
 */
export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

export interface OutgoingMessage {
  text: string;
  parse_mode?: 'HTML' | 'MarkdownV2';
  /** For edits, leaving it out removes the keyboard (Telegram's behaviour). */
  reply_markup?: InlineKeyboard;
  /** Deliver silently (Telegram's disable_notification). */
  disableNotification?: boolean;
  /** Link previews are off unless asked for. */
  linkPreview?: boolean;
  /** Send only: the topic of a forum supergroup to post in (Telegram's message_thread_id). */
  messageThreadId?: number;
}

export type FailureReason =
  | 'bot_blocked'
  | 'user_deactivated'
  | 'forbidden'
  | 'chat_not_found'
  | 'chat_migrated'
  | 'message_not_found'
  | 'bad_request'
  | 'unauthorized'
  | 'rejected'
  | 'rate_limited'
  | 'server_error'
  | 'network_error';

export interface DeliveryFailure {
  ok: false;
  /** true: retrying cannot help (record it in the timeline); false: retries ran out, try again later. */
  permanent: boolean;
  reason: FailureReason;
  /** Telegram's description, or the network error's message. */
  description: string;
  /** Bot API error_code or HTTP status; null for network errors. */
  errorCode: number | null;
  attempts: number;
  /** Set when Telegram asked to wait longer than this sender waits by itself. */
  retryAfterMs?: number;
  /** Set when a group became a supergroup (`parameters.migrate_to_chat_id`). */
  migrateToChatId?: number;
}

/** A transient failure the sender is about to retry by itself (reported so the timeline shows every attempt). */
export interface RetryInfo {
  reason: 'rate_limited' | 'server_error' | 'network_error';
  description: string;
  /** 429, a 5xx status, or null for a network error. */
  errorCode: number | null;
  /** How long the sender waits before the next request. */
  retryAfterMs: number;
  /** The request that failed, 1-based. */
  attempt: number;
}

export interface DeliveryHooks {
  /** Called before each wait for a retry; it must not throw (errors are ignored). */
  onRetry?: (info: RetryInfo) => void;
  /** A slot booked ahead for this chat with `TelegramSender.book`: the first request takes it instead of booking one. */
  booked?: Promise<BookedSlot>;
}

/** A send slot booked ahead of the request (`TelegramSender.book`), for one chat. */
export interface BookedSlot {
  readonly chatId: string;
  readonly slot: SendSlot;
  /** When the slot was last checked against the stored limits (epoch ms). */
  readonly checkedAt: number;
}

export type SendOutcome = { ok: true; messageId: number; attempts: number } | DeliveryFailure;
export type EditOutcome = { ok: true; notModified: boolean; attempts: number } | DeliveryFailure;
export type AnswerOutcome = { ok: true; attempts: number } | DeliveryFailure;

export interface TelegramSenderOptions {
  /** The bot's send limits, shared by every replica. Default: in this process, from `limiter`. */
  limits?: SendLimitsStore;
  /** Only without `limits`: the limiter kept in this process. */
  limiter?: RateLimiter;
  /** Circuit breaker on 5xx answers. Default BREAKER_DEFAULTS. */
  breaker?: BreakerParams;
  /**
   * The longest wait for a slot (a chat's backlog, a 429 pause, an open
   * breaker) before the call returns a transient failure with retryAfterMs
   * instead of holding its caller. Default 20 s, under the consumers' ack wait.
   */
  maxWaitMs?: number;
  /** Told when the shared limits cannot be reached; the call then waits for them (and gives up, as transient, after maxWaitMs). */
  onLimitsUnavailable?: (error: unknown) => void;
  /**
   * A slot booked ahead (`book`) and used within this long of its check
   * against the store goes out on the watched copy of the limits instead of
   * reading the store once more: the same window as a send already on its way
   * when another replica's 429 arrives. Default 50 ms.
   */
  freshMs?: number;
  /** Default: a setTimeout promise. Tests pass one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock for the limiter. Default Date.now. */
  now?: () => number;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Requests per call, retries included. Default 5. */
  maxAttempts?: number;
  /** First backoff after a 5xx or network error; doubles per attempt. Default 500 ms. */
  baseBackoffMs?: number;
  /** Default 10 s. */
  maxBackoffMs?: number;
  /** A longer retry_after is returned as a transient failure (with retryAfterMs) instead of waited out. Default 60 s. */
  maxRetryAfterMs?: number;
}

export type ClassifiedError =
  | { kind: 'not_modified' }
  | { kind: 'retry_after'; ms: number; errorCode: number; description: string }
  | { kind: 'transient'; reason: 'server_error' | 'network_error'; errorCode: number | null; description: string }
  | { kind: 'permanent'; reason: FailureReason; errorCode: number; description: string; migrateToChatId?: number }
  | { kind: 'unknown'; error: unknown };

interface BotApiErrorShape {
  error_code: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Telegraf throws TelegramError with the Bot API answer in `response`; checked by shape, not by class. */
function botApiError(e: unknown): BotApiErrorShape | null {
  const response = (e as { response?: unknown } | null)?.response;
  if (response && typeof response === 'object' && typeof (response as BotApiErrorShape).error_code === 'number') return response as BotApiErrorShape;
  return null;
}

function isNetworkError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const { name, code } = e as { name?: unknown; code?: unknown };
  return name === 'FetchError' || name === 'AbortError' || (typeof code === 'string' && /^(E[A-Z]+|UND_ERR)/.test(code));
}

export function classifyTelegramError(e: unknown): ClassifiedError {
  const api = botApiError(e);
  if (!api) {
    if (isNetworkError(e)) return { kind: 'transient', reason: 'network_error', errorCode: null, description: e instanceof Error ? e.message : String(e) };
    return { kind: 'unknown', error: e };
  }
  const code = api.error_code;
  const description = api.description ?? '';
  if (code === 400 && /message is not modified/i.test(description)) return { kind: 'not_modified' };
  if (code === 429) return { kind: 'retry_after', ms: Math.max(0, api.parameters?.retry_after ?? 1) * 1000, errorCode: code, description };
  if (code >= 500) return { kind: 'transient', reason: 'server_error', errorCode: code, description };
  if (code === 403) {
    const reason: FailureReason = /blocked/i.test(description) ? 'bot_blocked' : /deactivated/i.test(description) ? 'user_deactivated' : 'forbidden';
    return { kind: 'permanent', reason, errorCode: code, description };
  }
  if (code === 400) {
    const migrateTo = api.parameters?.migrate_to_chat_id;
    if (migrateTo !== undefined) return { kind: 'permanent', reason: 'chat_migrated', errorCode: code, description, migrateToChatId: migrateTo };
    if (/chat not found/i.test(description)) return { kind: 'permanent', reason: 'chat_not_found', errorCode: code, description };
    if (/message to edit not found|MESSAGE_ID_INVALID/i.test(description))
      return { kind: 'permanent', reason: 'message_not_found', errorCode: code, description };
    return { kind: 'permanent', reason: 'bad_request', errorCode: code, description };
  }
  if (code === 401) return { kind: 'permanent', reason: 'unauthorized', errorCode: code, description };
  return { kind: 'permanent', reason: 'rejected', errorCode: code, description };
}

type Attempted<T> = { ok: true; value: T | null; notModified: boolean; attempts: number } | DeliveryFailure;

/** What booking a send slot came to: go (the breaker's probe, perhaps), or why not and for how long. */
export type SendSlot =
  { ok: true; probe: boolean } | { ok: false; waitMs: number; reason: 'rate_limited' | 'server_error' | 'network_error'; description: string };

/** How long to wait before asking an unreachable limits store again: doubling from 50 ms, at most 1 s. */
const storeBackoffMs = (failures: number) => Math.min(1000, 50 * 2 ** (failures - 1));

/** A send that found the limits store unreachable is offered again this much later. */
const STORE_UNAVAILABLE_RETRY_MS = 5000;

export class TelegramSender {
  private readonly limits: SendLimitsStore;
  /** 429 pauses this process got, by chat, kept until they end (see the class comment). */
  private readonly pauses = new Map<string, number>();
  private readonly freshMs: number;
  private readonly breaker: BreakerParams;
  private readonly maxWaitMs: number;
  private readonly onLimitsUnavailable: (error: unknown) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterMs: number;

  constructor(
    private readonly telegram: Telegram,
    options: TelegramSenderOptions = {},
  ) {
    this.limits = options.limits ?? new LocalSendLimits(options.limiter ?? new RateLimiter());
    this.freshMs = options.freshMs ?? 50;
    this.breaker = options.breaker ?? BREAKER_DEFAULTS;
    this.maxWaitMs = options.maxWaitMs ?? 20_000;
    this.onLimitsUnavailable = options.onLimitsUnavailable ?? (() => undefined);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseBackoffMs = options.baseBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  }

  /**
   * Books (and waits for) the first slot of a send to the chat before the
   * message is known, so that the booking, one NATS round trip with shared
   * limits, overlaps the caller's own reads; pass it to `send` as
   * `hooks.booked`. A booking never used leaves its slot empty, which only
   * ever slows the chat down, never lets more through.
   */
  async book(chatId: number | string): Promise<BookedSlot> {
    const slot = await this.slot(chatId);
    return { chatId: String(chatId), slot, checkedAt: this.now() };
  }

  async send(chatId: number | string, message: OutgoingMessage, hooks: DeliveryHooks = {}): Promise<SendOutcome> {
    const r = await this.attempt(chatId, hooks, () =>
      this.telegram.sendMessage(chatId, message.text, {
        ...(message.parse_mode ? { parse_mode: message.parse_mode } : {}),
        ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
        ...(message.disableNotification ? { disable_notification: true } : {}),
        ...(message.messageThreadId !== undefined ? { message_thread_id: message.messageThreadId } : {}),
        link_preview_options: { is_disabled: !message.linkPreview },
      }),
    );
    if (!r.ok) return r;
    if (!r.value)
      return {
        ok: false,
        permanent: true,
        reason: 'bad_request',
        description: 'sendMessage answered "message is not modified"',
        errorCode: 400,
        attempts: r.attempts,
      };
    return { ok: true, messageId: r.value.message_id, attempts: r.attempts };
  }

  async edit(chatId: number | string, messageId: number, message: OutgoingMessage, hooks: DeliveryHooks = {}): Promise<EditOutcome> {
    const r = await this.attempt(chatId, hooks, () =>
      this.telegram.editMessageText(chatId, messageId, undefined, message.text, {
        ...(message.parse_mode ? { parse_mode: message.parse_mode } : {}),
        ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
        link_preview_options: { is_disabled: !message.linkPreview },
      }),
    );
    if (!r.ok) return r;
    return { ok: true, notModified: r.notModified, attempts: r.attempts };
  }

  /** Answers a callback query (not rate limited: it is not a chat message). */
  async answerCallback(callbackQueryId: string, text?: string, options: { showAlert?: boolean } = {}): Promise<AnswerOutcome> {
    const r = await this.attempt(null, {}, () => this.telegram.answerCbQuery(callbackQueryId, text, options.showAlert ? { show_alert: true } : undefined));
    if (!r.ok) return r;
    return { ok: true, attempts: r.attempts };
  }

  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (attempt - 1));
    // Equal jitter: at least half the ceiling, so retries from many workers spread out but still wait.
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  /**
   * Applies a change to the limits store, with this process's pauses written
   * in first (nothing to write for them once the store has them). Throws when
   * the store cannot be reached.
   */
  private async limit<R>(change: (s: SendLimits) => Change<R>): Promise<R> {
    const now = this.now();
    return this.limits.update(now, (s) => {
      const reasserted = this.reassert(s, now);
      const r = change(s);
      return { result: r.result, changed: r.changed || reasserted };
    });
  }

  /** Writes this process's pauses still in force into `s`; whether that changed it. Forgets the ones that ended. */
  private reassert(s: SendLimits, now: number): boolean {
    let changed = false;
    for (const [chat, until] of this.pauses) {
      if (until <= now) this.pauses.delete(chat);
      else changed = pauseChat(s, chat, until).changed || changed;
    }
    return changed;
  }

  /** A change that only reports (a breaker answer): tried once, its failure told and otherwise ignored. */
  private async bestEffort<R>(change: (s: SendLimits) => Change<R>): Promise<void> {
    try {
      await this.limit(change);
    } catch (err) {
      this.onLimitsUnavailable(err);
    }
  }

  /**
   * Stores a 429's pause for every replica, in the same write as the answer's
   * breaker change. Until the store has it, this process holds the chat by
   * itself (`pauses`), and the write is tried again until it is stored or the
   * pause is over: every replica's send to the chat is stopped from then on.
   */
  private async storePause(chatId: number | string, until: number): Promise<void> {
    const chat = String(chatId);
    this.pauses.set(chat, Math.max(this.pauses.get(chat) ?? -Infinity, until));
    // Bounded by the pause's end, and by a count for clocks that do not move (tests): once given up on, the next
    // change this process writes carries the pause anyway.
    for (let failures = 0; this.now() < until && failures < 20;) {
      try {
        await this.limit((s) => pausedAnswer(s, chatId, until));
        return;
      } catch (err) {
        this.onLimitsUnavailable(err);
        await this.sleep(Math.min(storeBackoffMs(++failures), Math.max(0, until - this.now())));
      }
    }
  }

  private latest(): SendLimits {
    return this.limits.latest();
  }

  /** Whether this process's own pauses let a message to the chat go at `now`. */
  private pausedHere(chatId: number | string, now: number): boolean {
    return (this.pauses.get(String(chatId)) ?? -Infinity) > now;
  }

  /**
   * The state as stored now, for a send about to go out after waiting: the
   * watched copy may not have caught up with another replica's 429 yet. Null
   * when the store cannot be reached (the send then books again, which waits
   * for the store).
   */
  private async current(): Promise<SendLimits | null> {
    if (!this.limits.current) return this.latest();
    try {
      return await this.limits.current();
    } catch (err) {
      this.onLimitsUnavailable(err);
      return null;
    }
  }

  /** Whether a send booked for the chat may go at `now` given the stored state `s` (null: not known) and this process's pauses. */
  private clear(s: SendLimits | null, chatId: number | string, probe: boolean): boolean {
    const now = this.now();
    return s !== null && clearToSend(s, chatId, now, probe) && !this.pausedHere(chatId, now);
  }

  /**
   * Books a slot for the chat and waits for it. Just before it is due, the
   * stored state decides: a 429 or a breaker trip recorded meanwhile (by any
   * replica) sends it back to book again. A slot due at once needs no second
   * read: its booking was a compare-and-set on the newest state.
   */
  private async slot(chatId: number | string): Promise<SendSlot> {
    const started = this.now();
    for (let failures = 0; ;) {
      const now = this.now();
      let b: Booking;
      try {
        b = await this.limit((s) => bookSend(s, chatId, now, this.maxWaitMs, this.breaker));
        failures = 0;
      } catch (err) {
        // Not on limits of this process alone: they know nothing of other replicas' pauses. Wait for the store, within bounds.
        this.onLimitsUnavailable(err);
        if (++failures > 8 || this.now() - started >= this.maxWaitMs) {
          return {
            ok: false,
            waitMs: STORE_UNAVAILABLE_RETRY_MS,
            reason: 'network_error',
            description: `the shared send limits cannot be reached: ${(err as Error).message}`,
          };
        }
        await this.sleep(storeBackoffMs(failures));
        continue;
      }
      switch (b.kind) {
        case 'too_far':
          return { ok: false, waitMs: b.at - now, reason: 'rate_limited', description: `no send slot for chat ${chatId} within ${this.maxWaitMs} ms` };
        case 'wait':
          if (b.until - now > this.maxWaitMs) {
            return { ok: false, waitMs: b.until - now, reason: 'server_error', description: 'the Bot API circuit is open after repeated 5xx answers' };
          }
          await this.sleep(b.until - now);
          break;
        case 'slot':
          if (b.at > now) await this.sleep(b.at - now);
          if (this.clear(b.at > now ? await this.current() : this.latest(), chatId, b.probe)) return { ok: true, probe: b.probe };
          break;
        default: {
          const never: never = b;
          throw new Error(`unhandled ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /**
   * A slot booked ahead, checked again against the stored state (a 429 or a
   * breaker trip recorded since it was booked): if it is no longer clear, book
   * another, as `slot` does. Used within `freshMs` of its check, the watched
   * copy is checked instead of reading the store again.
   */
  private async bookedSlot(chatId: number | string, booked: Promise<BookedSlot>): Promise<SendSlot> {
    const b = await booked;
    if (b.chatId !== String(chatId)) throw new Error(`a slot booked for chat ${b.chatId} cannot send to chat ${chatId}`);
    if (!b.slot.ok) return b.slot;
    const fresh = this.now() - b.checkedAt <= this.freshMs;
    if (this.clear(fresh ? this.latest() : await this.current(), chatId, b.slot.probe)) return b.slot;
    return this.slot(chatId);
  }

  /** An answer that is not a 5xx: the breaker closes (one round trip only when it was not already clean). */
  private async answered(): Promise<void> {
    const b = this.latest().breaker;
    if (b.mode !== 'closed' || b.failures > 0) await this.bestEffort(recordAnswer);
  }

  private retrying(info: RetryInfo, hooks: DeliveryHooks): void {
    try {
      hooks.onRetry?.(info);
    } catch {
      /* reporting must not change delivery */
    }
  }

  private async attempt<T>(chatId: number | string | null, hooks: DeliveryHooks, call: () => Promise<T>): Promise<Attempted<T>> {
    for (let attempt = 1; ; attempt++) {
      if (chatId !== null) {
        const slot = attempt === 1 && hooks.booked ? await this.bookedSlot(chatId, hooks.booked) : await this.slot(chatId);
        if (!slot.ok) {
          return {
            ok: false,
            permanent: false,
            reason: slot.reason,
            description: slot.description,
            errorCode: null,
            attempts: attempt - 1,
            retryAfterMs: slot.waitMs,
          };
        }
      }
      let c: ClassifiedError;
      try {
        const value = await call();
        await this.answered();
        return { ok: true, value, notModified: false, attempts: attempt };
      } catch (e) {
        c = classifyTelegramError(e);
      }
      if (c.kind === 'transient' && c.reason === 'server_error') await this.bestEffort((s) => recordServerError(s, this.now(), this.breaker));
      else if (c.kind !== 'unknown' && c.kind !== 'transient' && c.kind !== 'retry_after') await this.answered();
      switch (c.kind) {
        case 'not_modified':
          return { ok: true, value: null, notModified: true, attempts: attempt };
        case 'permanent': {
          const f: DeliveryFailure = { ok: false, permanent: true, reason: c.reason, description: c.description, errorCode: c.errorCode, attempts: attempt };
          if (c.migrateToChatId !== undefined) f.migrateToChatId = c.migrateToChatId;
          return f;
        }
        case 'retry_after': {
          // Every replica holds this chat until then, sends already waiting included: the next slot() waits it out.
          // The pause goes in the same write as the answer's breaker change, not after it: every round trip before it is a window for other replicas' sends.
          const until = this.now() + c.ms;
          if (chatId !== null) await this.storePause(chatId, until);
          else await this.answered();
          if (c.ms > this.maxRetryAfterMs || attempt >= this.maxAttempts) {
            return {
              ok: false,
              permanent: false,
              reason: 'rate_limited',
              description: c.description,
              errorCode: c.errorCode,
              attempts: attempt,
              retryAfterMs: c.ms,
            };
          }
          this.retrying({ reason: 'rate_limited', description: c.description, errorCode: c.errorCode, retryAfterMs: c.ms, attempt }, hooks);
          if (chatId === null) await this.sleep(c.ms);
          break;
        }
        case 'transient': {
          if (attempt >= this.maxAttempts) {
            return { ok: false, permanent: false, reason: c.reason, description: c.description, errorCode: c.errorCode, attempts: attempt };
          }
          const backoff = this.backoffMs(attempt);
          this.retrying({ reason: c.reason, description: c.description, errorCode: c.errorCode, retryAfterMs: backoff, attempt }, hooks);
          await this.sleep(backoff);
          break;
        }
        case 'unknown':
          throw c.error;
        default: {
          const never: never = c;
          throw new Error(`unhandled ${JSON.stringify(never)}`);
        }
      }
    }
  }
}
