import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { topology } from '@dozor/contracts';
import type { UserConfig } from '@dozor/config';
import { EventStore } from '@dozor/eventstore';
import type { Runtime } from '@dozor/platform';
import { UserDirectory, UsersController } from '@dozor/api';
import { TelegramAccounts, UserTelegramReader } from '@dozor/telegram-notifier';
import { isolate, type Isolation, NATS_URL } from '@dozor/testing';

const users: UserConfig[] = [
  { id: 'alice', name: 'Alice', email: null, telegramUserId: '42' },
  { id: 'bob', name: 'Bob', email: null, telegramUserId: null },
];
const runtime = { config: { users } } as unknown as Runtime;

/** Two notifier replicas (own connection, own cache) and the API, on one log. */
describe('Telegram verification codes across replicas', () => {
  let iso: Isolation;
  const conns: NatsConnection[] = [];
  let api: UsersController;
  let a: TelegramAccounts;
  let b: TelegramAccounts;

  beforeAll(async () => {
    iso = isolate('tlink');
    const stores: EventStore[] = [];
    for (let i = 0; i < 2; i++) {
      const nc = await connect({ servers: NATS_URL });
      conns.push(nc);
      stores.push(await EventStore.open(nc, { topology: topology(iso.prefix) }));
    }
    api = new UsersController(stores[0]!, new UserDirectory(users, null));
    a = new TelegramAccounts(stores[0]!, new UserTelegramReader(stores[0]!), runtime);
    b = new TelegramAccounts(stores[1]!, new UserTelegramReader(stores[1]!), runtime);
  });

  afterAll(async () => {
    for (const nc of conns) await nc.close();
    await iso?.cleanup();
  });

  it('links a code once when two accounts race for it on two replicas', async () => {
    const issued = await api.telegramVerificationCode('bob');
    expect(issued.deep_link).toBeNull();
    // Both replicas have read bob's subject before the race (warm caches).
    expect(await a.userOf(1001)).toBeNull();
    expect(await b.userOf(1002)).toBeNull();
    const now = new Date();
    const [ra, rb] = await Promise.all([a.tryLink(issued.code, 1001, 1001, now), b.tryLink(`code ${issued.code}`, 1002, 1002, now)]);
    const results = [ra, rb];
    expect(results.filter((r) => r.found && r.linked)).toHaveLength(1);
    const loser = results.find((r) => r.found && !r.linked);
    expect(loser && loser.found && loser.reply).toMatch(/already been used/);
    const winner = ra.found && ra.linked ? 1001 : 1002;
    expect((await a.userOf(winner))?.id).toBe('bob');
    expect((await b.userOf(winner))?.id).toBe('bob');
    expect(await b.userOf(winner === 1001 ? 1002 : 1001)).toBeNull();
    expect(await a.accountOf(users[1]!)).toEqual({ telegramUserId: String(winner), chatId: String(winner) });
  });

  it('refuses an expired code and does not know a made-up one', async () => {
    const issued = await api.telegramVerificationCode('bob');
    const late = new Date(Date.parse(issued.expires_at) + 1);
    const r = await a.tryLink(issued.code, 1003, 1003, late);
    expect(r.found && r.reply).toMatch(/expired/);
    expect(await a.tryLink('AAAAAAAAAAAAAAAA', 1003, 1003, new Date())).toEqual({ found: false });
  });

  it('prefers a linked account over telegram_user_id from the config', async () => {
    expect((await a.userOf(42))?.id).toBe('alice');
    expect(await a.accountOf(users[0]!)).toEqual({ telegramUserId: '42', chatId: '42' });
    const issued = await api.telegramVerificationCode('alice');
    const r = await b.tryLink(issued.code, 43, 43, new Date());
    expect(r.found && r.reply).toMatch(/Linked to Dozor user Alice/);
    expect((await a.userOf(43))?.id).toBe('alice');
    expect(await a.userOf(42)).toBeNull();
    expect(await a.accountOf(users[0]!)).toEqual({ telegramUserId: '43', chatId: '43' });
  });

  it('answers 404 for an unknown user', async () => {
    await expect(api.telegramVerificationCode('nobody')).rejects.toMatchObject({ status: 404 });
  });
});
