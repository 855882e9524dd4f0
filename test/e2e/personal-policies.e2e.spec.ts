import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, topology, type DozorEvent } from '@dozor/contracts';
import { EventStore, connectNats } from '@dozor/eventstore';
import {
  ALICE_TG,
  API_TOKEN,
  BOB_TG,
  BotApiTestServer,
  DozorProcess,
  type Isolation,
  NATS_URL,
  poll,
  TestClock,
  TOKEN,
  DozorSystem,
  SEPARATE_SERVICES,
} from '@dozor/testing';
import type { NatsConnection } from '@nats-io/transport-node';

const CAROL_TG = 626262;
const DAVE_TG = 636363;

/**
 * Personal notification policies and acknowledge reminders end to end, in
 * separate processes on the shared test clock, each with a kill -9 of the
 * escalator between a step and its timer:
 *  - personal: alice's policy is "Telegram, wait 5m, Telegram"; the chain
 *    pages alice, waits 1 minute and pages bob. The chain's next step does
 *    not cut alice's wait off, and her second message comes once.
 *  - remind: carol acknowledges; an hour later she is reminded, does not
 *    answer, and 5 minutes later the group is unacknowledged, which restarts
 *    the escalation. bob resolves it, and carol gets the resolve notice.
 */
const CONFIG = `users:
  - id: alice
    telegram_user_id: "${ALICE_TG}"
    personal_notification_rules:
      default:
        - notify_by_telegram
        - wait: 5m
        - notify_by_telegram
      important:
        - notify_by_telegram
  - id: bob
    telegram_user_id: "${BOB_TG}"
  - id: carol
    telegram_user_id: "${CAROL_TG}"
  - id: dave
    telegram_user_id: "${DAVE_TG}"
integrations:
  - id: am
    type: alertmanager
    token: \${ALERTMANAGER_INTEGRATION_TOKEN}
    routes:
      - labels: ['scenario="personal"']
        escalation_chain: personal
      - labels: ['scenario="remind"']
        escalation_chain: remind
      - labels: ['scenario="api"']
        escalation_chain: api
escalation_chains:
  - id: personal
    steps:
      - notify_persons: [alice]
      - wait: 1m
      - notify_persons: [bob]
  - id: api
    steps:
      - notify_persons: [dave]
  - id: remind
    acknowledge_reminder:
      remind_every: 1h
      unacknowledge_after: 5m
      notify_paged_on_resolve: true
    steps:
      - notify_persons: [carol, bob]
`;

function payload(alertname: string, scenario: string): string {
  const labels = { alertname, scenario };
  return JSON.stringify({
    receiver: 'dozor',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: `${alertname} summary` },
        startsAt: '2026-11-24T00:01:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus/graph',
        fingerprint: alertname,
      },
    ],
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: { summary: `${alertname} summary` },
    externalURL: 'http://alertmanager',
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
  });
}

describe('personal notification policies and acknowledge reminders, end to end', () => {
  let sys: DozorSystem;
  let iso: Isolation;
  let telegram: BotApiTestServer;
  let clock: TestClock;
  let nc: NatsConnection;
  let store: EventStore;
  let procs: Map<string, DozorProcess>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sys = await DozorSystem.open('personal');
    ({ iso, telegram, procs } = sys);
    clock = await TestClock.open(iso.prefix);
    nc = await connectNats(NATS_URL, 'personal-policies-spec');
    store = await EventStore.open(nc, { topology: topology(iso.prefix) });
    const config = join(iso.dir, 'dozor.yaml');
    writeFileSync(config, CONFIG);
    const extra = { ...TestClock.env, DOZOR_CONFIG: config };
    env = sys.env(extra);
    await sys.start(SEPARATE_SERVICES, extra);
  }, 120_000);

  afterAll(async () => {
    await clock?.close();
    await nc?.close();
    await sys?.stop();
  });

  const dump = () => [...procs.values()].map((p) => `--- ${p.name}\n${p.tail(15)}`).join('\n');
  const events = async (kind: 'escalation' | 'alert-group'): Promise<DozorEvent[]> => {
    const out: DozorEvent[] = [];
    for await (const c of store.replay()) if (subjects.parse(store.topology, c.subject)?.kind === kind) out.push(...c.events);
    return out;
  };
  const post = async (body: string) => {
    const r = await fetch(`${procs.get('ingest')!.url}/integrations/v1/alertmanager/${TOKEN}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(r.status, dump()).toBe(200);
  };
  const groupOf = (chainId: string) =>
    poll(`escalation of chain ${chainId} started`, async () => {
      const started = (await events('escalation')).find((e) => e.type === 'EscalationStarted' && e.data.chainId === chainId);
      return started?.data.alertGroupId;
    });
  const ofGroup = async (id: string, type: DozorEvent['type']) =>
    (await events('escalation')).filter((e) => e.type === type && (e.data as { alertGroupId: string }).alertGroupId === id);
  const until = (what: string, id: string, type: DozorEvent['type'], n: number) =>
    poll(what, async () => ((await ofGroup(id, type)).length >= n ? true : undefined), 30_000).catch((e) => {
      throw new Error(`${e}\n${dump()}`);
    });
  const messages = (tg: number, pattern: RegExp) =>
    telegram
      .chat(tg)
      .messages()
      .filter((m) => pattern.test(m.text));
  const expectCount = (what: string, tg: number, pattern: RegExp, n: number) =>
    poll(what, async () => (messages(tg, pattern).length >= n ? true : undefined), 30_000).catch((e) => {
      throw new Error(
        `${e}\n${telegram
          .chat(tg)
          .messages()
          .map((m) => m.text.slice(0, 80))
          .join('\n')}\n${dump()}`,
      );
    });
  const restartEscalator = async () => {
    await procs.get('escalator')!.kill9();
    procs.set('escalator', await new DozorProcess('escalator', env).start());
  };

  it("personal: alice's own wait outlives the chain's next step and a kill -9 of the escalator; each message goes once", async () => {
    await post(payload('PersonalP', 'personal'));
    const p = await groupOf('personal');
    await expectCount('alice paged', ALICE_TG, /PersonalP/, 1);
    await until('alice waits on her own timer', p, 'PersonalNotificationScheduled', 1);
    await until('the chain waits', p, 'EscalationStepScheduled', 1);

    // Between the step and both timers: the next escalator must fire each once.
    await restartEscalator();
    await clock.advance('1m');
    await expectCount('bob paged by the next chain step', BOB_TG, /PersonalP/, 1);
    await until('the chain finished', p, 'EscalationFinished', 1);
    expect(messages(ALICE_TG, /PersonalP/)).toHaveLength(1);

    await clock.advance('4m');
    await expectCount("alice's second message", ALICE_TG, /PersonalP/, 2);
    await until('the wait resumed', p, 'PersonalNotificationResumed', 1);

    const requested = (await ofGroup(p, 'NotificationRequested')).map((e) => e.data as { notificationId: string; userId: string; personalRule?: number });
    expect(requested.map((r) => [r.userId, r.personalRule])).toEqual([
      ['alice', 0],
      ['bob', undefined],
      ['alice', 2],
    ]);
    expect(new Set(requested.map((r) => r.notificationId)).size).toBe(3);
    const fired = (await events('escalation')).filter((e) => e.type === 'TimerFired' && e.data.timerId.includes(p)).map((e) => e.data as { timerId: string });
    expect(fired.map((f) => f.timerId.split(':')[0]).sort()).toEqual(['esc', 'personal']);
    // Nothing more comes: the list has ended.
    await clock.advance('10m');
    expect(messages(ALICE_TG, /PersonalP/)).toHaveLength(2);
    expect(messages(BOB_TG, /PersonalP/)).toHaveLength(1);
  }, 180_000);

  it("api: dave's rules written over the API (POST, PUT, DELETE) page him as they say, without a restart", async () => {
    const api = procs.get('api')!.url;
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${api}/api/v1/personal_notification_rules${path}`, {
        method,
        headers: body === undefined ? { authorization: API_TOKEN } : { authorization: API_TOKEN, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: r.status === 204 ? null : await r.json() };
    };
    // The fallback (one message) shows until a list is written.
    expect((await call('GET', '?user_id=dave&important=false')).body.results).toEqual([
      { id: 'dave-default-0', user_id: 'dave', position: 0, important: false, type: 'notify_by_telegram' },
    ]);
    expect((await call('POST', '', { user_id: 'dave', type: 'notify_by_sms' })).body.detail).toMatch(/use notify_by_telegram/);
    expect((await call('POST', '', { user_id: 'nobody', type: 'wait' })).status).toBe(400);
    expect((await call('POST', '', { user_id: 'dave', type: 'notify_by_telegram' })).status).toBe(201);
    expect((await call('POST', '', { user_id: 'dave', type: 'wait', duration: 60 })).body).toMatchObject({ id: 'dave-default-1', type: 'wait', duration: 60 });
    expect((await call('POST', '', { user_id: 'dave', type: 'notify_by_telegram' })).status).toBe(201);
    expect((await call('PUT', '/dave-default-1', { duration: 120 })).body).toMatchObject({ id: 'dave-default-1', duration: 120 });
    expect((await call('POST', '', { user_id: 'dave', type: 'notify_by_telegram', position: 0 })).body).toMatchObject({ id: 'dave-default-0' });
    expect((await call('DELETE', '/dave-default-0')).status).toBe(204);
    expect((await call('DELETE', '/dave-default-9')).status).toBe(404);
    const listed = (await call('GET', '?user_id=dave&important=false')).body.results.map((r: { type: string; duration?: number }) => [r.type, r.duration]);
    expect(listed).toEqual([
      ['notify_by_telegram', undefined],
      ['wait', 120],
      ['notify_by_telegram', undefined],
    ]);
    // The escalator follows the change from the log; a moment's grace for that on a loaded machine.
    await new Promise((r) => setTimeout(r, 2000));

    await post(payload('ApiRules', 'api'));
    await expectCount('dave paged', DAVE_TG, /ApiRules/, 1);
    await clock.advance('2m');
    await expectCount("dave's second message, after his own 2-minute wait", DAVE_TG, /ApiRules/, 2);
    expect(messages(DAVE_TG, /ApiRules/)).toHaveLength(2);
  }, 120_000);

  it('remind: the acknowledger is reminded after 1h, unanswered it is unacknowledged after 5m (escalation restarts), and the resolve notice goes to carol', async () => {
    await post(payload('ReminderR', 'remind'));
    const r = await groupOf('remind');
    await expectCount('carol paged', CAROL_TG, /ReminderR/, 1);
    await expectCount('bob paged', BOB_TG, /ReminderR/, 1);
    const page = messages(CAROL_TG, /ReminderR/)[0]!;
    expect(await telegram.pressButton(CAROL_TG, page.message_id, 'Acknowledge', CAROL_TG, { timeoutMs: 20_000 })).toMatch(/Acknowledged/);
    await until('reminder 1 set', r, 'AckReminderScheduled', 1);
    const [first] = await ofGroup(r, 'AckReminderScheduled');
    expect(first!.data).toMatchObject({ kind: 'reminder', n: 1 });

    await clock.advance('1h');
    await expectCount('carol reminded', CAROL_TG, /Reminder:[\s\S]*ReminderR/, 1);
    await until('the answer deadline set', r, 'AckReminderScheduled', 2);
    expect(messages(BOB_TG, /Reminder:/)).toHaveLength(0);

    // Between the reminder and its deadline.
    await restartEscalator();
    await clock.advance('5m');
    const unacked = await poll(
      'unacknowledged by the escalator',
      async () => (await events('alert-group')).find((e) => e.type === 'AlertGroupUnacknowledged' && e.data.alertGroupId === r),
      30_000,
    );
    expect(unacked.metadata.actor).toMatchObject({ kind: 'system', id: 'escalator' });
    await until('escalation restarted', r, 'EscalationResumed', 1);
    await expectCount('bob paged again', BOB_TG, /ReminderR/, 2);
    await expectCount('carol paged again', CAROL_TG, /ReminderR/, 3);
    expect(await ofGroup(r, 'AckReminderSent')).toHaveLength(1);
    expect((await ofGroup(r, 'AckReminderDeadlinePassed')).map((e) => (e.data as { answered: boolean }).answered)).toEqual([false]);

    const again = messages(BOB_TG, /ReminderR/).at(-1)!;
    expect(await telegram.pressButton(BOB_TG, again.message_id, 'Resolve', BOB_TG, { timeoutMs: 20_000 })).toMatch(/Resolved/);
    await expectCount('carol gets the resolve notice', CAROL_TG, /Resolved:/, 1);
    const [notice] = await ofGroup(r, 'ResolveNoticeRequested');
    expect((notice!.data as { users: string[] }).users).toEqual(['carol']);
    expect(messages(BOB_TG, /Resolved:/)).toHaveLength(0);
  }, 180_000);

  it('answer: "Still on it" on the reminder keeps the acknowledgment, and the next reminder comes a full period after the first', async () => {
    await post(payload('ReminderA', 'remind'));
    const a = await poll('a second group of chain remind', async () => {
      const started = (await events('escalation')).filter((e) => e.type === 'EscalationStarted' && e.data.chainId === 'remind');
      return started.length >= 2 ? started.at(-1)!.data.alertGroupId : undefined;
    });
    await expectCount('carol paged', CAROL_TG, /ReminderA/, 1);
    const page = messages(CAROL_TG, /ReminderA/)[0]!;
    expect(await telegram.pressButton(CAROL_TG, page.message_id, 'Acknowledge', CAROL_TG, { timeoutMs: 20_000 })).toMatch(/Acknowledged/);
    await until('reminder 1 set', a, 'AckReminderScheduled', 1);

    await clock.advance('1h');
    await expectCount('carol reminded', CAROL_TG, /Reminder:[\s\S]*ReminderA/, 1);
    await until('the answer deadline set', a, 'AckReminderScheduled', 2);
    const reminder = messages(CAROL_TG, /Reminder:[\s\S]*ReminderA/)[0]!;
    expect(await telegram.pressButton(CAROL_TG, reminder.message_id, 'Still on it', CAROL_TG, { timeoutMs: 20_000 })).toMatch(/Confirmed/);
    await poll(
      'the confirmation recorded',
      async () => (await events('alert-group')).some((e) => e.type === 'AlertGroupAcknowledgmentConfirmed' && e.data.alertGroupId === a) || undefined,
      30_000,
    );

    await clock.advance('5m');
    await until('the deadline passed', a, 'AckReminderDeadlinePassed', 1);
    expect((await ofGroup(a, 'AckReminderDeadlinePassed')).map((e) => (e.data as { answered: boolean }).answered)).toEqual([true]);
    await until('reminder 2 set', a, 'AckReminderScheduled', 3);
    expect((await events('alert-group')).some((e) => e.type === 'AlertGroupUnacknowledged' && e.data.alertGroupId === a)).toBe(false);

    await clock.advance('55m');
    await expectCount('carol reminded again', CAROL_TG, /Reminder:[\s\S]*ReminderA/, 2);
    expect(await ofGroup(a, 'AckReminderSent')).toHaveLength(2);
  }, 180_000);
});
