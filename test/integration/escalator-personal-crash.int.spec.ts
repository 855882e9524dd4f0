import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateKeyOf, subjects, topology, type DozorEvent } from '@dozor/contracts';
import { EventStore, ExpectedVersion, connectNats } from '@dozor/eventstore';
import {
  ALICE_TG,
  appendAsRouter,
  childProcessEnv,
  DozorProcess,
  eventsOn,
  isolate,
  type Isolation,
  loadFixture,
  NATS_URL,
  openedGroupEvents,
  poll,
  TestClock,
} from '@dozor/testing';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * kill -9 of the escalator between a step and its timer, and while due
 * timers are being fired, for the timer kinds of personal policies and
 * acknowledge reminders: over many groups, every personal message and
 * every reminder is asked for exactly once, and every timer fires once.
 */
const CONFIG = `users:
  - id: alice
    telegram_user_id: "${ALICE_TG}"
    personal_notification_rules:
      default:
        - notify_by_telegram
        - wait: 10m
        - notify_by_telegram
        - wait: 10m
        - notify_by_telegram
integrations:
  - id: alertmanager-main-integration
    type: alertmanager
    token: \${ALERTMANAGER_INTEGRATION_TOKEN}
escalation_chains:
  - id: demo-critical-escalation-chain
    acknowledge_reminder:
      remind_every: 1h
    steps:
      - notify_persons: [alice]
`;

const GROUPS = 12;

describe('escalator kill -9 around personal waits and acknowledge reminders', () => {
  let iso: Isolation;
  let nc: NatsConnection;
  let store: EventStore;
  let clock: TestClock;
  let env: NodeJS.ProcessEnv;
  const procs: DozorProcess[] = [];
  const keys = Array.from({ length: GROUPS }, (_, i) => aggregateKeyOf('personal-crash', `group-${i}`));
  const ids = keys.map((k) => `${k}-1`);

  beforeAll(async () => {
    iso = isolate('pcrash');
    nc = await connectNats(NATS_URL, 'personal-crash-spec');
    store = await EventStore.open(nc, { topology: topology(iso.prefix) });
    clock = await TestClock.open(iso.prefix);
    const config = join(iso.dir, 'dozor.yaml');
    writeFileSync(config, CONFIG);
    env = childProcessEnv(iso, null, { ...TestClock.env, DOZOR_CONFIG: config });
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await clock?.close();
    await nc?.close();
    await iso?.cleanup();
  });

  const escalator = async () => {
    const p = new DozorProcess('escalator', env, `escalator#${procs.length + 1}`);
    procs.push(p);
    return p.start();
  };
  const all = async (): Promise<DozorEvent[][]> => Promise.all(ids.map((id) => eventsOn(store, subjects.escalation(store.topology, id))));
  const count = (evs: DozorEvent[], type: DozorEvent['type'], pred: (e: DozorEvent) => boolean = () => true) =>
    evs.filter((e) => e.type === type && pred(e)).length;
  const everyGroup = (what: string, ok: (evs: DozorEvent[]) => boolean) =>
    poll(what, async () => ((await all()).every(ok) ? true : undefined), 60_000).catch(async (e) => {
      throw new Error(`${e}\n${procs.map((p) => `--- ${p.name}\n${p.tail(20)}`).join('\n')}`);
    });
  /** Kills the escalator as soon as one timer of `prefix` has fired (mid-batch, most likely), then starts another. */
  const killWhileFiring = async (p: DozorProcess, prefix: string) => {
    await poll(`a ${prefix} timer fired`, async () =>
      (await all()).some((evs) => evs.some((e) => e.type === 'TimerFired' && e.data.timerId.startsWith(prefix))),
    );
    await p.kill9();
    return escalator();
  };

  it('each personal message, each reminder and each timer once, across kills between a step and its timer and while firing', async () => {
    let p = await escalator();
    const payload = loadFixture('firing-flapping.json').json;
    for (const key of keys)
      await appendAsRouter(store, key, openedGroupEvents(key, { payload, title: 'PersonalCrash', severity: 'warning', group: { groupingKey: key } }));
    await everyGroup('the first message and the first personal wait', (evs) => count(evs, 'PersonalNotificationScheduled') === 1);

    // Between the step and its timer.
    await p.kill9();
    await clock.advance('10m');
    p = await escalator();
    // While the due personal waits are being fired.
    p = await killWhileFiring(p, 'personal:');
    await everyGroup(
      'the second message and the second wait',
      (evs) => count(evs, 'PersonalNotificationScheduled') === 2 && count(evs, 'NotificationRequested') === 2,
    );
    await p.kill9();
    await clock.advance('10m');
    p = await escalator();
    await everyGroup('the third message', (evs) => count(evs, 'NotificationRequested') === 3);

    // alice acknowledges every group: each gets its first reminder, one hour on.
    for (const [i, key] of keys.entries())
      await store.append(subjects.alertGroup(store.topology, key), [{ type: 'AlertGroupAcknowledged', data: { alertGroupId: ids[i]!, by: 'action' } }], {
        expected: ExpectedVersion.any,
        actor: { kind: 'user', id: 'alice', name: 'alice' },
        source: 'telegram',
      });
    await everyGroup('reminder 1 set', (evs) => count(evs, 'AckReminderScheduled') === 1);
    await p.kill9();
    await clock.advance('1h');
    p = await escalator();
    p = await killWhileFiring(p, 'reminder:');
    await everyGroup('reminder 1 sent and reminder 2 set', (evs) => count(evs, 'AckReminderSent') === 1 && count(evs, 'AckReminderScheduled') === 2);

    // Let a duplicate have its chance to show up, then check the whole log.
    await new Promise((r) => setTimeout(r, 1500));
    for (const evs of await all()) {
      const requested = evs.flatMap((e) => (e.type === 'NotificationRequested' ? [e.data] : []));
      expect(requested.map((r) => r.personalRule ?? r.reason)).toEqual([0, 2, 4, 'ack_reminder']);
      expect(new Set(requested.map((r) => r.notificationId)).size).toBe(requested.length);
      const fired = evs.flatMap((e) => (e.type === 'TimerFired' ? [e.data.timerId] : []));
      expect(new Set(fired).size).toBe(fired.length);
      expect(fired.map((t) => t.split(':')[0])).toEqual(['personal', 'personal', 'reminder']);
      expect(count(evs, 'PersonalNotificationResumed')).toBe(2);
    }
  }, 240_000);
});
