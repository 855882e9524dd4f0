import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type AlertReceivedData } from '@dozor/contracts';
import { parseConfig } from '@dozor/config';
import { alertGroupDecider } from '@dozor/domain';
import { commandHandler, ExpectedVersion } from '@dozor/eventstore';
import { Runtime, settingsFromEnv } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { fixturesDir, InMemoryEventLog } from '@dozor/testing';
import { EscalationHandler, EscalationRepository, GroupReader, RotationRepository } from './escalation.handler.js';
import { PersonalRulesSync } from './personal-rules.sync.js';
import type { GroupResolver } from './group-resolver.js';
import type { OnCallClient } from './on-call.client.js';

const KEY = 'bbbbbbbbbbbbbbbbbbbb';
const GROUP = `${KEY}-1`;
const NOW = '2030-01-01T00:00:00.000Z';
const system = { actor: { kind: 'system', id: 'spec' }, source: 'system' } as const;

/** Nobody is asked: the chain has no on-call step. */
const noScheduler: Pick<OnCallClient, 'whoIsOnCall'> = { whoIsOnCall: async () => ({ error: 'no scheduler in this spec' }) };

/** Nothing is resolved: the chain has no resolve step. */
const noRouter: Pick<GroupResolver, 'resolve'> = { resolve: async () => ({ done: false, reason: 'no router in this spec' }) };

/** The escalator over an in-memory log; the alert group is decided by the AlertGroup decider, as the router would. */
function newTestService() {
  const settings = settingsFromEnv({});
  const config = parseConfig(
    `users:
  - id: alice
    name: alice
integrations:
  - id: am
    type: alertmanager
    token: token-12345
    default_route:
      escalation_chain: chain
escalation_chains:
  - id: chain
    steps:
      - notify_persons: [alice]
      - wait: 1h
      - notify_persons: [alice]
`,
    'dozor.yaml',
    {},
  );
  const runtime = new Runtime(settings, config, {} as NatsConnection, () => new Date(NOW));
  const log = new InMemoryEventLog({ topology: settings.topology });
  const handler = new EscalationHandler(
    new EscalationRepository(log),
    new GroupReader(log),
    noScheduler as OnCallClient,
    new RotationRepository(log),
    noRouter as GroupResolver,
    runtime,
    new JsonLogger('spec', 'error'),
    log,
    // Not started: the rules of dozor.yaml only, as no API change is in this log.
    new PersonalRulesSync(log as never, runtime, new JsonLogger('spec', 'error')),
  );
  const groups = commandHandler(log, alertGroupDecider);
  const groupSubject = subjects.alertGroup(settings.topology, KEY);
  const escalationSubject = subjects.escalation(settings.topology, GROUP);

  async function createGroup() {
    const data = {
      receiptId: 'r1',
      integrationId: 'am',
      integrationKind: 'alertmanager',
      groupingKey: 'g',
      aggregateKey: KEY,
      bodySha256: 'sha',
      payload: JSON.parse(readFileSync(`${fixturesDir()}/firing-single.json`, 'utf8')),
    } as AlertReceivedData;
    await log.append(groupSubject, [{ type: 'AlertReceived', data }], { ...system, expected: ExpectedVersion.any });
    await groups.handle(groupSubject, { type: 'ProcessReceipt', receiptId: 'r1', now: NOW, route: { routeId: 'default', escalationChainId: 'chain' } }, system);
    return handler.onGroupCommit(log.all(groupSubject).at(-1)!);
  }
  async function act(action: 'acknowledge' | 'resolve') {
    const actor = { kind: 'user', id: 'alice' } as const;
    await groups.handle(groupSubject, { type: 'ActOnAlertGroup', action, alertGroupId: GROUP, actor, source: 'api', now: NOW }, { actor, source: 'api' });
    return handler.onGroupCommit(log.all(groupSubject).at(-1)!);
  }
  async function fire(timerId: string) {
    await log.append(escalationSubject, [{ type: 'TimerFired', data: { timerId, purpose: 'escalation', dueAt: NOW, firedAt: NOW } }], {
      ...system,
      expected: ExpectedVersion.any,
    });
    return handler.onEscalationCommit(log.all(escalationSubject).at(-1)!);
  }
  const escalationEvents = () => log.eventTypes(escalationSubject).filter((t) => t !== 'TimerFired');
  /** The timer the escalation waits on. */
  function scheduledTimerId(): string {
    const e = log
      .all(escalationSubject)
      .flatMap((c) => c.events)
      .findLast((x) => x.type === 'EscalationStepScheduled');
    if (e?.type !== 'EscalationStepScheduled') throw new Error('no EscalationStepScheduled');
    return e.data.timerId;
  }
  return { createGroup, act, fire, escalationEvents, scheduledTimerId };
}

describe('EscalationHandler', () => {
  it('a created group starts its chain: the first person is notified and the wait scheduled', async () => {
    const t = newTestService();
    expect(await t.createGroup()).toEqual({ kind: 'done' });
    const types = t.escalationEvents();
    expect(types).toContain('EscalationStarted');
    expect(types).toContain('NotificationRequested');
    expect(types).toContain('EscalationStepScheduled');
    expect(types).not.toContain('EscalationFinished');
  });

  it('an acknowledge pauses the escalation', async () => {
    const t = newTestService();
    await t.createGroup();
    await t.act('acknowledge');
    expect(t.escalationEvents()).toContain('EscalationPaused');
  });

  it('the current timer runs the steps after the wait', async () => {
    const t = newTestService();
    await t.createGroup();
    expect(await t.fire(t.scheduledTimerId())).toEqual({ kind: 'done' });
    expect(t.escalationEvents().filter((e) => e === 'NotificationRequested')).toHaveLength(2);
    expect(t.escalationEvents()).toContain('EscalationFinished');
  });

  it('a stale timer is ignored, and so is the timer of a paused run', async () => {
    const t = newTestService();
    await t.createGroup();
    const timerId = t.scheduledTimerId();
    expect(await t.fire('esc:stale:0:1')).toEqual({ kind: 'done' });
    expect(t.escalationEvents().filter((e) => e === 'NotificationRequested')).toHaveLength(1);

    await t.act('acknowledge');
    const before = t.escalationEvents();
    await t.fire(timerId);
    expect(t.escalationEvents()).toEqual(before);
  });
});
