import type { Telegram } from 'telegraf';
import { RateLimiter } from './rate-limiter.js';

/**
 * Sends, edits and answers through a Telegraf `Telegram` client with the
 * delivery policy Telegraf lacks: the rate limiter before every request,
 * `retry_after` honoured on 429, bounded backoff with jitter on 5xx and
 * network errors, and permanent failures (403, 400) returned as values.
 * "message is not modified" counts as a successful edit.
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

export type SendOutcome = { ok: true; messageId: number; attempts: number } | DeliveryFailure;
export type EditOutcome = { ok: true; notModified: boolean; attempts: number } | DeliveryFailure;
export type AnswerOutcome = { ok: true; attempts: number } | DeliveryFailure;

export interface TelegramSenderOptions {
  limiter?: RateLimiter;
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

export class TelegramSender {
  private readonly limiter: RateLimiter;
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
    this.limiter = options.limiter ?? new RateLimiter();
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseBackoffMs = options.baseBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  }

  async send(chatId: number | string, message: OutgoingMessage): Promise<SendOutcome> {
    const r = await this.attempt(chatId, () =>
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

  async edit(chatId: number | string, messageId: number, message: OutgoingMessage): Promise<EditOutcome> {
    const r = await this.attempt(chatId, () =>
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
    const r = await this.attempt(null, () => this.telegram.answerCbQuery(callbackQueryId, text, options.showAlert ? { show_alert: true } : undefined));
    if (!r.ok) return r;
    return { ok: true, attempts: r.attempts };
  }

  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (attempt - 1));
    // Equal jitter: at least half the ceiling, so retries from many workers spread out but still wait.
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  private async attempt<T>(chatId: number | string | null, call: () => Promise<T>): Promise<Attempted<T>> {
    for (let attempt = 1; ; attempt++) {
      if (chatId !== null) {
        const wait = this.limiter.reserve(chatId, this.now());
        if (wait > 0) await this.sleep(wait);
      }
      let c: ClassifiedError;
      try {
        return { ok: true, value: await call(), notModified: false, attempts: attempt };
      } catch (e) {
        c = classifyTelegramError(e);
      }
      switch (c.kind) {
        case 'not_modified':
          return { ok: true, value: null, notModified: true, attempts: attempt };
        case 'permanent': {
          const f: DeliveryFailure = { ok: false, permanent: true, reason: c.reason, description: c.description, errorCode: c.errorCode, attempts: attempt };
          if (c.migrateToChatId !== undefined) f.migrateToChatId = c.migrateToChatId;
          return f;
        }
        case 'retry_after':
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
          if (chatId !== null) {
            // The limiter holds this chat until then, so the next reserve() waits it out (and so do other sends to the chat).
            this.limiter.deferChat(chatId, this.now() + c.ms);
          } else {
            await this.sleep(c.ms);
          }
          break;
        case 'transient':
          if (attempt >= this.maxAttempts) {
            return { ok: false, permanent: false, reason: c.reason, description: c.description, errorCode: c.errorCode, attempts: attempt };
          }
          await this.sleep(this.backoffMs(attempt));
          break;
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
