import type { MessageEntity } from './telegram-html.js';

export interface InlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
  [key: string]: unknown;
}

export interface InlineKeyboardMarkup {
  inline_keyboard: InlineKeyboardButton[][];
}

/** Any reply_markup as received (inline keyboards are the ones the server understands). */
export type ReplyMarkup = InlineKeyboardMarkup | Record<string, unknown>;

export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TelegramChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

/** One state of a message: as sent, then one per successful edit. */
export interface MessageVersion {
  /** What the user sees: the text after HTML parsing. */
  text: string;
  /** The text as the bot sent it (HTML source when parse_mode is HTML). */
  raw: string;
  parse_mode?: string;
  entities: MessageEntity[];
  reply_markup?: ReplyMarkup;
  /** The API method that produced this version. */
  method: 'sendMessage' | 'editMessageText' | 'editMessageReplyMarkup' | 'user';
  /** Server wall clock, ms. */
  atMs: number;
}

/** A message stored in a chat. Fields reflect the latest version. */
export interface StoredMessage {
  message_id: number;
  chat_id: number;
  /** `'bot'` for messages the bot sent, else the id of the user who wrote it. */
  from: 'bot' | number;
  /** Unix seconds. */
  date: number;
  edit_date?: number;
  text: string;
  raw: string;
  parse_mode?: string;
  entities: MessageEntity[];
  reply_markup?: ReplyMarkup;
  /** Number of successful edits (text or markup). */
  edits: number;
  deleted: boolean;
  /** Parameters of the sendMessage call that created it (bot messages only). */
  params: Record<string, unknown>;
  versions: MessageVersion[];
}

export interface RecordedCall {
  seq: number;
  /** Canonical method name (Telegram treats method names case-insensitively). */
  method: string;
  params: Record<string, unknown>;
  /** `http`: a request to /bot<token>/<method>; `webhook-reply`: a method returned in a webhook response body. */
  via: 'http' | 'webhook-reply';
  /** Server wall clock when the request arrived, ms. */
  atMs: number;
  /** HTTP status sent (200 for webhook replies that succeeded). 0 when the connection was dropped on purpose. */
  status: number;
  /** The JSON body sent back. */
  response: ApiResponse | null;
  /** True when the answer came from failNext. */
  injected: boolean;
}

export type ApiResponse =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } };

export type InjectedFailure =
  | { error_code: number; description?: string; retry_after?: number }
  /** Drop the connection without an answer (the client sees a reset, as on a network error). */
  | { network: true };

export interface Update {
  update_id: number;
  message?: { message_id: number; from: TelegramUser; chat: TelegramChat; date: number; text?: string; [k: string]: unknown };
  callback_query?: { id: string; from: TelegramUser; message?: Record<string, unknown>; chat_instance: string; data?: string };
  [kind: string]: unknown;
}

export interface CallbackAnswer {
  callback_query_id: string;
  text: string;
  show_alert: boolean;
  url?: string;
}

export interface WaitOptions {
  /** Default: the server's `defaultTimeoutMs` (5000). */
  timeoutMs?: number;
}

export interface ExpectMessageOptions extends WaitOptions {
  /** Only consider messages with a larger id (messages sent after a known one). */
  afterMessageId?: number;
}

export type ChatBlock = 'blocked' | 'deactivated' | 'kicked';
