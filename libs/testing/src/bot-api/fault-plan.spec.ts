import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Telegraf } from 'telegraf';
import { BotApiTestServer } from './bot-api-test-server.js';
import { FaultPlan } from './fault-plan.js';

describe('FaultPlan', () => {
  it('fails about its share of calls, the same ones for the same seed, and only for its methods', () => {
    const plan = () =>
      new FaultPlan({
        methods: ['sendMessage'],
        seed: 7,
        rules: [
          { share: 0.2, failure: { error_code: 429, retry_after: 3 } },
          { share: 0.1, failure: { error_code: 502 } },
        ],
      });
    const a = plan();
    const draws = Array.from({ length: 2000 }, () => a.draw('sendmessage'));
    const count = (code: number) => draws.filter((d) => d && 'error_code' in d && d.error_code === code).length;
    expect(count(429)).toBeGreaterThan(300);
    expect(count(429)).toBeLessThan(500);
    expect(count(502)).toBeGreaterThan(120);
    expect(count(502)).toBeLessThan(280);
    const b = plan();
    expect(Array.from({ length: 2000 }, () => b.draw('sendMessage'))).toEqual(draws);
    expect(plan().draw('editMessageText')).toBeNull();
  });

  it('refuses shares that add up to more than 1', () => {
    expect(
      () =>
        new FaultPlan({
          methods: ['sendMessage'],
          rules: [
            { share: 0.7, failure: { error_code: 502 } },
            { share: 0.4, failure: { error_code: 500 } },
          ],
        }),
    ).toThrow(/add up to at most 1/);
  });
});

describe('BotApiTestServer.injectFaults', () => {
  let telegram: BotApiTestServer;
  let bot: Telegraf;

  beforeEach(async () => {
    telegram = await BotApiTestServer.start();
    bot = new Telegraf(telegram.token, { telegram: { apiRoot: telegram.apiRoot } });
  });
  afterEach(() => telegram.stop());

  it('answers a share of calls with the planned failures, logs them per chat, and stops on null', async () => {
    telegram.injectFaults({ methods: ['sendMessage'], seed: 3, rules: [{ share: 0.5, failure: { error_code: 429, retry_after: 3 } }] });
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => bot.telegram.sendMessage(100 + (i % 2), `m${i}`)));
    const rejected = results.filter((r) => r.status === 'rejected').length;
    expect(rejected).toBeGreaterThan(5);
    expect(rejected).toBeLessThan(35);
    const toChat = telegram.callsToChat(100, 'sendMessage');
    expect(toChat).toHaveLength(20);
    expect(toChat.filter((c) => c.injected).every((c) => c.status === 429 && c.response?.ok === false && c.response.parameters?.retry_after === 3)).toBe(true);
    expect(telegram.chat(100).messages()).toHaveLength(toChat.filter((c) => !c.injected).length);

    telegram.injectFaults(null);
    await expect(bot.telegram.sendMessage(100, 'through')).resolves.toMatchObject({ text: 'through' });
  });
});
