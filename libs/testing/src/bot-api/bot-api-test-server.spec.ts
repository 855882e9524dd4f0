import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Telegraf, TelegramError } from 'telegraf';
import { BotApiTestServer } from './bot-api-test-server.js';
import { rejection } from '../thrown.js';

const keyboard = {
  inline_keyboard: [
    [
      { text: '✅ Acknowledge', callback_data: 'ack:1' },
      { text: '↩️ Unacknowledge', callback_data: 'unack:1' },
    ],
    [{ text: '🔕 Silence 1h', callback_data: 's1h:1' }],
    [{ text: '🔕 Silence forever', callback_data: 'sf:1' }],
  ],
};

const telegramError = (p: Promise<unknown>) => rejection(TelegramError, p);

describe('BotApiTestServer', () => {
  let telegram: BotApiTestServer;
  let bot: Telegraf;

  beforeEach(async () => {
    telegram = await BotApiTestServer.start({ defaultTimeoutMs: 3000 });
    bot = new Telegraf(telegram.token, { telegram: { apiRoot: telegram.apiRoot } });
  });

  afterEach(async () => {
    await telegram.stop();
  });

  it('serves getMe and rejects other tokens with 401', async () => {
    const me = await bot.telegram.getMe();
    expect(me).toMatchObject({ id: telegram.botId, is_bot: true, username: 'dozor_test_bot' });
    const other = new Telegraf('999:wrong', { telegram: { apiRoot: telegram.apiRoot } });
    const e = await telegramError(other.telegram.getMe());
    expect(e.response).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
  });

  it('answers unknown methods with 404', async () => {
    const e = await telegramError(bot.telegram.callApi('sendDice' as 'getMe', {} as never));
    expect(e.code).toBe(404);
  });

  it('stores sent messages with HTML parsed into text and entities', async () => {
    const sent = await bot.telegram.sendMessage(42, '<b>AlwaysFiringTest</b> &amp; friends', { parse_mode: 'HTML', reply_markup: keyboard });
    expect(sent).toMatchObject({ message_id: 1, chat: { id: 42, type: 'private' }, text: 'AlwaysFiringTest & friends' });
    expect(sent.entities).toEqual([{ type: 'bold', offset: 0, length: 16 }]);

    const msg = await telegram.chat(42).expectMessage(/AlwaysFiringTest/);
    expect(msg).toMatchObject({ message_id: 1, parse_mode: 'HTML', raw: '<b>AlwaysFiringTest</b> &amp; friends', reply_markup: keyboard });
    expect(telegram.chat(42).buttons(1)).toEqual([['✅ Acknowledge', '↩️ Unacknowledge'], ['🔕 Silence 1h'], ['🔕 Silence forever']]);
    expect(telegram.calls('sendMessage')).toHaveLength(1);
    expect(telegram.calls('sendMessage')[0]!.params).toMatchObject({ chat_id: 42, parse_mode: 'HTML' });
  });

  it('numbers messages per chat and tells groups from private chats', async () => {
    await bot.telegram.sendMessage(1, 'a');
    await bot.telegram.sendMessage(1, 'b');
    const g = await bot.telegram.sendMessage(-1001234567890, 'c');
    expect(g.message_id).toBe(1);
    expect(g.chat.type).toBe('supergroup');
    expect(
      telegram
        .chat(1)
        .messages()
        .map((m) => m.message_id),
    ).toEqual([1, 2]);
    await expect(telegram.chat(1).expectMessage('b', { afterMessageId: 1 })).resolves.toMatchObject({ message_id: 2 });
  });

  it('rejects what Telegram rejects: bad HTML, long text, long callback_data, empty text', async () => {
    const badHtml = await telegramError(bot.telegram.sendMessage(1, 'a < b', { parse_mode: 'HTML' }));
    expect(badHtml.response).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
    });
    const long = await telegramError(bot.telegram.sendMessage(1, 'x'.repeat(4097)));
    expect(long.description).toBe('Bad Request: message is too long');
    await expect(bot.telegram.sendMessage(1, `<b>${'x'.repeat(4096)}</b>`, { parse_mode: 'HTML' })).resolves.toBeTruthy();
    const data = await telegramError(bot.telegram.sendMessage(1, 'x', { reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'é'.repeat(33) }]] } }));
    expect(data.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const empty = await telegramError(bot.telegram.sendMessage(1, '  '));
    expect(empty.description).toBe('Bad Request: message text is empty');
  });

  it('edits text and markup, answers "message is not modified" for an identical edit', async () => {
    const sent = await bot.telegram.sendMessage(7, 'Firing', { reply_markup: keyboard });
    const edited = await bot.telegram.editMessageText(7, sent.message_id, undefined, 'Acknowledged by <i>alice</i>', {
      parse_mode: 'HTML',
      reply_markup: keyboard,
    });
    expect(edited).toMatchObject({ text: 'Acknowledged by alice', edit_date: expect.any(Number) });
    await telegram.chat(7).expectEdit(sent.message_id, /Acknowledged by alice/);

    const same = await telegramError(
      bot.telegram.editMessageText(7, sent.message_id, undefined, 'Acknowledged by <i>alice</i>', { parse_mode: 'HTML', reply_markup: keyboard }),
    );
    expect(same.code).toBe(400);
    expect(same.description).toMatch(/^Bad Request: message is not modified/);

    // Without reply_markup the keyboard goes away, as in Telegram.
    await bot.telegram.editMessageText(7, sent.message_id, undefined, 'Acknowledged by <i>alice</i>', { parse_mode: 'HTML' });
    expect(telegram.chat(7).message(sent.message_id)?.reply_markup).toBeUndefined();

    await bot.telegram.editMessageReplyMarkup(7, sent.message_id, undefined, keyboard);
    const markupSame = await telegramError(bot.telegram.editMessageReplyMarkup(7, sent.message_id, undefined, keyboard));
    expect(markupSame.description).toMatch(/message is not modified/);

    const msg = telegram.chat(7).message(sent.message_id)!;
    expect(msg.edits).toBe(3);
    expect(msg.versions.map((v) => v.method)).toEqual(['sendMessage', 'editMessageText', 'editMessageText', 'editMessageReplyMarkup']);

    const missing = await telegramError(bot.telegram.editMessageText(7, 99, undefined, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
  });

  it('injects failures with Telegram error shapes', async () => {
    telegram.failNext('sendMessage', { error_code: 429, retry_after: 3 });
    const rate = await telegramError(bot.telegram.sendMessage(1, 'x'));
    expect(rate.response).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });

    telegram.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, 2);
    for (let i = 0; i < 2; i++) {
      const e = await telegramError(bot.telegram.sendMessage(1, 'x'));
      expect(e.response).toEqual({ error_code: 502, description: 'Bad Gateway' });
    }

    telegram.failNext('SENDMESSAGE', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const blocked = await telegramError(bot.telegram.sendMessage(1, 'x'));
    expect(blocked.response).toEqual({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });

    telegram.failNext('sendMessage', { network: true });
    await expect(bot.telegram.sendMessage(1, 'x')).rejects.toMatchObject({ name: 'FetchError' });

    await expect(bot.telegram.sendMessage(1, 'finally')).resolves.toMatchObject({ text: 'finally' });
    const calls = telegram.calls('sendMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 502, 502, 403, 0, 200]);
    expect(calls.map((c) => c.injected)).toEqual([true, true, true, true, true, false]);
    expect(telegram.chat(1).messages()).toHaveLength(1);
  });

  it('answers 403 for blocked chats', async () => {
    telegram.chat(5).block('deactivated');
    const e = await telegramError(bot.telegram.sendMessage(5, 'x'));
    expect(e.response).toEqual({ ok: false, error_code: 403, description: 'Forbidden: user is deactivated' });
    telegram.chat(5).unblock();
    await expect(bot.telegram.sendMessage(5, 'x')).resolves.toBeTruthy();
  });

  it('accepts form-encoded, multipart and query-string bodies', async () => {
    const base = `${telegram.apiRoot}/bot${telegram.token}`;
    const form = new URLSearchParams({ chat_id: '11', text: 'form <b>body</b>', parse_mode: 'HTML', reply_markup: JSON.stringify(keyboard) });
    const r1 = await fetch(`${base}/sendMessage`, { method: 'POST', body: form });
    expect(await r1.json()).toMatchObject({ ok: true, result: { chat: { id: 11 }, text: 'form body' } });

    const fd = new FormData();
    fd.set('chat_id', '11');
    fd.set('text', 'multipart body');
    const r2 = await fetch(`${base}/sendMessage`, { method: 'POST', body: fd });
    expect(await r2.json()).toMatchObject({ ok: true, result: { text: 'multipart body' } });

    const r3 = await fetch(`${base}/sendMessage?chat_id=11&text=query`);
    expect(await r3.json()).toMatchObject({ ok: true, result: { text: 'query' } });
    expect(
      telegram
        .chat(11)
        .messages()
        .map((m) => m.text),
    ).toEqual(['form body', 'multipart body', 'query']);
    expect(telegram.chat(11).messages()[0]!.reply_markup).toEqual(keyboard);
  });

  it('long-polls getUpdates: holds the request until an update arrives, confirms by offset', async () => {
    const base = `${telegram.apiRoot}/bot${telegram.token}`;
    const held = fetch(`${base}/getUpdates?timeout=30`).then((r) => r.json() as Promise<{ ok: boolean; result: { update_id: number }[] }>);
    await telegram.waitUntil(
      () => (telegram.isPolling ? true : undefined),
      {},
      () => 'getUpdates is not waiting',
    );
    const { updateId } = telegram.sendText(100, 100, 'hello');
    const first = await held;
    expect(first.result.map((u) => u.update_id)).toEqual([updateId]);

    // Not confirmed yet: delivered again.
    const again = (await (await fetch(`${base}/getUpdates`)).json()) as { result: unknown[] };
    expect(again.result).toHaveLength(1);
    // Confirmed with offset: gone; a short timeout answers an empty list.
    const empty = (await (await fetch(`${base}/getUpdates?offset=${updateId + 1}&timeout=1`)).json()) as { result: unknown[] };
    expect(empty.result).toEqual([]);
    expect(telegram.pendingUpdates()).toEqual([]);
  });

  it('drives a Telegraf bot in long polling: /start payload and button presses are answered', async () => {
    bot.start(async (ctx) => {
      await ctx.reply(`linked with code ${ctx.payload}`);
    });
    bot.action(/.*/, async (ctx) => {
      const data = 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '';
      await ctx.answerCbQuery(`got ${data} from ${ctx.from.id}`);
      await ctx.editMessageText(`Acknowledged by ${ctx.from.username}`);
    });
    const running = bot.launch();
    try {
      telegram.sendText(555, 555, '/start ABC123');
      await telegram.chat(555).expectMessage(/linked with code ABC123/);

      const sent = await bot.telegram.sendMessage(555, 'Firing', { reply_markup: keyboard });
      await expect(telegram.pressButton(555, sent.message_id, 'Acknowledge', 555)).resolves.toBe('got ack:1 from 555');
      await telegram.chat(555).expectEdit(sent.message_id, /Acknowledged by user555/);
      expect(telegram.callbackAnswers()).toEqual([expect.objectContaining({ text: 'got ack:1 from 555', show_alert: false })]);
      expect(telegram.unansweredCallbacks()).toEqual([]);
    } finally {
      bot.stop('test');
      await running;
    }
  });

  it('pressButton matches labels after the emoji and refuses ambiguous or missing labels', async () => {
    const sent = await bot.telegram.sendMessage(3, 'x', { reply_markup: keyboard });
    expect(() => telegram.pressButton(3, sent.message_id, 'Silence', 3)).toThrow(/more than one/);
    expect(() => telegram.pressButton(3, sent.message_id, 'Resolve', 3)).toThrow(/no button/);
    const p = telegram.pressButton(3, sent.message_id, 'Unacknowledge', 3, { timeoutMs: 50 });
    const queryId = telegram.pendingUpdates()[0]!.callback_query!.id;
    expect(telegram.pendingUpdates()[0]).toMatchObject({ callback_query: { data: 'unack:1', from: { id: 3 }, message: { message_id: 1 } } });
    await expect(p).rejects.toThrow(/was not answered within 50 ms/);
    const late = await telegramError(bot.telegram.answerCbQuery(queryId));
    expect(late.description).toMatch(/query is too old/);
  });

  it('delivers updates to a webhook with the secret token and executes the webhook reply', async () => {
    bot.action(/.*/, (ctx) => ctx.answerCbQuery('done'));
    const secretToken = 'S3cret_token-1';
    const seen: (string | undefined)[] = [];
    const callback = bot.webhookCallback('/tg', { secretToken });
    let failFirst = true;
    const hookServer: Server = createServer((req, res) => {
      seen.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined);
      if (failFirst) {
        failFirst = false;
        res.writeHead(500).end();
        return;
      }
      void callback(req, res);
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (hookServer.address() as AddressInfo).port;
      await bot.telegram.setWebhook(`http://127.0.0.1:${port}/tg`, { secret_token: secretToken });
      const err = await telegramError(bot.telegram.callApi('getUpdates', {} as never));
      expect(err.code).toBe(409);

      const sent = await bot.telegram.sendMessage(9, 'x', { reply_markup: keyboard });
      await expect(telegram.pressButton(9, sent.message_id, 'Silence forever', 9)).resolves.toBe('done');
      expect(seen).toEqual([secretToken, secretToken]);
      expect(telegram.calls('answerCallbackQuery')[0]).toMatchObject({ via: 'webhook-reply', status: 200 });
      const info = await bot.telegram.getWebhookInfo();
      expect(info).toMatchObject({
        url: `http://127.0.0.1:${port}/tg`,
        pending_update_count: 0,
        last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
      });
      await bot.telegram.deleteWebhook();
      expect((await bot.telegram.getWebhookInfo()).url).toBe('');
    } finally {
      await new Promise<void>((r) => hookServer.close(() => r()));
    }
  });

  it('stores bot commands', async () => {
    await bot.telegram.setMyCommands([{ command: 'start', description: 'Link your account' }]);
    expect(telegram.commands()).toEqual([{ command: 'start', description: 'Link your account' }]);
    const bad = await telegramError(bot.telegram.setMyCommands([{ command: 'Bad-Command', description: 'x' }]));
    expect(bad.description).toBe('Bad Request: BOT_COMMAND_INVALID');
  });

  it('times out an expectation with the chat contents in the message', async () => {
    await bot.telegram.sendMessage(8, 'something else');
    await expect(telegram.chat(8).expectMessage(/AlwaysFiringTest/, { timeoutMs: 30 })).rejects.toThrow(/no message matching .*something else/);
  });
});
