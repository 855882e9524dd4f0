import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateKeyOf, topology, subjects, type DozorEvent } from '@dozor/contracts';
import { EventStore, connectNats } from '@dozor/eventstore';
import {
  appendAsRouter,
  childProcessEnv,
  DozorProcess,
  dropSchemas,
  eventsOn,
  isolate,
  type Isolation,
  loadFixture,
  NATS_URL,
  openedGroupEvents,
  pgUrlWithSchema,
  poll,
  writeConfig,
} from '@dozor/testing';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * kill -9 of the escalator while a wait is pending: the next step still
 * runs after the restart, and runs once.
 */
describe('escalator survives kill -9 during a wait', () => {
  let iso: Isolation;
  let nc: NatsConnection;
  let store: EventStore;
  let env: NodeJS.ProcessEnv;
  const procs: DozorProcess[] = [];

  beforeAll(async () => {
    iso = isolate('kill');
    nc = await connectNats(NATS_URL, 'kill-spec');
    store = await EventStore.open(nc, { topology: topology(iso.prefix) });
    const config = writeConfig(iso.dir).replace(/\n$/, '');
    const { writeFileSync, readFileSync } = await import('node:fs');
    // A short wait so the test waits seconds, not an hour.
    writeFileSync(config, readFileSync(config, 'utf8').replace('wait: 1h', 'wait: 3s'));
    env = childProcessEnv(iso, null, { DOZOR_CONFIG: config });
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await nc?.close();
    await iso?.cleanup();
  });

  const escalationEvents = async (groupId: string): Promise<DozorEvent[]> => await eventsOn(store, subjects.escalation(store.topology, groupId));

  it('fires the pending step exactly once after a restart', async () => {
    const first = new DozorProcess('escalator', env, 'escalator#1');
    procs.push(first);
    await first.start();

    // An alert group as the router would have opened it.
    const key = aggregateKeyOf('escalator-crash', 'kill-test');
    const groupId = `${key}-1`;
    const payload = loadFixture('firing-flapping.json').json;
    await appendAsRouter(store, key, openedGroupEvents(key, { payload, title: 'FlappingTest (warning)', alertTitle: 'FlappingTest', severity: 'warning' }));

    const scheduled = await poll('the wait step to be scheduled', async () =>
      (await escalationEvents(groupId)).find((e) => e.type === 'EscalationStepScheduled'),
    );
    // The timer is in the due-table once the projection consumer acked; give it a moment, then kill.
    await new Promise((r) => setTimeout(r, 300));
    await first.kill9();

    const dueAt = Date.parse((scheduled as Extract<DozorEvent, { type: 'EscalationStepScheduled' }>).data.dueAt);
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now()) + 500));
    expect((await escalationEvents(groupId)).filter((e) => e.type === 'TimerFired')).toHaveLength(0);

    const second = new DozorProcess('escalator', env, 'escalator#2');
    procs.push(second);
    await second.start();
    const all = await poll('the step after the wait', async () => {
      const evs = await escalationEvents(groupId);
      return evs.some((e) => e.type === 'EscalationFinished') ? evs : null;
    }).catch(async (e) => {
      throw new Error(`${e}\nlog: ${JSON.stringify((await escalationEvents(groupId)).map((x) => x.type))}\n${first.tail()}\n---\n${second.tail()}`);
    });
    // Let any duplicate have its chance to show up.
    await new Promise((r) => setTimeout(r, 1500));
    const final = await escalationEvents(groupId);
    expect(final.length).toBe(all.length);
    const requested = final.filter((e) => e.type === 'NotificationRequested');
    expect(requested.map((e) => (e as Extract<DozorEvent, { type: 'NotificationRequested' }>).data.stepIndex)).toEqual([1, 3]);
    expect(final.filter((e) => e.type === 'TimerFired')).toHaveLength(1);
    expect(final.filter((e) => e.type === 'EscalationStepExecuted' && e.data.stepIndex === 3)).toHaveLength(1);
  });

  it('rebuilds the due-table from the log in a fresh database and fires once', async () => {
    const key = aggregateKeyOf('escalator-crash', 'fresh-db-test');
    const groupId = `${key}-1`;
    const payload = loadFixture('firing-flapping.json').json;
    const first = new DozorProcess('escalator', env, 'escalator#3');
    procs.push(first);
    await first.start();
    const [created] = openedGroupEvents(key, { payload, title: 'FlappingTest', severity: 'warning', group: { groupingKey: 'fresh' } });
    await appendAsRouter(store, key, [created!]);
    await poll('the wait step to be scheduled', async () => (await escalationEvents(groupId)).find((e) => e.type === 'EscalationStepScheduled'));
    await first.kill9();
    // The same log, a database that has never seen it.
    const fresh = new DozorProcess('escalator', { ...env, DATABASE_URL: pgUrlWithSchema(`${iso.schema}_fresh`) }, 'escalator#4');
    procs.push(fresh);
    await fresh.start();
    const evs = await poll('the step after the wait', async () => {
      const e = await escalationEvents(groupId);
      return e.some((x) => x.type === 'EscalationFinished') ? e : null;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const final = await escalationEvents(groupId);
    expect(final.length).toBe(evs.length);
    expect(final.filter((e) => e.type === 'TimerFired')).toHaveLength(1);
    // The earlier test's timer, already fired in the log, did not fire again.
    const all = await store.replay({ filter: subjects.allOf(store.topology, 'escalation') });
    const fired: string[] = [];
    for await (const c of all) for (const e of c.events) if (e.type === 'TimerFired') fired.push(e.data.timerId);
    expect(new Set(fired).size).toBe(fired.length);
    await dropSchemas([`${iso.schema}_fresh`]);
  });
});
