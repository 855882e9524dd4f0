import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { ChatHandle } from './chat-handle.js';
import { FaultPlan, type FaultPlanOptions } from './fault-plan.js';
import { postOnce, readBody } from './http-util.js';
import { parseParams, ParamsError } from './request-params.js';
import { parseTelegramHtml, type MessageEntity } from './telegram-html.js';
import type {
  ApiResponse,
  CallbackAnswer,
  ChatBlock,
  InjectedFailure,
  InlineKeyboardMarkup,
  MessageVersion,
  RecordedCall,
  ReplyMarkup,
  StoredMessage,
  TelegramChat,
  TelegramUser,
  Update,
  WaitOptions,
} from './types.js';

/**
 * A real HTTP server speaking the Telegram Bot API at `/bot<token>/<method>`,
 * for tests: Telegraf (or anything else) points its `apiRoot` at it. It keeps
 * chats and messages, long-polls `getUpdates`, delivers updates to a webhook,
 * answers with Telegram's error shapes, and lets a test play the user
 * (`sendText`, `pressButton`) and inject failures (`failNext`, or a seeded
 * share of calls with `injectFaults`).
 */
export interface BotApiTestServerOptions {
  /** Default `123456789:TEST-dozor-bot-token`. Requests with another token get 401. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** Default timeout of the `expect*` and `waitFor*` helpers. Default 5000 ms. */
  defaultTimeoutMs?: number;
  /** Pause before redelivering an update a webhook did not accept. Default 100 ms. */
  webhookRetryMs?: number;
  /** Wall clock for message dates. Default Date.now. */
  now?: () => number;
}

const METHODS = [
  'getMe',
  'getUpdates',
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
  'deleteMessage',
  'answerCallbackQuery',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'setMyCommands',
  'getMyCommands',
  'deleteMyCommands',
] as const;
type Method = (typeof METHODS)[number];
const CANONICAL = new Map<string, Method>(METHODS.map((m) => [m.toLowerCase(), m]));

const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const QUERY_INVALID = 'Bad Request: query is too old and response timeout expired or query ID is invalid';
const BLOCK_DESCRIPTIONS: Record<ChatBlock, string> = {
  blocked: 'Forbidden: bot was blocked by the user',
  deactivated: 'Forbidden: user is deactivated',
  kicked: 'Forbidden: bot was kicked from the group chat',
};
const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
const MAX_TEXT = 4096;

interface ChatState {
  id: number;
  messages: StoredMessage[];
  nextMessageId: number;
  block: ChatBlock | null;
}

interface PendingPoll {
  resolve: (r: ApiResponse) => void;
  limit: number;
  timer: NodeJS.Timeout | null;
}

interface PendingCallback {
  queryId: string;
  chatId: number;
  messageId: number;
  label: string;
  resolve: (text: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface WebhookState {
  url: string;
  secretToken: string | null;
  maxConnections: number;
  allowedUpdates: string[] | null;
  lastErrorDate: number | null;
  lastErrorMessage: string | null;
}

interface BotCommand {
  command: string;
  description: string;
}

type Handler = (params: Record<string, unknown>, signal: AbortSignal) => ApiResponse | Promise<ApiResponse>;

function ok(result: unknown, description?: string): ApiResponse {
  return description === undefined ? { ok: true, result } : { ok: true, result, description };
}

function fail(error_code: number, description: string, retry_after?: number): ApiResponse {
  return retry_after === undefined ? { ok: false, error_code, description } : { ok: false, error_code, description, parameters: { retry_after } };
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function parseChatId(v: unknown): number | null {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v !== 0) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return parseChatId(Number(v));
  return null;
}

function updateKind(u: Update): string {
  return Object.keys(u).find((k) => k !== 'update_id') ?? 'unknown';
}

/** Strips a leading emoji (and variation selectors / joiners) plus spaces from a button label. */
function labelWords(label: string): string {
  return label.replace(/^[^\p{L}\p{N}]+/u, '');
}

function commandEntities(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  const re = /(^|\s)(\/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,})?)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ type: 'bot_command', offset: m.index + m[1]!.length, length: m[2]!.length });
  }
  return out;
}

export class BotApiTestServer {
  readonly token: string;
  readonly botId: number;
  readonly botUsername: string;
  readonly botFirstName: string;
  readonly defaultTimeoutMs: number;

  private readonly host: string;
  private readonly requestedPort: number;
  private readonly webhookRetryMs: number;
  private readonly now: () => number;
  private readonly events = new EventEmitter();
  private readonly handlers: Record<Method, Handler>;

  private server: Server | null = null;
  private root: string | null = null;
  private stopped = false;
  private readonly lifetime = new AbortController();

  private chats = new Map<number, ChatState>();
  private users = new Map<number, TelegramUser>();
  private updates: Update[] = [];
  private nextUpdateId = 1;
  private allowedUpdates: string[] | null = null;
  private poll: PendingPoll | null = null;
  private webhookState: WebhookState | null = null;
  private webhookBusy = false;
  private webhookTimer: NodeJS.Timeout | null = null;
  private callLog: RecordedCall[] = [];
  private callSeq = 0;
  private failures = new Map<string, { failure: InjectedFailure; remaining: number }[]>();
  private faultPlan: FaultPlan | null = null;
  private pendingCallbacks = new Map<string, PendingCallback>();
  private answers: CallbackAnswer[] = [];
  private nextQueryId = 1;
  private myCommands: BotCommand[] = [];

  constructor(options: BotApiTestServerOptions = {}) {
    this.token = options.token ?? '123456789:TEST-dozor-bot-token';
    const id = Number(this.token.split(':')[0]);
    this.botId = Number.isSafeInteger(id) && id > 0 ? id : 123456789;
    this.botUsername = options.botUsername ?? 'dozor_test_bot';
    this.botFirstName = options.botFirstName ?? 'Dozor Test Bot';
    this.host = options.host ?? '127.0.0.1';
    this.requestedPort = options.port ?? 0;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 5000;
    this.webhookRetryMs = options.webhookRetryMs ?? 100;
    this.now = options.now ?? Date.now;
    this.events.setMaxListeners(0);
    this.handlers = {
      getMe: () => ok(this.botUser(true)),
      getUpdates: (p, signal) => this.getUpdates(p, signal),
      sendMessage: (p) => this.sendMessage(p),
      editMessageText: (p) => this.editMessage(p, 'editMessageText'),
      editMessageReplyMarkup: (p) => this.editMessage(p, 'editMessageReplyMarkup'),
      deleteMessage: (p) => this.deleteMessage(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => this.deleteWebhook(p),
      getWebhookInfo: () => this.getWebhookInfo(),
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: () => ok(clone(this.myCommands)),
      deleteMyCommands: () => {
        this.myCommands = [];
        return ok(true);
      },
    };
  }

  /** Creates and starts a server. */
  static async start(options: BotApiTestServerOptions = {}): Promise<BotApiTestServer> {
    return new BotApiTestServer(options).start();
  }

  async start(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.writeJson(res, fail(500, `Internal Server Error: ${String(e)}`));
        else res.destroy();
      });
    });
    // Long keep-alive so a client never reuses a socket the server is closing.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 121_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.requestedPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    this.root = `http://${this.host}:${addr.port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.lifetime.abort();
    if (this.webhookTimer) clearTimeout(this.webhookTimer);
    if (this.poll) this.resolvePoll(ok([]));
    for (const cb of this.pendingCallbacks.values()) {
      clearTimeout(cb.timer);
      cb.reject(new Error(`Bot API test server stopped before callback query ${cb.queryId} was answered`));
    }
    this.pendingCallbacks.clear();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** `http://127.0.0.1:<port>`, for Telegraf's `telegram.apiRoot`. */
  get apiRoot(): string {
    if (!this.root) throw new Error('BotApiTestServer is not started');
    return this.root;
  }

  get port(): number {
    return Number(new URL(this.apiRoot).port);
  }

  /** Forgets chats, updates, calls, failures, webhook and commands; keeps the port. */
  reset(): void {
    if (this.poll) this.resolvePoll(ok([]));
    for (const cb of this.pendingCallbacks.values()) {
      clearTimeout(cb.timer);
      cb.reject(new Error(`Bot API test server was reset before callback query ${cb.queryId} was answered`));
    }
    this.pendingCallbacks.clear();
    this.answers = [];
    this.chats.clear();
    this.users.clear();
    this.updates = [];
    this.allowedUpdates = null;
    this.webhookState = null;
    this.callLog = [];
    this.failures.clear();
    this.faultPlan = null;
    this.myCommands = [];
    this.changed();
  }

  /* ------------------------------------------------------------ test side */

  chat(id: number | string): ChatHandle {
    const chatId = parseChatId(id);
    if (chatId === null) throw new Error(`Not a chat id: ${String(id)}`);
    return new ChatHandle(this, chatId);
  }

  /** Sets the profile a user id presents in updates. Default: first_name `User<id>`, username `user<id>`. */
  setUser(id: number, fields: Partial<Omit<TelegramUser, 'id' | 'is_bot'>>): TelegramUser {
    const user = { ...this.user(id), ...fields };
    this.users.set(id, user);
    return clone(user);
  }

  user(id: number): TelegramUser {
    return clone(this.users.get(id) ?? { id, is_bot: false, first_name: `User${id}`, username: `user${id}`, language_code: 'en' });
  }

  /**
   * A user writes `text` in a chat (for a private chat, chatId is the user's id).
   * Leading `/commands` get `bot_command` entities, so Telegraf's `command()` and `start()` match.
   */
  sendText(chatId: number, fromUserId: number, text: string): { updateId: number; messageId: number } {
    const chat = this.chatState(chatId);
    const entities = commandEntities(text);
    const at = this.now();
    const msg: StoredMessage = {
      message_id: chat.nextMessageId++,
      chat_id: chatId,
      from: fromUserId,
      date: Math.floor(at / 1000),
      text,
      raw: text,
      entities,
      edits: 0,
      deleted: false,
      params: {},
      versions: [{ text, raw: text, entities, method: 'user', atMs: at }],
    };
    chat.messages.push(msg);
    const updateId = this.enqueueUpdate({ message: this.apiMessage(msg) });
    return { updateId, messageId: msg.message_id };
  }

  /**
   * A user presses the inline button of a bot message whose label starts with
   * `labelPrefix` (a leading emoji in the label is ignored: `'Acknowledge'`
   * matches `'✅ Acknowledge'` but not `'Unacknowledge'`). Enqueues a
   * `callback_query` update and resolves with the text of the
   * `answerCallbackQuery` answer for it ('' when answered without text);
   * rejects when it is not answered within the timeout.
   */
  pressButton(chatId: number, messageId: number, labelPrefix: string, fromUserId: number, options: WaitOptions = {}): Promise<string> {
    const chat = this.chats.get(chatId);
    const msg = chat?.messages.find((m) => m.message_id === messageId && m.from === 'bot' && !m.deleted);
    if (!msg) throw new Error(`pressButton: no bot message ${messageId} in chat ${chatId}`);
    const buttons = ((msg.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? []).flat();
    const labels = buttons.map((b) => b.text);
    const exact = buttons.filter((b) => b.text === labelPrefix || labelWords(b.text) === labelPrefix);
    const candidates = exact.length > 0 ? exact : buttons.filter((b) => b.text.startsWith(labelPrefix) || labelWords(b.text).startsWith(labelPrefix));
    if (candidates.length !== 1) {
      throw new Error(
        `pressButton: ${candidates.length === 0 ? 'no' : 'more than one'} button matching ${JSON.stringify(labelPrefix)} on message ${messageId} in chat ${chatId}; buttons: ${JSON.stringify(labels)}`,
      );
    }
    const button = candidates[0]!;
    if (typeof button.callback_data !== 'string') throw new Error(`pressButton: button ${JSON.stringify(button.text)} has no callback_data`);
    const queryId = String(4_000_000_000_000_000 + this.nextQueryId++);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const promise = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingCallbacks.delete(queryId);
        reject(
          new Error(
            `callback query ${queryId} (button ${JSON.stringify(button.text)} on message ${messageId} in chat ${chatId}) was not answered within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pendingCallbacks.set(queryId, { queryId, chatId, messageId, label: button.text, resolve, reject, timer });
    });
    // A press the test never awaits must not become an unhandled rejection; awaiting it still rejects.
    promise.catch(() => undefined);
    this.enqueueUpdate({
      callback_query: {
        id: queryId,
        from: this.user(fromUserId),
        message: this.apiMessage(msg),
        chat_instance: String(-Math.abs(chatId) - 7_000_000_000_000),
        data: button.callback_data,
      },
    });
    return promise;
  }

  /** Adds any update (without `update_id`, which the server assigns) and returns its id. */
  enqueueUpdate(update: Record<string, unknown>): number {
    const u: Update = { update_id: this.nextUpdateId++, ...update };
    this.updates.push(u);
    this.changed();
    this.flushPoll();
    this.kickWebhook();
    return u.update_id;
  }

  /** Updates not yet confirmed by the bot (getUpdates offset) or accepted by its webhook. */
  pendingUpdates(): Update[] {
    return clone(this.updates);
  }

  /**
   * The next `times` calls of `method` fail with the given answer instead of
   * being processed: `{ error_code: 429, retry_after: 3 }`,
   * `{ error_code: 502, description: 'Bad Gateway' }`, `{ error_code: 403,
   * description: 'Forbidden: bot was blocked by the user' }`, or
   * `{ network: true }` to drop the connection. For 5xx the HTTP status line
   * carries the description, which is what Telegraf reads.
   */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    const key = method.toLowerCase();
    const queue = this.failures.get(key) ?? [];
    queue.push({ failure, remaining: times });
    this.failures.set(key, queue);
  }

  /**
   * From now on a seeded share of the calls of some methods fails, e.g. 20%
   * of sendMessage with 429 (`retry_after` 3) and 10% with 502; null stops it.
   * Scripted `failNext` failures still come first. Injected calls are in
   * `calls()` with `injected: true`.
   */
  injectFaults(plan: FaultPlanOptions | null): void {
    this.faultPlan = plan ? new FaultPlan(plan) : null;
  }

  /** Drops scripted failures and the fault plan. */
  clearFailures(): void {
    this.failures.clear();
    this.faultPlan = null;
  }

  /** Every call received, oldest first; optionally only one method. */
  calls(method?: string): RecordedCall[] {
    const key = method?.toLowerCase();
    return clone(key === undefined ? this.callLog : this.callLog.filter((c) => c.method.toLowerCase() === key));
  }

  /** Calls addressed to one chat (by `chat_id`), oldest first, each with its arrival time `atMs`; optionally only one method. */
  callsToChat(chatId: number, method?: string): RecordedCall[] {
    return this.calls(method).filter((c) => parseChatId(c.params.chat_id) === chatId);
  }

  /** Resolves with the first recorded call of `method` (optionally matching `predicate`), waiting for it. */
  waitForCall(method: string, predicate: (call: RecordedCall) => boolean = () => true, options: WaitOptions = {}): Promise<RecordedCall> {
    return this.waitUntil(
      () => this.calls(method).find(predicate),
      options,
      () => `no matching ${method} call; calls so far: ${JSON.stringify(this.callLog.map((c) => c.method))}`,
    );
  }

  /** Answers given to callback queries, in order. */
  callbackAnswers(): CallbackAnswer[] {
    return clone(this.answers);
  }

  /** True while a getUpdates long poll is held open. */
  get isPolling(): boolean {
    return this.poll !== null;
  }

  /** Ids of callback queries pressed but not answered yet. */
  unansweredCallbacks(): string[] {
    return [...this.pendingCallbacks.keys()];
  }

  webhook(): { url: string; secretToken: string | null; allowedUpdates: string[] | null; lastErrorMessage: string | null } | null {
    const w = this.webhookState;
    return w ? { url: w.url, secretToken: w.secretToken, allowedUpdates: w.allowedUpdates, lastErrorMessage: w.lastErrorMessage } : null;
  }

  commands(): BotCommand[] {
    return clone(this.myCommands);
  }

  /**
   * Resolves with the first defined value of `check`, evaluated now and after
   * every change of server state (and every 25 ms); rejects after the timeout
   * with `describe()` in the message.
   */
  waitUntil<T>(check: () => T | undefined, options: WaitOptions, describe: () => string): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const first = check();
      if (first !== undefined) return resolve(first);
      const onChange = (): void => {
        const v = check();
        if (v !== undefined) {
          cleanup();
          resolve(v);
        }
      };
      const interval = setInterval(onChange, 25);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearInterval(interval);
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
    });
  }

  /** Snapshot of the messages of a chat: the bot's only, or all. */
  messagesOf(chatId: number, includeUserMessages = false): StoredMessage[] {
    const chat = this.chats.get(chatId);
    if (!chat) return [];
    return clone(chat.messages.filter((m) => includeUserMessages || m.from === 'bot'));
  }

  /** Makes sends and edits to the chat fail with 403, as after the user blocks the bot. null lifts it. */
  setChatBlock(chatId: number, block: ChatBlock | null): void {
    this.chatState(chatId).block = block;
  }

  /* ------------------------------------------------------------ HTTP side */

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const atMs = this.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    if (body === null) {
      res.destroy();
      return;
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/.exec(url.pathname);
    if (!m) {
      this.writeJson(res, fail(404, 'Not Found'));
      return;
    }
    const token = decodeURIComponent(m[1]!);
    const method = CANONICAL.get(m[2]!.toLowerCase());
    let params: Record<string, unknown>;
    try {
      params = parseParams(url, req.headers['content-type'], body);
    } catch (e) {
      const response = fail(400, e instanceof ParamsError ? e.message : 'Bad Request');
      this.record(method ?? m[2]!, {}, 'http', atMs, response, false);
      this.writeJson(res, response);
      return;
    }
    if (token !== this.token) {
      const response = fail(401, 'Unauthorized');
      this.record(method ?? m[2]!, params, 'http', atMs, response, false);
      this.writeJson(res, response);
      return;
    }
    if (!method) {
      const response = fail(404, 'Not Found');
      this.record(m[2]!, params, 'http', atMs, response, false);
      this.writeJson(res, response);
      return;
    }
    const injected = this.takeFailure(method);
    if (injected) {
      if ('network' in injected) {
        this.record(method, params, 'http', atMs, null, true);
        req.socket.destroy();
        return;
      }
      const code = injected.error_code;
      const description =
        injected.description ?? (code === 429 ? `Too Many Requests: retry after ${injected.retry_after ?? 1}` : (DEFAULT_DESCRIPTIONS[code] ?? 'Error'));
      const retryAfter = code === 429 ? (injected.retry_after ?? 1) : injected.retry_after;
      const response = fail(code, description, retryAfter);
      this.record(method, params, 'http', atMs, response, true);
      this.writeJson(res, response);
      return;
    }
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) abort.abort();
    });
    const response = await this.handlers[method](params, abort.signal);
    this.record(method, params, 'http', atMs, abort.signal.aborted ? null : response, false);
    if (!abort.signal.aborted) this.writeJson(res, response);
  }

  private writeJson(res: ServerResponse, response: ApiResponse): void {
    const body = JSON.stringify(response);
    const status = response.ok ? 200 : response.error_code;
    if (!response.ok && status >= 500) {
      // Telegraf reports 5xx with the HTTP status text, not the body.
      res.statusMessage = response.description.replace(/[^\x20-\x7e]/g, '?');
    }
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private record(
    method: string,
    params: Record<string, unknown>,
    via: RecordedCall['via'],
    atMs: number,
    response: ApiResponse | null,
    injected: boolean,
  ): void {
    this.callLog.push({
      seq: ++this.callSeq,
      method,
      params: clone(params),
      via,
      atMs,
      status: response === null ? 0 : response.ok ? 200 : response.error_code,
      response: response === null ? null : clone(response),
      injected,
    });
    this.changed();
  }

  private takeFailure(method: Method): InjectedFailure | null {
    const queue = this.failures.get(method.toLowerCase());
    const head = queue?.[0];
    if (!queue || !head) return this.faultPlan?.draw(method) ?? null;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.failure;
  }

  private changed(): void {
    this.events.emit('change');
  }

  /* --------------------------------------------------------------- state */

  private chatState(chatId: number): ChatState {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = { id: chatId, messages: [], nextMessageId: 1, block: null };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  private botUser(full = false): Record<string, unknown> {
    const u: Record<string, unknown> = { id: this.botId, is_bot: true, first_name: this.botFirstName, username: this.botUsername };
    if (full) Object.assign(u, { can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
    return u;
  }

  private apiChat(chatId: number): TelegramChat {
    if (chatId > 0) {
      const u = this.user(chatId);
      const c: TelegramChat = { id: chatId, type: 'private', first_name: u.first_name };
      if (u.last_name) c.last_name = u.last_name;
      if (u.username) c.username = u.username;
      return c;
    }
    return { id: chatId, type: chatId <= -1_000_000_000_000 ? 'supergroup' : 'group', title: `Group ${chatId}` };
  }

  private apiMessage(msg: StoredMessage): Record<string, unknown> {
    const out: Record<string, unknown> = {
      message_id: msg.message_id,
      from: msg.from === 'bot' ? this.botUser() : this.user(msg.from),
      chat: this.apiChat(msg.chat_id),
      date: msg.date,
    };
    if (msg.edit_date !== undefined) out.edit_date = msg.edit_date;
    out.text = msg.text;
    if (msg.entities.length > 0) out.entities = clone(msg.entities);
    if (msg.reply_markup && 'inline_keyboard' in msg.reply_markup) out.reply_markup = clone(msg.reply_markup);
    return out;
  }

  /* ------------------------------------------------------------- methods */

  private parseText(raw: unknown, parseMode: unknown): { text: string; raw: string; entities: MessageEntity[]; parse_mode?: string } | ApiResponse {
    if (typeof raw === 'number') raw = String(raw);
    if (typeof raw !== 'string' || raw.trim() === '') return fail(400, 'Bad Request: message text is empty');
    let text = raw;
    let entities: MessageEntity[] = [];
    let mode: string | undefined;
    if (parseMode !== undefined && parseMode !== null && parseMode !== '') {
      if (typeof parseMode !== 'string') return fail(400, 'Bad Request: unsupported parse_mode');
      const lower = parseMode.toLowerCase();
      if (lower === 'html') {
        const parsed = parseTelegramHtml(raw);
        if (!parsed.ok) return fail(400, parsed.error);
        text = parsed.text;
        entities = parsed.entities;
      } else if (lower !== 'markdown' && lower !== 'markdownv2') {
        return fail(400, 'Bad Request: unsupported parse_mode');
      }
      mode = parseMode;
    }
    if (text.trim() === '') return fail(400, 'Bad Request: message text is empty');
    if (text.length > MAX_TEXT) return fail(400, 'Bad Request: message is too long');
    return mode === undefined ? { text, raw, entities } : { text, raw, entities, parse_mode: mode };
  }

  /** Validates reply_markup; inline keyboards get Telegram's checks (callback_data of 1-64 bytes). */
  private parseMarkup(v: unknown, inlineOnly: boolean): { markup: ReplyMarkup | undefined } | ApiResponse {
    if (v === undefined || v === null || v === '') return { markup: undefined };
    if (typeof v !== 'object' || Array.isArray(v)) return fail(400, "Bad Request: can't parse reply keyboard markup JSON object");
    const obj = v as Record<string, unknown>;
    if (!('inline_keyboard' in obj)) {
      if (inlineOnly) return fail(400, 'Bad Request: inline keyboard expected');
      return { markup: clone(obj) };
    }
    const rows = obj.inline_keyboard;
    if (!Array.isArray(rows)) return fail(400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array');
    const kept: InlineKeyboardMarkup['inline_keyboard'] = [];
    for (const row of rows) {
      if (!Array.isArray(row)) return fail(400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
      for (const b of row) {
        if (!b || typeof b !== 'object') return fail(400, "Bad Request: can't parse inline keyboard button: InlineKeyboardButton must be an Object");
        const button = b as Record<string, unknown>;
        if (typeof button.text !== 'string' || button.text === '') return fail(400, 'Bad Request: BUTTON_TEXT_INVALID');
        const actions = Object.keys(button).filter((k) => k !== 'text');
        if (actions.length === 0) return fail(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
        if ('callback_data' in button) {
          const data = button.callback_data;
          const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0;
          if (bytes < 1 || bytes > 64) return fail(400, 'Bad Request: BUTTON_DATA_INVALID');
        }
        if ('url' in button && (typeof button.url !== 'string' || !/^(https?|tg):\/\//i.test(button.url))) return fail(400, 'Bad Request: BUTTON_URL_INVALID');
      }
      if (row.length > 0) kept.push(clone(row) as InlineKeyboardMarkup['inline_keyboard'][number]);
    }
    return { markup: kept.length > 0 ? { inline_keyboard: kept } : undefined };
  }

  private sendMessage(p: Record<string, unknown>): ApiResponse {
    const chatId = parseChatId(p.chat_id);
    if (p.chat_id === undefined || p.chat_id === '') return fail(400, 'Bad Request: chat_id is empty');
    if (chatId === null) return fail(400, 'Bad Request: chat not found');
    const text = this.parseText(p.text, p.parse_mode);
    if ('ok' in text) return text;
    const markup = this.parseMarkup(p.reply_markup, false);
    if ('ok' in markup) return markup;
    const chat = this.chatState(chatId);
    if (chat.block) return fail(403, BLOCK_DESCRIPTIONS[chat.block]);
    const at = this.now();
    const version: MessageVersion = { text: text.text, raw: text.raw, entities: text.entities, method: 'sendMessage', atMs: at };
    if (text.parse_mode !== undefined) version.parse_mode = text.parse_mode;
    if (markup.markup !== undefined) version.reply_markup = markup.markup;
    const msg: StoredMessage = {
      message_id: chat.nextMessageId++,
      chat_id: chatId,
      from: 'bot',
      date: Math.floor(at / 1000),
      text: text.text,
      raw: text.raw,
      entities: text.entities,
      edits: 0,
      deleted: false,
      params: clone(p),
      versions: [clone(version)],
    };
    if (text.parse_mode !== undefined) msg.parse_mode = text.parse_mode;
    if (markup.markup !== undefined) msg.reply_markup = markup.markup;
    chat.messages.push(msg);
    this.changed();
    return ok(this.apiMessage(msg));
  }

  private editMessage(p: Record<string, unknown>, method: 'editMessageText' | 'editMessageReplyMarkup'): ApiResponse {
    if (p.inline_message_id !== undefined) return fail(400, 'Bad Request: MESSAGE_ID_INVALID');
    const chatId = parseChatId(p.chat_id);
    if (p.chat_id === undefined || p.chat_id === '') return fail(400, 'Bad Request: chat_id is empty');
    if (chatId === null) return fail(400, 'Bad Request: chat not found');
    const messageId = typeof p.message_id === 'number' ? p.message_id : NaN;
    if (!Number.isSafeInteger(messageId) || messageId <= 0) return fail(400, 'Bad Request: message identifier is not specified');
    const chat = this.chats.get(chatId);
    if (!chat) return fail(400, 'Bad Request: chat not found');
    if (chat.block) return fail(403, BLOCK_DESCRIPTIONS[chat.block]);
    const msg = chat.messages.find((m) => m.message_id === messageId && !m.deleted);
    if (!msg) return fail(400, 'Bad Request: message to edit not found');
    if (msg.from !== 'bot') return fail(400, "Bad Request: message can't be edited");
    let next: { text: string; raw: string; entities: MessageEntity[]; parse_mode?: string };
    if (method === 'editMessageText') {
      const parsed = this.parseText(p.text, p.parse_mode);
      if ('ok' in parsed) return parsed;
      next = parsed;
    } else {
      next = { text: msg.text, raw: msg.raw, entities: msg.entities };
      if (msg.parse_mode !== undefined) next.parse_mode = msg.parse_mode;
    }
    // As in Telegram, an edit without reply_markup removes the inline keyboard.
    const markup = this.parseMarkup(p.reply_markup, true);
    if ('ok' in markup) return markup;
    const same =
      next.text === msg.text &&
      canonicalJson(next.entities) === canonicalJson(msg.entities) &&
      canonicalJson(markup.markup ?? null) === canonicalJson(msg.reply_markup ?? null);
    if (same) return fail(400, NOT_MODIFIED);
    const at = this.now();
    const version: MessageVersion = { text: next.text, raw: next.raw, entities: next.entities, method, atMs: at };
    if (next.parse_mode !== undefined) version.parse_mode = next.parse_mode;
    if (markup.markup !== undefined) version.reply_markup = markup.markup;
    msg.text = next.text;
    msg.raw = next.raw;
    msg.entities = next.entities;
    if (next.parse_mode !== undefined) msg.parse_mode = next.parse_mode;
    else delete msg.parse_mode;
    if (markup.markup !== undefined) msg.reply_markup = markup.markup;
    else delete msg.reply_markup;
    msg.edit_date = Math.floor(at / 1000);
    msg.edits += 1;
    msg.versions.push(clone(version));
    this.changed();
    return ok(this.apiMessage(msg));
  }

  private deleteMessage(p: Record<string, unknown>): ApiResponse {
    const chatId = parseChatId(p.chat_id);
    const chat = chatId === null ? undefined : this.chats.get(chatId);
    if (!chat) return fail(400, 'Bad Request: chat not found');
    const msg = chat.messages.find((m) => m.message_id === p.message_id && !m.deleted);
    if (!msg) return fail(400, 'Bad Request: message to delete not found');
    msg.deleted = true;
    this.changed();
    return ok(true);
  }

  private answerCallbackQuery(p: Record<string, unknown>): ApiResponse {
    const id = typeof p.callback_query_id === 'string' ? p.callback_query_id : typeof p.callback_query_id === 'number' ? String(p.callback_query_id) : '';
    const pending = this.pendingCallbacks.get(id);
    if (!pending) return fail(400, QUERY_INVALID);
    const text = p.text === undefined || p.text === null ? '' : String(p.text);
    if (text.length > 200) return fail(400, 'Bad Request: MESSAGE_TOO_LONG');
    this.pendingCallbacks.delete(id);
    clearTimeout(pending.timer);
    const answer: CallbackAnswer = { callback_query_id: id, text, show_alert: p.show_alert === true };
    if (typeof p.url === 'string') answer.url = p.url;
    this.answers.push(answer);
    pending.resolve(text);
    this.changed();
    return ok(true);
  }

  private getUpdates(p: Record<string, unknown>, signal: AbortSignal): ApiResponse | Promise<ApiResponse> {
    if (this.webhookState) {
      return fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    if (this.poll) this.resolvePoll(fail(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    const offset = typeof p.offset === 'number' ? p.offset : 0;
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.updates = this.updates.slice(offset);
    if (Array.isArray(p.allowed_updates)) this.allowedUpdates = p.allowed_updates.length > 0 ? p.allowed_updates.map(String) : null;
    const limit = typeof p.limit === 'number' && p.limit >= 1 && p.limit <= 100 ? p.limit : 100;
    const timeoutS = typeof p.timeout === 'number' && p.timeout > 0 ? p.timeout : 0;
    const ready = this.deliverable(limit);
    if (ready.length > 0 || timeoutS === 0 || this.stopped) return ok(ready);
    return new Promise<ApiResponse>((resolve) => {
      const poll: PendingPoll = { resolve, limit, timer: null };
      poll.timer = setTimeout(() => {
        if (this.poll === poll) this.resolvePoll(ok([]));
      }, timeoutS * 1000);
      signal.addEventListener('abort', () => {
        if (this.poll === poll) this.resolvePoll(ok([]));
      });
      this.poll = poll;
    });
  }

  /** Drops updates the bot excluded with allowed_updates and returns up to `limit` of the rest. */
  private deliverable(limit: number): Update[] {
    const allowed = this.webhookState?.allowedUpdates ?? this.allowedUpdates;
    if (allowed) this.updates = this.updates.filter((u) => allowed.includes(updateKind(u)));
    return clone(this.updates.slice(0, limit));
  }

  private resolvePoll(response: ApiResponse): void {
    const poll = this.poll;
    if (!poll) return;
    this.poll = null;
    if (poll.timer) clearTimeout(poll.timer);
    poll.resolve(response);
  }

  private flushPoll(): void {
    if (!this.poll) return;
    const ready = this.deliverable(this.poll.limit);
    if (ready.length > 0) this.resolvePoll(ok(ready));
  }

  private setWebhook(p: Record<string, unknown>): ApiResponse {
    const url = typeof p.url === 'string' ? p.url : '';
    if (url === '') return this.deleteWebhook(p);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return fail(400, 'Bad Request: bad webhook: Failed to resolve host: Name or service not known');
    }
    // Telegram requires HTTPS; this server also accepts http so tests can use loopback.
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return fail(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    const secret = p.secret_token;
    if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
      return fail(400, 'Bad Request: secret token contains unallowed characters');
    }
    if (p.drop_pending_updates === true) this.updates = [];
    if (this.poll) this.resolvePoll(fail(409, 'Conflict: terminated by setWebhook request'));
    const allowed = Array.isArray(p.allowed_updates) && p.allowed_updates.length > 0 ? p.allowed_updates.map(String) : null;
    this.webhookState = {
      url,
      secretToken: typeof secret === 'string' ? secret : null,
      maxConnections: typeof p.max_connections === 'number' ? p.max_connections : 40,
      allowedUpdates: allowed,
      lastErrorDate: null,
      lastErrorMessage: null,
    };
    this.changed();
    this.kickWebhook();
    return ok(true, 'Webhook was set');
  }

  private deleteWebhook(p: Record<string, unknown>): ApiResponse {
    const had = this.webhookState !== null;
    this.webhookState = null;
    if (this.webhookTimer) clearTimeout(this.webhookTimer);
    this.webhookTimer = null;
    if (p.drop_pending_updates === true) this.updates = [];
    this.changed();
    return ok(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  }

  private getWebhookInfo(): ApiResponse {
    const w = this.webhookState;
    if (!w) return ok({ url: '', has_custom_certificate: false, pending_update_count: this.updates.length });
    const info: Record<string, unknown> = {
      url: w.url,
      has_custom_certificate: false,
      pending_update_count: this.updates.length,
      max_connections: w.maxConnections,
      ip_address: '127.0.0.1',
    };
    if (w.allowedUpdates) info.allowed_updates = w.allowedUpdates;
    if (w.lastErrorDate !== null) {
      info.last_error_date = w.lastErrorDate;
      info.last_error_message = w.lastErrorMessage;
    }
    return ok(info);
  }

  private setMyCommands(p: Record<string, unknown>): ApiResponse {
    if (!Array.isArray(p.commands)) return fail(400, "Bad Request: can't parse commands JSON object");
    const commands: BotCommand[] = [];
    for (const c of p.commands) {
      const cmd = c as Partial<BotCommand> | null;
      if (!cmd || typeof cmd.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(cmd.command)) return fail(400, 'Bad Request: BOT_COMMAND_INVALID');
      if (typeof cmd.description !== 'string' || cmd.description.length < 1 || cmd.description.length > 256) {
        return fail(400, 'Bad Request: command description must be non-empty');
      }
      commands.push({ command: cmd.command, description: cmd.description });
    }
    this.myCommands = commands;
    this.changed();
    return ok(true);
  }

  /* ------------------------------------------------------------- webhook */

  private kickWebhook(): void {
    if (!this.webhookState || this.webhookBusy || this.stopped || this.webhookTimer) return;
    const [next] = this.deliverable(1);
    if (!next) return;
    this.webhookBusy = true;
    void this.deliver(this.webhookState, next).finally(() => {
      this.webhookBusy = false;
      this.kickWebhook();
    });
  }

  private async deliver(hook: WebhookState, update: Update): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    let error: string | null = null;
    let replyText = '';
    try {
      const res = await postOnce(hook.url, JSON.stringify(update), headers, this.lifetime.signal);
      replyText = res.text;
      if (res.status < 200 || res.status > 299) error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
    } catch (e) {
      error = `Connection refused: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (this.stopped || this.webhookState !== hook) return;
    if (error) {
      hook.lastErrorDate = Math.floor(this.now() / 1000);
      hook.lastErrorMessage = error;
      this.changed();
      this.webhookTimer = setTimeout(() => {
        this.webhookTimer = null;
        this.kickWebhook();
      }, this.webhookRetryMs);
      return;
    }
    this.updates = this.updates.filter((u) => u.update_id !== update.update_id);
    this.changed();
    await this.handleWebhookReply(replyText);
  }

  /** A webhook may answer an update with one method call in its response body, which Telegraf does for answerCallbackQuery. */
  private async handleWebhookReply(text: string): Promise<void> {
    if (text.trim() === '') return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return;
    }
    if (!body || typeof body !== 'object' || typeof (body as { method?: unknown }).method !== 'string') return;
    const { method: name, ...rest } = body as Record<string, unknown>;
    const method = CANONICAL.get(String(name).toLowerCase());
    const atMs = this.now();
    if (!method || method === 'getUpdates') {
      this.record(String(name), rest, 'webhook-reply', atMs, fail(404, 'Not Found'), false);
      return;
    }
    let params: Record<string, unknown>;
    try {
      params = parseParams(new URL('http://localhost/'), 'application/json', Buffer.from(JSON.stringify(rest)));
    } catch (e) {
      this.record(method, rest, 'webhook-reply', atMs, fail(400, e instanceof Error ? e.message : 'Bad Request'), false);
      return;
    }
    const injected = this.takeFailure(method);
    if (injected) {
      this.record(method, params, 'webhook-reply', atMs, 'network' in injected ? null : fail(injected.error_code, injected.description ?? 'Error'), true);
      return;
    }
    const response = await this.handlers[method](params, this.lifetime.signal);
    this.record(method, params, 'webhook-reply', atMs, response, false);
  }
}
