import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, topology, type DozorEvent } from '@dozor/contracts';
import { EventStore, connectNats } from '@dozor/eventstore';
import {
  ALICE_TG,
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

const CAROL_TG = 616161;
const CHAT = -1001234567890;
const user = (id: string, tg: number) => `  - id: ${id}\n    name: ${id}\n    telegram_user_id: "${tg}"\n`;

/**
 * Every step kind end to end, in two chains and one set of processes on the
 * shared test clock (each kind's edge cases are in the decider specs):
 *  - rr: a user group, a round robin (important) that survives a kill -9 of
 *    the escalator between the step and its timer, a wait, a repeat from step
 *    2, a webhook request, a post in a Telegram chat topic, and a resolve;
 *  - window: a time window in Europe/Berlin across a DST change, then "more
 *    than 1 alert within 10 minutes" (held until new alerts), then a team
 *    (important) and a person.
 */
const CONFIG = `users:
${user('alice', ALICE_TG)}${user('bob', BOB_TG)}${user('carol', CAROL_TG)}user_groups:
  - id: dba
    users: [carol]
teams:
  - id: core
    members: [carol]
integrations:
  - id: am
    type: alertmanager
    token: \${ALERTMANAGER_INTEGRATION_TOKEN}
    routes:
      - labels: ['scenario="rr"']
        escalation_chain: rr
      - labels: ['scenario="window"']
        escalation_chain: window
webhooks:
  - id: jira
    # loopback without DOZOR_WEBHOOK_ALLOW: refused before any connection, recorded as a failed delivery
    url: http://127.0.0.1:9/hook
    trigger_type: escalation step
escalation_chains:
  - id: rr
    steps:
      - notify_user_group: dba
      - type: notify_person_next_each_time
        persons_to_notify_next_each_time: [alice, bob]
        important: true
      - wait: 10m
      - repeat_escalation: { from_step: 2, limit: 1 }
      - trigger_webhook: jira
      - notify_whole_channel: { chat_id: ${CHAT}, message_thread_id: 5 }
      - resolve: true
  - id: window
    steps:
      - notify_if_time_from_to: { notify_if_time_from: "09:00", notify_if_time_to: "10:00", time_zone: Europe/Berlin }
      - notify_if_num_alerts_in_window: { num_alerts_in_window: 1, num_minutes_in_window: 10 }
      - notify_team_members: core
        important: true
      - notify_persons: [alice]
`;

/** An Alertmanager webhook for one alert; `n` changes the body (identical bodies are deduplicated) but not the group. */
function payload(alertname: string, scenario: string, n = 1): string {
  const labels = { alertname, scenario };
  return JSON.stringify({
    receiver: 'dozor',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: `${alertname} summary`, description: `occurrence ${n}` },
        startsAt: `2026-11-24T00:0${n}:00Z`,
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus/graph',
        fingerprint: `${alertname}${n}`,
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

/** The next Europe/Berlin DST change after `now`: 01:00Z on the last Sunday of March or October. */
function nextBerlinDstChange(now: Date): { at: Date; spring: boolean } {
  const lastSunday = (y: number, m: number) => {
    const d = new Date(Date.UTC(y, m + 1, 0, 1));
    d.setUTCDate(d.getUTCDate() - d.getUTCDay());
    return d;
  };
  const y = now.getUTCFullYear();
  const all = [y, y + 1].flatMap((yy) => [
    { at: lastSunday(yy, 2), spring: true },
    { at: lastSunday(yy, 9), spring: false },
  ]);
  return all.find((c) => c.at.getTime() > now.getTime() + 86_400_000)!;
}

describe('escalation steps at Grafana OnCall parity, end to end', () => {
  let sys: DozorSystem;
  let iso: Isolation;
  let telegram: BotApiTestServer;
  let clock: TestClock;
  let nc: NatsConnection;
  let store: EventStore;
  let procs: Map<string, DozorProcess>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sys = await DozorSystem.open('esteps');
    ({ iso, telegram, procs } = sys);
    clock = await TestClock.open(iso.prefix);
    nc = await connectNats(NATS_URL, 'escalation-steps-spec');
    store = await EventStore.open(nc, { topology: topology(iso.prefix) });
    const config = join(iso.dir, 'dozor.yaml');
    writeFileSync(config, CONFIG);
    const extra = { ...TestClock.env, DOZOR_CONFIG: config };
    env = sys.env(extra);
    // The router answers the escalator's resolve.
    await sys.start(SEPARATE_SERVICES, extra);
  }, 120_000);

  afterAll(async () => {
    await clock?.close();
    await nc?.close();
    await sys?.stop();
  });

  const dump = () => [...procs.values()].map((p) => `--- ${p.name}\n${p.tail(15)}`).join('\n');
  const events = async (kind: 'escalation' | 'alert-group' | 'escalation-rr'): Promise<DozorEvent[]> => {
    const out: DozorEvent[] = [];
    // The whole stream, sorted here: a replay filtered on subjects that have no message yet waits for one.
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
  const groupOf = (chainId: string, nth = 0) =>
    poll(`escalation ${nth} of chain ${chainId} started`, async () => {
      const started = (await events('escalation')).filter((e) => e.type === 'EscalationStarted' && e.data.chainId === chainId);
      return started[nth]?.data.alertGroupId;
    });
  const ofGroup = async (id: string, type: DozorEvent['type']) =>
    (await events('escalation')).filter((e) => e.type === type && (e.data as { alertGroupId: string }).alertGroupId === id);
  const expectTo = (tg: number, pattern: RegExp) =>
    telegram
      .chat(tg)
      .expectMessage(pattern, { timeoutMs: 30_000 })
      .catch((e) => {
        throw new Error(`${e}\n${dump()}`);
      });
  const count = (tg: number, pattern: RegExp) =>
    telegram
      .chat(tg)
      .messages()
      .filter((m) => pattern.test(m.text)).length;

  it('rr: a round robin across a kill -9 of the escalator, a repeat from step 2, a webhook request, a chat post and a resolve', async () => {
    await post(payload('RoundRobinA', 'rr'));
    const a = await groupOf('rr');
    await expectTo(CAROL_TG, /RoundRobinA/);
    await expectTo(ALICE_TG, /RoundRobinA/);
    await poll('the wait scheduled', async () => (await ofGroup(a, 'EscalationStepScheduled')).length === 1 || undefined);

    // Between the step and its timer: the next escalator must find the turn taken and the timer due, neither lost nor run twice.
    await procs.get('escalator')!.kill9();
    procs.set('escalator', await new DozorProcess('escalator', env).start());
    await clock.advance('10m');
    await expectTo(BOB_TG, /RoundRobinA/);
    await poll('the repeated wait scheduled', async () => (await ofGroup(a, 'EscalationStepScheduled')).length === 2 || undefined);

    await clock.advance('10m');
    await telegram
      .waitForCall('sendMessage', (c) => String(c.params.chat_id) === String(CHAT), { timeoutMs: 30_000 })
      .catch((e) => {
        throw new Error(`${e}\n${dump()}`);
      });
    const resolved = await poll('resolved by the escalation', async () =>
      (await events('alert-group')).find((e) => e.type === 'AlertGroupResolved' && e.data.alertGroupId === a),
    );
    expect(resolved.data).toMatchObject({ by: 'escalation' });
    expect(resolved.metadata.actor).toMatchObject({ kind: 'system', id: 'escalator' });

    const chatPost = telegram.calls('sendMessage').find((c) => String(c.params.chat_id) === String(CHAT))!;
    expect(Number(chatPost.params.message_thread_id)).toBe(5);
    expect(String(chatPost.params.text)).toMatch(/RoundRobinA/);
    expect(chatPost.params.reply_markup).toBeTruthy();
    expect((await ofGroup(a, 'OutgoingWebhookRequested')).map((e) => e.data)).toMatchObject([{ webhookId: 'jira', trigger: 'escalation_step', stepIndex: 4 }]);
    expect(await ofGroup(a, 'EscalationRepeated')).toHaveLength(1);
    // One turn each, one message each: nothing ran twice across the crash.
    const turns = (await events('escalation-rr')).filter((e) => e.type === 'EscalationRotationAdvanced').map((e) => (e.data as { userId: string }).userId);
    expect(turns).toEqual(['alice', 'bob']);
    expect([count(CAROL_TG, /RoundRobinA/), count(ALICE_TG, /RoundRobinA/), count(BOB_TG, /RoundRobinA/)]).toEqual([1, 1, 1]);
    const fired = (await events('escalation')).filter((e) => e.type === 'TimerFired' && e.data.timerId.includes(a));
    expect(fired).toHaveLength(2);

    // The position is the chain step's, not the group's: the next group's first turn goes on from bob.
    await post(payload('RoundRobinB', 'rr'));
    await expectTo(ALICE_TG, /RoundRobinB/);
    expect(count(BOB_TG, /RoundRobinB/)).toBe(0);
  }, 180_000);

  it('window: waits for 09:00 in Berlin across a DST change, then for more than 1 alert in 10 minutes, then pages the team and alice', async () => {
    // Let the rr chains finish first: the clock jump fires every due timer.
    const dst = nextBerlinDstChange(clock.now());
    await clock.advance(dst.at.getTime() - 5 * 3_600_000 - clock.now().getTime());
    await post(payload('WindowW', 'window', 1));
    const w = await groupOf('window');
    const opensAt = new Date(dst.at.getTime() + (dst.spring ? 6 : 7) * 3_600_000).toISOString();
    const scheduled = await poll('waiting for the window', async () => (await ofGroup(w, 'EscalationStepScheduled'))[0]);
    expect((scheduled.data as { dueAt: string }).dueAt).toBe(opensAt);

    await clock.advance(Date.parse(opensAt) + 1000 - clock.now().getTime());
    const held = await poll('held for more alerts', async () => (await ofGroup(w, 'EscalationHeld'))[0]);
    expect((held.data as { summary: string }).summary).toMatch(/more than 1 alerts within 10 min \(1 so far\)/);
    expect(count(CAROL_TG, /WindowW/)).toBe(0);

    // The first alert came 11 hours before the window opened: it is not within 10 minutes of the latest, so two more are needed.
    await post(payload('WindowW', 'window', 2));
    await post(payload('WindowW', 'window', 3));
    await expectTo(CAROL_TG, /WindowW/);
    await expectTo(ALICE_TG, /WindowW/);
    const requested = (await ofGroup(w, 'NotificationRequested')).map((e) => e.data as { userId: string; important: boolean });
    expect(requested).toEqual([expect.objectContaining({ userId: 'carol', important: true }), expect.objectContaining({ userId: 'alice', important: false })]);
  }, 180_000);
});
