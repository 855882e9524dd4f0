import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateKeyOf, topology, subjects, type DozorEvent } from '@dozor/contracts';
import { EventStore, ExpectedVersion, connectNats } from '@dozor/eventstore';
import {
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
  writeChainConfig,
} from '@dozor/testing';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * A redelivered AlertGroupCreated (here: the escalator's durable consumer
 * lost and recreated, so the whole log is delivered again, as after a NATS
 * restart) must not restart an escalation that finished; a real unacknowledge
 * afterwards must.
 */
describe('escalator: replays are not state changes', () => {
  let iso: Isolation;
  let nc: NatsConnection;
  let store: EventStore;
  let env: NodeJS.ProcessEnv;
  const procs: DozorProcess[] = [];

  beforeAll(async () => {
    iso = isolate('rply');
    nc = await connectNats(NATS_URL, 'replay-spec');
    store = await EventStore.open(nc, { topology: topology(iso.prefix) });
    // A chain that notifies and finishes at once.
    const config = writeChainConfig(iso.dir, ['notify_persons: [alice]']);
    env = childProcessEnv(iso, null, { DOZOR_CONFIG: config });
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await nc?.close();
    await iso?.cleanup();
  });

  const escalationEvents = (groupId: string): Promise<DozorEvent[]> => eventsOn(store, subjects.escalation(store.topology, groupId));
  const types = (es: DozorEvent[]) => es.map((e) => e.type);
  const settled = () =>
    poll('the escalator consumer to ack everything', async () => {
      const info = await store.consumerInfo('escalator-alert-group').catch(() => null);
      return info && info.num_pending === 0 && info.num_ack_pending === 0;
    });
  const escalator = async (n: number) => {
    const p = new DozorProcess('escalator', env, `escalator#${n}`);
    procs.push(p);
    return p.start();
  };

  it('a replayed AlertGroupCreated after the chain finished does nothing; an unacknowledge restarts it', async () => {
    const first = await escalator(1);
    const key = aggregateKeyOf('escalator-replay', 'replay-test');
    const groupId = `${key}-1`;
    const groupSubject = subjects.alertGroup(store.topology, key);
    const payload = loadFixture('firing-single.json').json;
    await appendAsRouter(store, key, openedGroupEvents(key, { payload, title: 'AlwaysFiringTest', severity: 'critical' }));
    const finished = await poll('the chain to finish', async () => {
      const evs = await escalationEvents(groupId);
      return evs.some((e) => e.type === 'EscalationFinished') ? evs : null;
    });
    expect(types(finished)).toEqual(['EscalationStarted', 'EscalationStepExecuted', 'NotificationRequested', 'EscalationFinished']);
    await settled();

    // The consumer is lost with its acks; the next escalator creates it again and gets the whole log once more.
    await first.stop();
    await store.deleteConsumer('escalator-alert-group');
    await escalator(2);
    await settled();
    // Let a wrong restart have its chance to show up.
    await new Promise((r) => setTimeout(r, 1000));
    expect(types(await escalationEvents(groupId))).toEqual(types(finished));

    // A real state change after the finish: acknowledged, then unacknowledged.
    const by = { actor: { kind: 'user' as const, id: 'alice' }, source: 'api' as const };
    await store.append(groupSubject, [{ type: 'AlertGroupAcknowledged', data: { alertGroupId: groupId, by: 'action' } }], {
      expected: ExpectedVersion.any,
      ...by,
    });
    await store.append(groupSubject, [{ type: 'AlertGroupUnacknowledged', data: { alertGroupId: groupId } }], { expected: ExpectedVersion.any, ...by });
    const restarted = await poll('the restart', async () => {
      const evs = await escalationEvents(groupId);
      return evs.filter((e) => e.type === 'EscalationFinished').length === 2 ? evs : null;
    });
    expect(types(restarted).slice(finished.length)).toEqual(['EscalationResumed', 'EscalationStepExecuted', 'NotificationRequested', 'EscalationFinished']);
  });
});
