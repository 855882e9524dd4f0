import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Telegraf } from 'telegraf';
import { BotApiTestServer } from '@dozor/testing';
import { RateLimiter } from './rate-limiter.js';
import { renderGroupMessage, type GroupView } from './render.js';
import { LocalSendLimits, pauseChat, type Change, type SendLimits } from './send-limits.js';
import { classifyTelegramError, TelegramSender, type TelegramSenderOptions } from './telegram.sender.js';

const view: GroupView = {
  alertGroupId: 'abcdefghijklmnopqrst-1',
  title: 'AlwaysFiringTest critical',
  severity: 'critical',
  state: 'firing',
  alertsCount: 1,
  labels: { alertname: 'AlwaysFiringTest', severity: 'critical' },
  summary: 'Always firing test alert',
  integrationName: 'Alertmanager',
};
const secret = 'sender-spec-secret';
const firing = renderGroupMessage(view, { callbackSecret: secret });
const acknowledged = renderGroupMessage({ ...view, state: 'acknowledged', acknowledgedBy: 'alice' }, { callbackSecret: secret });

describe('TelegramSender against the Bot API test server', () => {
  let telegram: BotApiTestServer;
  let clock: number;
  let sleeps: number[];

  beforeAll(async () => {
    telegram = await BotApiTestServer.start();
  });
  afterAll(async () => {
    await telegram.stop();
  });
  beforeEach(() => {
    telegram.reset();
    clock = 1_000_000;
    sleeps = [];
  });

  /**
   * A sender whose sleeps move a fake clock instead of waiting. Its limiter
   * lets everything through, so the sleeps are the retry policy's alone; the
   * last test uses Telegram's limits.
   */
  function sender(options: TelegramSenderOptions = {}): TelegramSender {
    const client = new Telegraf(telegram.token, { telegram: { apiRoot: telegram.apiRoot } }).telegram;
    const unlimited = { limit: 1_000_000, windowMs: 1 };
    return new TelegramSender(client, {
      limiter: new RateLimiter({ perChat: unlimited, perGroup: unlimited, global: unlimited }),
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      random: () => 0.5,
      ...options,
    });
  }

  it('sends a rendered message and the user sees it with its buttons', async () => {
    const outcome = await sender().send(42, firing);
    expect(outcome).toEqual({ ok: true, messageId: 1, attempts: 1 });
    const msg = await telegram.chat(42).expectMessage(/AlwaysFiringTest/);
    expect(msg.parse_mode).toBe('HTML');
    expect(telegram.chat(42).buttons(1)).toEqual([
      ['✅ Acknowledge', '☑️ Resolve'],
      ['🔕 Silence 1h', '🔕 Silence 4h', '🔕 Silence forever'],
    ]);
    expect(telegram.calls('sendMessage')[0]!.params).toMatchObject({ link_preview_options: { is_disabled: true } });
    expect(sleeps).toEqual([]);
  });

  it('waits retry_after on 429 and then succeeds', async () => {
    telegram.failNext('sendMessage', { error_code: 429, retry_after: 3 });
    const outcome = await sender().send(42, firing);
    expect(outcome).toEqual({ ok: true, messageId: 1, attempts: 2 });
    expect(sleeps).toEqual([3000]);
    expect(telegram.calls('sendMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(telegram.chat(42).messages()).toHaveLength(1);
  });

  it('returns a transient failure when retry_after is longer than it will wait', async () => {
    telegram.failNext('sendMessage', { error_code: 429, retry_after: 600 });
    const outcome = await sender({ maxRetryAfterMs: 60_000 }).send(42, firing);
    expect(outcome).toMatchObject({ ok: false, permanent: false, reason: 'rate_limited', errorCode: 429, retryAfterMs: 600_000, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('backs off with jitter on 5xx and then succeeds', async () => {
    telegram.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, 2);
    const outcome = await sender({ baseBackoffMs: 400 }).send(42, firing);
    expect(outcome).toEqual({ ok: true, messageId: 1, attempts: 3 });
    // Equal jitter with random() = 0.5: 3/4 of 400, then of 800.
    expect(sleeps).toEqual([300, 600]);
    expect(telegram.calls('sendMessage').map((c) => c.status)).toEqual([502, 502, 200]);
  });

  it('reports each retry it is about to wait for', async () => {
    telegram.failNext('sendMessage', { error_code: 429, retry_after: 2 });
    telegram.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    const retries: unknown[] = [];
    const outcome = await sender({ baseBackoffMs: 400 }).send(42, firing, { onRetry: (r) => retries.push(r) });
    expect(outcome).toMatchObject({ ok: true, attempts: 3 });
    expect(retries).toEqual([
      { reason: 'rate_limited', description: 'Too Many Requests: retry after 2', errorCode: 429, retryAfterMs: 2000, attempt: 1 },
      { reason: 'server_error', description: 'Bad Gateway', errorCode: 502, retryAfterMs: 600, attempt: 2 },
    ]);
  });

  it('retries network errors', async () => {
    telegram.failNext('sendMessage', { network: true });
    const outcome = await sender().send(42, firing);
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(sleeps).toHaveLength(1);
  });

  it('gives up after maxAttempts with a transient failure', async () => {
    telegram.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, 10);
    const outcome = await sender({ maxAttempts: 3 }).send(42, firing);
    expect(outcome).toEqual({ ok: false, permanent: false, reason: 'server_error', description: 'Internal Server Error', errorCode: 500, attempts: 3 });
    expect(telegram.calls('sendMessage')).toHaveLength(3);
  });

  it.each([
    ['Forbidden: bot was blocked by the user', 'bot_blocked'],
    ['Forbidden: user is deactivated', 'user_deactivated'],
  ] as const)('treats 403 %j as permanent (%s)', async (description, reason) => {
    telegram.failNext('sendMessage', { error_code: 403, description });
    const outcome = await sender().send(42, firing);
    expect(outcome).toEqual({ ok: false, permanent: true, reason, description, errorCode: 403, attempts: 1 });
    expect(telegram.calls('sendMessage')).toHaveLength(1);
  });

  it('treats a chat that blocked the bot as permanent without retrying', async () => {
    telegram.chat(43).block();
    expect(await sender().send(43, firing)).toMatchObject({ ok: false, permanent: true, reason: 'bot_blocked', errorCode: 403 });
  });

  it('treats 400 as permanent', async () => {
    const outcome = await sender().send(42, { text: 'broken <b>html', parse_mode: 'HTML' });
    expect(outcome).toMatchObject({ ok: false, permanent: true, reason: 'bad_request', errorCode: 400, attempts: 1 });
    if (!outcome.ok) expect(outcome.description).toMatch(/can't parse entities/);
  });

  it('edits on state change and counts "message is not modified" as success', async () => {
    const s = sender();
    const sent = await s.send(42, firing);
    if (!sent.ok) throw new Error('send failed');
    expect(await s.edit(42, sent.messageId, acknowledged)).toEqual({ ok: true, notModified: false, attempts: 1 });
    await telegram.chat(42).expectEdit(sent.messageId, /Acknowledged by alice/);
    expect(telegram.chat(42).buttons(sent.messageId)[0]).toEqual(['↩️ Unacknowledge', '☑️ Resolve']);

    expect(await s.edit(42, sent.messageId, acknowledged)).toEqual({ ok: true, notModified: true, attempts: 1 });
    expect(telegram.calls('editMessageText').at(-1)!.response).toMatchObject({
      ok: false,
      error_code: 400,
      description: expect.stringMatching(/^Bad Request: message is not modified/),
    });
  });

  it('reports an edit of a missing message as permanent', async () => {
    const s = sender();
    await s.send(42, firing);
    expect(await s.edit(42, 999, acknowledged)).toMatchObject({ ok: false, permanent: true, reason: 'message_not_found', errorCode: 400 });
    expect(await s.edit(77, 1, acknowledged)).toMatchObject({ ok: false, permanent: true, reason: 'chat_not_found', errorCode: 400 });
  });

  it('answers callback queries, retrying 5xx', async () => {
    const s = sender();
    const sent = await s.send(42, firing);
    if (!sent.ok) throw new Error('send failed');
    const answered = telegram.pressButton(42, sent.messageId, 'Acknowledge', 42);
    const queryId = telegram.pendingUpdates()[0]!.callback_query!.id;
    telegram.failNext('answerCallbackQuery', { error_code: 502, description: 'Bad Gateway' });
    expect(await s.answerCallback(queryId, 'Acknowledged')).toEqual({ ok: true, attempts: 2 });
    await expect(answered).resolves.toBe('Acknowledged');
    expect(await s.answerCallback(queryId, 'again')).toMatchObject({ ok: false, permanent: true, reason: 'bad_request' });
  });

  it('opens the circuit in a 5xx storm: nothing goes out until it half-opens, then one probe closes it', async () => {
    const breaker = { threshold: 3, baseOpenMs: 4000, maxOpenMs: 30_000, probeTimeoutMs: 10_000 };
    telegram.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, 3);
    const s = sender({ breaker, maxAttempts: 3, baseBackoffMs: 100 });
    expect(await s.send(42, firing)).toMatchObject({ ok: false, reason: 'server_error', attempts: 3 });
    const openedAt = clock;
    // The next send, to another chat, waits out the open breaker and goes as its probe.
    expect(await s.send(43, firing)).toMatchObject({ ok: true, attempts: 1 });
    expect(telegram.calls('sendMessage')).toHaveLength(4);
    expect(clock - openedAt).toBe(4000);
    sleeps = [];
    expect(await s.send(44, firing)).toMatchObject({ ok: true, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('returns a transient failure without a request while the circuit stays open longer than it waits', async () => {
    const breaker = { threshold: 1, baseOpenMs: 60_000, maxOpenMs: 60_000, probeTimeoutMs: 10_000 };
    telegram.failNext('sendMessage', { error_code: 503, description: 'Service Unavailable' });
    const s = sender({ breaker, maxAttempts: 1, maxWaitMs: 20_000 });
    expect(await s.send(42, firing)).toMatchObject({ ok: false, reason: 'server_error', errorCode: 503 });
    expect(await s.send(43, firing)).toEqual({
      ok: false,
      permanent: false,
      reason: 'server_error',
      description: 'the Bot API circuit is open after repeated 5xx answers',
      errorCode: null,
      attempts: 0,
      retryAfterMs: 60_000,
    });
    expect(telegram.calls('sendMessage')).toHaveLength(1);
  });

  it('does not hold a send longer than maxWaitMs behind a chat backlog', async () => {
    const s = sender({ limiter: new RateLimiter(), maxWaitMs: 1500 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(s.send(42, { text: `m${i}` }));
    const [a, b, c] = await Promise.all(outcomes);
    expect([a, b]).toMatchObject([{ ok: true }, { ok: true }]);
    expect(c).toMatchObject({ ok: false, permanent: false, reason: 'rate_limited', attempts: 0, retryAfterMs: 2000 });
  });

  it('a slot booked ahead is the slot of the send it is passed to: one booking, not two', async () => {
    const s = sender({ limits: new LocalSendLimits(new RateLimiter()) });
    expect(await s.send(42, { text: 'm0' }, { booked: s.book(42) })).toMatchObject({ ok: true, attempts: 1 });
    expect(await s.send(42, { text: 'm1' })).toMatchObject({ ok: true });
    // The chat's pace counts one message before m1, so m1 waits one second, not two.
    expect(sleeps).toEqual([1000]);
  });

  it('a slot booked ahead is checked again before the request: a pause recorded since it was booked is waited out', async () => {
    const limits = new LocalSendLimits(new RateLimiter());
    const s = sender({ limits });
    const booked = s.book(43);
    await booked;
    await limits.update(clock, (l) => pauseChat(l, 43, clock + 5000));
    expect(await s.send(43, { text: 'after the pause' }, { booked })).toMatchObject({ ok: true, attempts: 1 });
    expect(sleeps).toEqual([5000]);
  });

  it('a slot booked ahead is for one chat only', async () => {
    const s = sender({ limits: new LocalSendLimits(new RateLimiter()) });
    await expect(s.send(44, { text: 'x' }, { booked: s.book(45) })).rejects.toThrow(/booked for chat 45/);
    expect(telegram.calls('sendMessage')).toHaveLength(0);
  });

  /** Limits in this process whose updates fail while `down` (or for the updates numbered in `failing`), as a store behind a NATS restart would. */
  class UnreachableAtTimes extends LocalSendLimits {
    down = false;
    failing = new Set<number>();
    updates = 0;
    override update<R>(now: number, change: (s: SendLimits) => Change<R>): Promise<R> {
      this.updates++;
      if (this.down || this.failing.has(this.updates)) return Promise.reject(new Error('timeout'));
      return super.update(now, change);
    }
  }

  it('sends nothing while the shared limits cannot be reached: it waits for them, then fails as transient', async () => {
    const limits = new UnreachableAtTimes(new RateLimiter());
    limits.down = true;
    const told: string[] = [];
    const s = sender({ limits, onLimitsUnavailable: (e) => told.push((e as Error).message) });
    expect(await s.send(46, { text: 'not on limits of its own' })).toMatchObject({ ok: false, permanent: false, reason: 'network_error', attempts: 0 });
    expect(telegram.calls('sendMessage')).toHaveLength(0);
    expect(told.length).toBeGreaterThan(1);
    expect(sleeps.every((ms) => ms <= 1000)).toBe(true);
  });

  it('a 429 whose pause cannot be stored at once is written again until stored, and this process keeps to it meanwhile', async () => {
    const limits = new UnreachableAtTimes(new RateLimiter());
    // Update 1 books m0's slot; 2 and 3 are the pause's first two writes.
    limits.failing = new Set([2, 3]);
    const s = sender({ limits, onLimitsUnavailable: () => undefined });
    telegram.failNext('sendMessage', { error_code: 429, retry_after: 3 });
    const start = clock;
    expect(await s.send(47, { text: 'm0' })).toMatchObject({ ok: true, attempts: 2 });
    expect(limits.latest().limiter.notBefore(47)).toBe(start + 3000);
    // Two backoffs while the pause was written, then the rest of the pause before the retry.
    expect(sleeps.slice(0, 2)).toEqual([50, 100]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(3000);
  });

  it('applies the rate limiter before each request, retries included', async () => {
    const s = sender({ limiter: new RateLimiter() });
    for (let i = 0; i < 3; i++) expect(await s.send(42, { text: `m${i}` })).toMatchObject({ ok: true });
    expect(sleeps).toEqual([1000, 1000]);
    expect(
      telegram
        .chat(42)
        .messages()
        .map((m) => m.text),
    ).toEqual(['m0', 'm1', 'm2']);

    // A backoff shorter than the chat's pace is topped up by the limiter: the wait is the longer of the two.
    sleeps = [];
    telegram.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    expect(await s.send(42, { text: 'm3' })).toMatchObject({ ok: true, attempts: 2 });
    expect(sleeps).toEqual([1000, 375, 625]);
  });
});

describe('classifyTelegramError', () => {
  it.each<[unknown, string]>([
    [{ response: { error_code: 400, description: 'Bad Request: message is not modified: x' } }, 'not_modified'],
    [{ response: { error_code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } } }, 'retry_after'],
    [{ response: { error_code: 503, description: 'Service Unavailable' } }, 'transient'],
    [{ response: { error_code: 400, description: 'Bad Request: chat not found' } }, 'permanent'],
    [{ response: { error_code: 401, description: 'Unauthorized' } }, 'permanent'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
    [Object.assign(new Error('x'), { name: 'FetchError' }), 'transient'],
    [new TypeError('bug'), 'unknown'],
  ])('%j → %s', (error, kind) => {
    expect(classifyTelegramError(error).kind).toBe(kind);
  });

  it('keeps the migrated chat id', () => {
    expect(
      classifyTelegramError({
        response: { error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1001 } },
      }),
    ).toMatchObject({
      kind: 'permanent',
      reason: 'chat_migrated',
      migrateToChatId: -1001,
    });
  });
});
