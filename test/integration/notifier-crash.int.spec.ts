import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateKeyOf, topology, subjects, SYSTEM_ACTORS, type DozorEvent, type EventOf } from '@dozor/contracts';
import { EventStore, ExpectedVersion, connectNats } from '@dozor/eventstore';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ALICE_TG,
  appendAsRouter,
  BotApiTestServer,
  childProcessEnv,
  DozorProcess,
  loadFixture,
  NATS_URL,
  isolate,
  openedGroupEvents,
  poll,
  writeConfig,
  type Isolation,
} from '@dozor/testing';

/**
 * The crash bound of "exactly one page": the notifier dies after the Bot API
 * accepted a DM and before its NotificationSent is in the log. The next
 * notifier finds the claim without an outcome and its owner gone, sends once
 * more (the one duplicate the bound allows), and records the outcome. The
 * unrecorded first copy is adopted when a button on it is pressed.
 */
describe('notifier killed between send and record', () => {
  let iso: Isolation;
  let nc: NatsConnection;
  let store: EventStore;
  let telegram: BotApiTestServer;
  let env: NodeJS.ProcessEnv;
  const procs: DozorProcess[] = [];
  let second: DozorProcess;

  beforeAll(async () => {
    iso = isolate('ncrash');
    nc = await connectNats(NATS_URL, 'notifier-crash-spec');
    store = await EventStore.open(nc, { topology: topology(iso.prefix) });
    telegram = await BotApiTestServer.start();
    env = childProcessEnv(iso, telegram, { DOZOR_CONFIG: writeConfig(iso.dir) });
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await telegram?.stop();
    await nc?.close();
    await iso?.cleanup();
  });

  const notificationEvents = async (groupId: string): Promise<DozorEvent[]> =>
    (await store.readSubject(subjects.notification(store.topology, groupId))).flatMap((c) => c.events);

  /** An alert group as the router opens it, and a page for alice as the escalator requests it. */
  const page = async (name: string, notificationId: string): Promise<{ key: string; groupId: string }> => {
    const key = aggregateKeyOf('notifier-crash', name);
    const groupId = `${key}-1`;
    const payload = loadFixture('firing-flapping.json').json;
    await appendAsRouter(store, key, openedGroupEvents(key, { payload, title: `${name} (warning)`, alertTitle: 'CrashTest', severity: 'warning' }));
    await store.append(
      subjects.escalation(store.topology, groupId),
      [
        {
          type: 'NotificationRequested',
          data: { alertGroupId: groupId, notificationId, userId: 'alice', important: false, stepIndex: 0, aggregateKey: key },
        },
      ],
      { expected: ExpectedVersion.noStream, actor: SYSTEM_ACTORS.escalator, source: 'system' },
    );

    return { key, groupId };
  };

  it('recovers the page with at most one duplicate and records the outcome', async () => {
    const first = new DozorProcess('telegram-notifier', { ...env, DOZOR_TEST_EXIT_AFTER_SEND: '1' }, 'notifier#1');
    procs.push(first);
    await first.start();

    const { key, groupId } = await page('notifier-crash', 'crash-n1');

    await poll('the first notifier to exit after its send', async () => first.output.some((l) => l.includes('DOZOR_TEST_EXIT_AFTER_SEND')));
    expect(await first.stop()).toBe(70);
    expect(telegram.chat(ALICE_TG).messages()).toHaveLength(1);
    const claimed = await notificationEvents(groupId);
    expect(claimed.map((e) => e.type)).toEqual(['NotificationDispatching']);

    second = new DozorProcess('telegram-notifier', env, 'notifier#2');
    procs.push(second);
    await second.start();
    const events = await poll(
      'the recovered outcome',
      async () => {
        const evs = await notificationEvents(groupId);
        return evs.some((e) => e.type === 'NotificationSent') ? evs : null;
      },
      90_000,
    ).catch((e) => {
      throw new Error(`${e}\n${second.tail()}`);
    });
    const claims = events.filter((e): e is EventOf<'NotificationDispatching'> => e.type === 'NotificationDispatching');
    const sent = events.filter((e): e is EventOf<'NotificationSent'> => e.type === 'NotificationSent');
    expect(claims.map((c) => c.data.attempt)).toEqual([1, 2]);
    expect(claims[1]!.data.recovers).toBe(claims[0]!.data.dispatchId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toMatchObject({ dispatchId: claims[1]!.data.dispatchId, recovered: true });

    // Let anything else have its chance to show up: still one duplicate at most, and nothing more recorded.
    await new Promise((r) => setTimeout(r, 2000));
    expect(telegram.chat(ALICE_TG).messages()).toHaveLength(2);
    expect(await notificationEvents(groupId)).toHaveLength(events.length);

    // The first copy's reference died with its process. A press on it adopts it, so it follows the group from then on.
    const chat = telegram.chat(ALICE_TG);
    const [orphan, recovered] = chat.messages();
    await telegram.pressButton(ALICE_TG, orphan!.message_id, 'Acknowledge', ALICE_TG, { timeoutMs: 20_000 });
    await poll('the adopted reference', async () =>
      (await notificationEvents(groupId)).some((e) => e.type === 'NotificationSent' && e.data.messageId === orphan!.message_id),
    );
    await store.append(subjects.alertGroup(store.topology, key), [{ type: 'AlertGroupAcknowledged', data: { alertGroupId: groupId, by: 'action' } }], {
      expected: ExpectedVersion.any,
      actor: { kind: 'user', id: 'alice', name: 'alice' },
      source: 'telegram',
    });
    await chat.expectEdit(orphan!.message_id, /Acknowledged by alice/, { timeoutMs: 30_000 });
    await chat.expectEdit(recovered!.message_id, /Acknowledged by alice/, { timeoutMs: 30_000 });
  }, 150_000);

  it('records every retry of a page and its outcome, and a wait longer than the ack wait is not redelivered', async () => {
    const redelivered = async () => (await store.consumerInfo('notifier-requests')).num_redelivered;
    const before = await redelivered();
    telegram.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    // Longer than the consumer's 10 s ack wait: the page waits in the notifier, its message kept alive.
    telegram.failNext('sendMessage', { error_code: 429, retry_after: 12 });
    const { groupId } = await page('notifier-retries', 'retry-n1');
    const events = await poll('the outcome after the retries', async () => {
      const evs = await notificationEvents(groupId);
      return evs.some((e) => e.type === 'NotificationSent') ? evs : null;
    }).catch((e) => {
      throw new Error(`${e}\n${second.tail()}`);
    });
    const retries = events.filter((e): e is EventOf<'NotificationRetrying'> => e.type === 'NotificationRetrying');
    expect(retries.map((r) => [r.data.errorCode, r.data.attempt]).sort()).toEqual([
      [429, 2],
      [502, 1],
    ]);
    expect(retries.find((r) => r.data.errorCode === 429)!.data.retryAfterMs).toBe(12_000);
    expect(events.filter((e) => e.type === 'NotificationDispatching')).toHaveLength(1);
    expect(telegram.calls('sendMessage').filter((c) => c.status === 200)).toHaveLength(3);
    expect(await redelivered()).toBe(before);
  }, 60_000);

  it('a chat post (notify_whole_channel) is claimed before it is sent: killed after the send, it is posted at most once more', async () => {
    const CHAT = -1001234567;
    const key = aggregateKeyOf('notifier-crash', 'chat-post');
    const groupId = `${key}-1`;
    const payload = loadFixture('firing-flapping.json').json;
    await appendAsRouter(store, key, openedGroupEvents(key, { payload, title: 'chat-post (warning)', alertTitle: 'ChatPostCrash', severity: 'warning' }));
    // Only the notifier with the exit hook may take the post: the one running since the first test stops first.
    await second.stop();
    const first = new DozorProcess('telegram-notifier', { ...env, DOZOR_TEST_EXIT_AFTER_SEND: '1' }, 'notifier#chat1');
    procs.push(first);
    await first.start();
    await store.append(
      subjects.escalation(store.topology, groupId),
      [
        {
          type: 'ChatNotificationRequested',
          data: { alertGroupId: groupId, notificationId: `ntf:${groupId}:1:0:chat`, chatId: String(CHAT), important: false, stepIndex: 0, aggregateKey: key },
        },
      ],
      { expected: ExpectedVersion.noStream, actor: SYSTEM_ACTORS.escalator, source: 'system' },
    );
    await poll('the first notifier to exit after its post', async () => first.output.some((l) => l.includes('DOZOR_TEST_EXIT_AFTER_SEND')));
    expect(await first.stop()).toBe(70);
    expect(telegram.chat(CHAT).messages()).toHaveLength(1);
    expect((await notificationEvents(groupId)).map((e) => e.type)).toEqual(['NotificationDispatching']);

    // A notifier without the hook takes the orphaned claim over once the request is redelivered.
    const third = new DozorProcess('telegram-notifier', env, 'notifier#chat2');
    procs.push(third);
    await third.start();
    const events = await poll(
      'the recovered post',
      async () => {
        const evs = await notificationEvents(groupId);
        return evs.some((e) => e.type === 'NotificationSent') ? evs : null;
      },
      90_000,
    ).catch((e) => {
      throw new Error(`${e}\n${third.tail()}`);
    });
    const claims = events.filter((e): e is EventOf<'NotificationDispatching'> => e.type === 'NotificationDispatching');
    expect(claims.map((c) => [c.data.attempt, c.data.userId])).toEqual([
      [1, `chat|${CHAT}`],
      [2, `chat|${CHAT}`],
    ]);
    expect(claims[1]!.data.recovers).toBe(claims[0]!.data.dispatchId);
    expect(events.filter((e) => e.type === 'NotificationSent').map((e) => (e as EventOf<'NotificationSent'>).data)).toEqual([
      expect.objectContaining({ dispatchId: claims[1]!.data.dispatchId, recovered: true, chatId: String(CHAT) }),
    ]);
    // Redeliveries from here on find the post done: one duplicate, the bound, and nothing more.
    await new Promise((r) => setTimeout(r, 2000));
    expect(telegram.chat(CHAT).messages()).toHaveLength(2);
    expect(await notificationEvents(groupId)).toHaveLength(events.length);
  }, 150_000);

  it('a page claimed with the account last found goes to the account linked since: the claim is taken back and made again', async () => {
    // The running notifier pages alice at her configured account, so it remembers that one; then she links another.
    const before = await page('notifier-relink-before', 'relink-n0');
    await poll('the page at the configured account', async () => (await notificationEvents(before.groupId)).some((e) => e.type === 'NotificationSent'));
    const NEW_TG = 777001;
    await store.append(
      subjects.user(store.topology, 'alice'),
      [{ type: 'TelegramAccountLinked', data: { userId: 'alice', telegramUserId: String(NEW_TG), chatId: String(NEW_TG), codeHash: 'spec-relink' } }],
      { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.telegram, source: 'telegram' },
    );
    const { groupId } = await page('notifier-relinked', 'relink-n1');
    const events = await poll('the page sent', async () => {
      const evs = await notificationEvents(groupId);
      return evs.some((e) => e.type === 'NotificationSent') ? evs : null;
    });
    const claims = events.filter((e): e is EventOf<'NotificationDispatching'> => e.type === 'NotificationDispatching');
    const sent = events.find((e): e is EventOf<'NotificationSent'> => e.type === 'NotificationSent')!;
    expect(sent.data.chatId).toBe(String(NEW_TG));
    expect(telegram.chat(NEW_TG).messages()).toHaveLength(1);
    expect(claims.at(-1)!.data.chatId).toBe(String(NEW_TG));
    // The first claim, made for the account last found, was closed without a send.
    expect(claims).toHaveLength(2);
    for (const c of claims.slice(0, -1)) {
      expect(c.data.chatId).toBe(String(ALICE_TG));
      expect(events.some((e) => e.type === 'NotificationFailed' && e.data.dispatchId === c.data.dispatchId && !e.data.permanent)).toBe(true);
    }
    expect(
      telegram
        .chat(ALICE_TG)
        .messages()
        .filter((m) => m.text.includes('notifier-relinked')),
    ).toHaveLength(0);
  }, 60_000);
});
