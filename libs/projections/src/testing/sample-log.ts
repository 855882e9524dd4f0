/**
 * Spec support (excluded from the build): appends a realistic history for a
 * few alert groups through the real EventStore.
 */
import { subjects, SYSTEM_ACTORS, type Actor, type AlertmanagerPayload, type NewEvent, type Source } from '@dozor/contracts';
import { ExpectedVersion, type EventStore } from '@dozor/eventstore';

export const alice: Actor = { kind: 'user', id: 'alice', name: 'alice' };
export const bob: Actor = { kind: 'user', id: 'bob', name: 'Bob B.' };
const amActor: Actor = { kind: 'integration', id: 'int-am' };

export function payload(status: 'firing' | 'resolved', alertname: string, n = 1): AlertmanagerPayload {
  const labels = { alertname, severity: 'critical' };
  return {
    receiver: 'oncall-webhook',
    status,
    alerts: Array.from({ length: n }, (_, i) => ({
      status,
      labels: { ...labels, instance: `host-${i}` },
      annotations: { summary: `${alertname} on host-${i}` },
      startsAt: '2026-11-24T00:55:49.96Z',
      endsAt: status === 'resolved' ? '2026-11-24T01:55:49.96Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://vm:19090/graph?g0.expr=vector%281%29',
      fingerprint: `3716b7b42042b5b${i}`,
    })),
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: { summary: `${alertname} firing` },
    externalURL: 'http://vm:19093',
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
  };
}

export class LogWriter {
  receipts = 0;
  constructor(private readonly store: EventStore) {}

  async append(subject: string, events: NewEvent[], actor: Actor, source: Source): Promise<number> {
    const r = await this.store.append(subject, events, { expected: ExpectedVersion.any, actor, source });
    return r.seq;
  }

  group(aggregateKey: string, generation = 1) {
    const t = this.store.topology;
    const id = `${aggregateKey}-${generation}`;
    const ag = subjects.alertGroup(t, aggregateKey);
    const esc = subjects.escalation(t, id);
    const ntf = subjects.notification(t, id);
    const router = SYSTEM_ACTORS.router;
    const w = this;
    const alert = (status: 'firing' | 'resolved', name: string) => {
      const receiptId = `r-${aggregateKey}-${++w.receipts}`;
      const p = payload(status, name);
      return {
        received: {
          type: 'AlertReceived',
          data: {
            receiptId,
            integrationId: 'int-am',
            integrationKind: 'alertmanager',
            groupingKey: p.groupKey,
            aggregateKey,
            bodySha256: `sha-${receiptId}`,
            payload: p,
          },
        } as NewEvent,
        added: {
          type: 'AlertAdded',
          data: {
            alertGroupId: id,
            receiptId,
            alert: {
              alertId: receiptId,
              status,
              firing: status === 'firing' ? ['f@1'] : [],
              resolved: status === 'resolved' ? ['f@1'] : [],
              title: name,
              receivedAt: '2026-11-24T01:00:00.000Z',
            },
            payload: p,
          },
        } as NewEvent,
      };
    };
    return {
      id,
      async create(name: string, escalationChainId: string | null = 'chain-default') {
        const a = alert('firing', name);
        await w.append(ag, [a.received], amActor, 'alertmanager');
        const p = payload('firing', name);
        return w.append(
          ag,
          [
            {
              type: 'AlertGroupCreated',
              data: {
                alertGroupId: id,
                aggregateKey,
                integrationId: 'int-am',
                groupingKey: p.groupKey,
                routeId: 'route-default',
                escalationChainId,
                title: name,
                severity: 'critical',
                groupLabels: p.groupLabels,
                commonLabels: p.commonLabels,
                commonAnnotations: p.commonAnnotations,
                sourceLink: p.alerts[0]!.generatorURL,
              },
            },
            a.added,
          ],
          router,
          'system',
        );
      },
      async repeat(name: string, status: 'firing' | 'resolved' = 'firing') {
        const a = alert(status, name);
        await w.append(ag, [a.received], amActor, 'alertmanager');
        const extra: NewEvent[] = status === 'resolved' ? [{ type: 'AlertGroupResolved', data: { alertGroupId: id, by: 'source' } }] : [];
        return w.append(ag, [a.added, ...extra], router, 'system');
      },
      act(events: NewEvent[], actor: Actor, source: Source) {
        return w.append(ag, events, actor, source);
      },
      ack: (actor: Actor, source: Source) => w.append(ag, [{ type: 'AlertGroupAcknowledged', data: { alertGroupId: id } }], actor, source),
      unack: (actor: Actor, source: Source) => w.append(ag, [{ type: 'AlertGroupUnacknowledged', data: { alertGroupId: id } }], actor, source),
      resolve: (actor: Actor, source: Source) => w.append(ag, [{ type: 'AlertGroupResolved', data: { alertGroupId: id, by: 'action' } }], actor, source),
      unresolve: (actor: Actor, source: Source) => w.append(ag, [{ type: 'AlertGroupUnresolved', data: { alertGroupId: id } }], actor, source),
      silence: (seconds: number | null, actor: Actor, source: Source) =>
        w.append(
          ag,
          [
            {
              type: 'AlertGroupSilenced',
              data: {
                alertGroupId: id,
                until: seconds === null ? null : new Date(Date.parse('2026-11-24T02:00:00Z') + seconds * 1000).toISOString(),
                durationSeconds: seconds,
              },
            },
          ],
          actor,
          source,
        ),
      unsilence: (by: 'action' | 'expired', actor: Actor, source: Source) =>
        w.append(ag, [{ type: 'AlertGroupUnsilenced', data: { alertGroupId: id, by } }], actor, source),
      escalation(events: NewEvent[]) {
        return w.append(esc, events, SYSTEM_ACTORS.escalator, 'system');
      },
      notification(events: NewEvent[]) {
        return w.append(ntf, events, SYSTEM_ACTORS.telegram, 'telegram');
      },
    };
  }
}

/**
 * Two alert groups with most kinds of event. Returns the ids and the last sequence.
 */
export async function writeSampleHistory(store: EventStore, prefix = 'aaaa'): Promise<{ g1: string; g2: string; g3: string; last: number }> {
  const w = new LogWriter(store);
  const g1 = w.group(`${prefix}bbbbcccc`);
  const g2 = w.group(`${prefix}ddddeeee`);
  const g3 = w.group(`${prefix}hhhhiiii`, 2);
  await g1.create('HighLatency');
  await g1.escalation([
    {
      type: 'EscalationStarted',
      data: {
        alertGroupId: g1.id,
        chainId: 'chain-default',
        steps: [
          { kind: 'notify_persons', users: ['alice'], important: false },
          { kind: 'wait', seconds: 300 },
        ],
        integrationId: 'int-am',
        aggregateKey: `${prefix}bbbbcccc`,
      },
    },
  ]);
  await g1.escalation([
    {
      type: 'EscalationStepExecuted',
      data: { alertGroupId: g1.id, stepIndex: 0, kind: 'notify_persons', summary: 'Step 1: notify alice', notifiedUsers: ['alice'] },
    },
    {
      type: 'NotificationRequested',
      data: { alertGroupId: g1.id, notificationId: 'n-1', userId: 'alice', important: false, stepIndex: 0, aggregateKey: `${prefix}bbbbcccc` },
    },
    { type: 'EscalationStepScheduled', data: { alertGroupId: g1.id, timerId: 't-1', stepIndex: 1, dueAt: '2026-11-24T01:05:00.000Z' } },
  ]);
  await g1.notification([
    {
      type: 'NotificationSent',
      data: { alertGroupId: g1.id, notificationId: 'n-1', userId: 'alice', channel: 'telegram', chatId: '-1001234567890', messageId: 42 },
    },
  ]);
  await g2.create('DiskFull', null);
  await g1.repeat('HighLatency');
  await g1.ack(alice, 'telegram');
  await g1.escalation([{ type: 'EscalationPaused', data: { alertGroupId: g1.id, reason: 'acknowledged' } }]);
  await g1.unack(bob, 'api');
  await g1.escalation([{ type: 'EscalationResumed', data: { alertGroupId: g1.id } }]);
  await g1.silence(3600, alice, 'telegram');
  await g1.ack(bob, 'api'); // ends the silence
  await g2.silence(null, bob, 'api');
  await w.append(
    subjects.escalation(store.topology, 'timers'),
    [{ type: 'TimerFired', data: { timerId: 't-1', purpose: 'escalation', dueAt: '2026-11-24T01:05:00.000Z', firedAt: '2026-11-24T01:05:00.010Z' } }],
    SYSTEM_ACTORS.timer,
    'system',
  );
  await g1.notification([
    {
      type: 'NotificationFailed',
      data: { alertGroupId: g1.id, notificationId: 'n-2', userId: 'bob', channel: 'telegram', reason: '403: bot was blocked by the user', permanent: true },
    },
  ]);
  await g1.repeat('HighLatency', 'resolved'); // resolved by the source, keeps the acknowledgement
  await g1.escalation([{ type: 'EscalationFinished', data: { alertGroupId: g1.id, reason: 'resolved' } }]);
  await g1.unresolve(alice, 'telegram');
  await g1.resolve(alice, 'telegram');
  await w.append(
    subjects.alertGroup(store.topology, `${prefix}ffffgggg`),
    [{ type: 'AlertDiscarded', data: { receiptId: 'r-x', reason: 'resolved payload for a grouping key that has no alert group' } }],
    SYSTEM_ACTORS.router,
    'system',
  );
  await g3.create('QueueStuck');
  await g3.ack(alice, 'telegram');
  await g3.resolve(bob, 'api'); // keeps alice's acknowledgement as history
  const last = await store.lastSeq();
  return { g1: g1.id, g2: g2.id, g3: g3.id, last };
}
