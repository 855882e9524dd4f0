import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Telegraf } from 'telegraf';
import { BotApiTestServer, NATS_URL } from '@dozor/testing';
import { KvSendLimits, LIMITS_MAX_AGE_MS } from './kv-send-limits.js';
import { TelegramSender } from './telegram.sender.js';

/**
 * Two senders, as two replicas: each with its own NATS connection and its own
 * view of the shared limits, sending through the real clock to the Bot API
 * test server. What they did is read from the server's request log.
 */
describe('send limits shared through NATS KV by two replicas', () => {
  let telegram: BotApiTestServer;
  let bucket: string;
  const connections: NatsConnection[] = [];
  const stores: KvSendLimits[] = [];

  beforeAll(async () => {
    telegram = await BotApiTestServer.start();
  });
  afterAll(async () => {
    await telegram.stop();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    const nc = connections[0];
    if (nc) await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}`).catch(() => undefined);
    for (const c of connections.splice(0)) await c.close();
    telegram.reset();
  });

  async function replica(sleep?: (ms: number) => Promise<void>): Promise<TelegramSender> {
    const nc = await connect({ servers: NATS_URL });
    connections.push(nc);
    const limits = new KvSendLimits(() => new Kvm(nc).create(bucket, { history: 1, ttl: LIMITS_MAX_AGE_MS }), 'bot.123456789');
    stores.push(limits);
    const client = new Telegraf(telegram.token, { telegram: { apiRoot: telegram.apiRoot } }).telegram;
    return new TelegramSender(client, { limits, onLimitsUnavailable: (err) => expect.fail(`shared limits unavailable: ${err}`), ...(sleep ? { sleep } : {}) });
  }

  const until = async (what: string, ok: () => boolean, timeoutMs = 10_000) => {
    for (const end = Date.now() + timeoutMs; !ok(); await new Promise((r) => setTimeout(r, 10))) if (Date.now() > end) throw new Error(`timed out: ${what}`);
  };

  const newBucket = () => (bucket = `lim${randomBytes(4).toString('hex')}-limits`);

  /** Arrival times at the Bot API of sendMessage calls to a chat, with their status. */
  const log = (chatId: number) =>
    telegram
      .calls('sendMessage')
      .filter((c) => String(c.params.chat_id) === String(chatId))
      .map((c) => ({ at: c.atMs, status: c.status, text: String(c.params.text) }));

  /**
   * Slots are one second apart on the senders' clock; a request's arrival
   * adds its own transit time, which varies (by hundreds of milliseconds on a
   * loaded machine), so one gap may look short when the request before it was
   * late. Two replicas booking the same slot show as two arrivals well inside
   * half a second of each other; and over the whole run the calls are spread
   * one second apart on average.
   */
  const TRANSIT_MARGIN_MS = 500;
  const expectPerSecond = (calls: { at: number }[]) => {
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.at - calls[i - 1]!.at, `gap before call ${i}`).toBeGreaterThanOrEqual(1000 - TRANSIT_MARGIN_MS);
    if (calls.length > 1) expect(calls.at(-1)!.at - calls[0]!.at, 'span of all calls').toBeGreaterThanOrEqual((calls.length - 1) * 1000 - TRANSIT_MARGIN_MS);
  };

  it('a 429 with retry_after 3 to one replica holds the chat for both, sends already waiting included', async () => {
    newBucket();
    const [a, b] = [await replica(), await replica()];
    expect(await b.send(42, { text: 'b0' })).toMatchObject({ ok: true });
    telegram.failNext('sendMessage', { error_code: 429, retry_after: 3 });
    // a1 gets the next slot (a second after b0) and the 429; b1 and b2 are already booked behind it in the other replica.
    const sends = [a.send(42, { text: 'a1' })];
    await until('replica b sees a1 booked', () => (stores[1]!.latest().limiter.snapshot(Date.now()).chats['42']?.times.length ?? 0) >= 2);
    sends.push(b.send(42, { text: 'b1' }), b.send(42, { text: 'b2' }));
    const outcomes = await Promise.all(sends);
    expect(outcomes).toMatchObject([{ ok: true, attempts: 2 }, { ok: true }, { ok: true }]);

    const calls = log(42);
    expect(calls.map((c) => c.status)).toEqual([200, 429, 200, 200, 200]);
    const limited = calls[1]!;
    expect(limited.text).toBe('a1');
    for (const c of calls.slice(2)) expect(c.at - limited.at, `${c.text} after the 429`).toBeGreaterThanOrEqual(3000);
    expect(new Set(calls.slice(2).map((c) => c.text))).toEqual(new Set(['a1', 'b1', 'b2']));
    expectPerSecond(calls);
  });

  it('a send whose slot came due after the other replica recorded a 429 waits it out, even when its watched copy never saw it', async () => {
    newBucket();
    const rest = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    // While b waits for its slot, a gets the 429 and records the pause; b's watch is lost meanwhile (as in a NATS restart), so only the stored entry knows.
    let interleave: (() => Promise<void>) | null = null;
    const b = await replica(async (ms) => {
      const step = interleave;
      interleave = null;
      if (step) await step();
      else await rest(ms);
    });
    const a = await replica();
    expect(await a.send(43, { text: 'a0' })).toMatchObject({ ok: true });
    let a1: Promise<unknown> = Promise.resolve();
    interleave = async () => {
      (stores[0] as unknown as { watching: { stop(): void } | null }).watching?.stop();
      telegram.failNext('sendMessage', { error_code: 429, retry_after: 3 });
      // a1 books the slot after b1's, gets the 429 and records the pause before it reports the retry.
      await new Promise<void>((paused) => (a1 = a.send(43, { text: 'a1' }, { onRetry: () => paused() })));
    };
    // b books the slot a second after a0; in its wait, a's 429 lands in the entry.
    expect(await b.send(43, { text: 'b1' })).toMatchObject({ ok: true });
    expect(await a1).toMatchObject({ ok: true, attempts: 2 });

    const calls = log(43);
    expect(calls.slice(0, 2).map((c) => `${c.text} ${c.status}`)).toEqual(['a0 200', 'a1 429']);
    expect(
      calls
        .slice(2)
        .map((c) => `${c.text} ${c.status}`)
        .sort(),
    ).toEqual(['a1 200', 'b1 200']);
    const limited = calls[1]!;
    for (const c of calls.slice(2)) expect(c.at - limited.at, `${c.text} after the 429`).toBeGreaterThanOrEqual(3000);
  });

  /**
   * The failure seen under chaos: every page of a storm books its slot at
   * once, so a replica's changes to the one limits entry raced each other for
   * the same revision. A 429's pause that arrived amid them took seconds to
   * be stored, or, after 32 conflicts, fell back to limits of that process
   * alone; the other replica's send, booked a second later, went out inside
   * the pause. Changes made at once in a process now share one write, and no
   * send goes out on limits the store has not confirmed.
   */
  it("a 429 answered amid a burst of bookings from both replicas is stored in time to hold the other replica's send", async () => {
    newBucket();
    const [a, b] = [await replica(), await replica()];
    expect(await b.send(45, { text: 'b0' })).toMatchObject({ ok: true });
    telegram.failNext('sendMessage', { error_code: 429, retry_after: 3 });
    const sends = [a.send(45, { text: 'a1' })];
    await until('replica b sees a1 booked', () => (stores[1]!.latest().limiter.snapshot(Date.now()).chats['45']?.times.length ?? 0) >= 2);
    // b1 is booked a second after a1, in the other replica.
    sends.push(b.send(45, { text: 'b1' }));
    await until('a1 answered 429', () => log(45).some((c) => c.status === 429), 15_000);
    // The moment the 429 is answered, every page of a storm books its slot in both replicas.
    const burst = Array.from({ length: 150 }, (_, i) => [a.book(2000 + i), b.book(3000 + i)]).flat();
    const outcomes = await Promise.all(sends);
    expect(outcomes).toMatchObject([{ ok: true, attempts: 2 }, { ok: true }]);
    await Promise.all(burst);

    const calls = log(45);
    expect(calls.map((c) => `${c.text} ${c.status}`)).toEqual(['b0 200', 'a1 429', expect.stringMatching(/ 200$/), expect.stringMatching(/ 200$/)]);
    for (const c of calls.slice(2)) expect(c.at - calls[1]!.at, `${c.text} after the 429`).toBeGreaterThanOrEqual(3000);
  });

  it('one message per second to a chat across both replicas', async () => {
    newBucket();
    const [a, b] = [await replica(), await replica()];
    const outcomes = await Promise.all([0, 1, 2].flatMap((i) => [a.send(7, { text: `a${i}` }), b.send(7, { text: `b${i}` })]));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const calls = log(7);
    expect(calls).toHaveLength(6);
    expectPerSecond(calls);
  });
});
