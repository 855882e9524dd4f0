import { describe, expect, it } from 'vitest';
import { escalationTimerId, notificationId, SYSTEM_ACTORS, type DozorEvent, type EscalationStep, type NewEvent } from '@dozor/contracts';
import { expectEvents, ofType, oneOfType, specEvents } from '@dozor/testing';
import { decideEscalation, evolveEscalation, initialEscalationState, type EscalationCommand, type EscalationDecision, type OnCallLookups } from './index.js';

const G = 'abcdefghijklmnopqrst-1';
const NOW = '2026-11-24T01:00:00.000Z';
const toEvent = specEvents<NewEvent, DozorEvent>({ occurredAt: NOW, actor: SYSTEM_ACTORS.escalator, source: 'system' });
const fold = (h: NewEvent[]) => h.map(toEvent).reduce(evolveEscalation, initialEscalationState());
const events = (d: EscalationDecision): NewEvent[] => {
  if (!('events' in d)) throw new Error(`needs on-call ${d.needsOnCall}`);
  return d.events;
};
const steps: EscalationStep[] = [
  { kind: 'notify_on_call_from_schedule', schedule: 'primary', important: false },
  { kind: 'notify_persons', users: ['alice'], important: false },
  { kind: 'wait', seconds: 300 },
  { kind: 'notify_persons', users: ['bob', 'carol'], important: true },
];
/** `transition`: the stream sequence of the group's last state change, as the handler reads it. */
const reconcile = (groupState: 'firing' | 'acknowledged' | 'resolved' | 'silenced', transition = 1, chain = true): EscalationCommand => ({
  type: 'Reconcile',
  alertGroupId: G,
  groupState,
  groupTransition: transition,
  chain: chain ? { id: 'chain', steps } : null,
  integrationId: 'am',
  aggregateKey: 'abcdefghijklmnopqrst',
  now: NOW,
});
const run = (h: NewEvent[], cmd: EscalationCommand, lookups: OnCallLookups = { primary: { users: [] } }) => [
  ...h,
  ...events(decideEscalation(cmd, fold(h), lookups)),
];

describe('Escalation decider', () => {
  it('asks who is on call before running a schedule step', () => {
    expect(decideEscalation(reconcile('firing'), initialEscalationState())).toEqual({ needsOnCall: 'primary' });
  });

  it('starts on a firing group, runs steps up to the first wait, and schedules its timer', () => {
    const h = run([], reconcile('firing'));
    expectEvents(h).toInclude('EscalationStarted');
    expect(ofType(h, 'EscalationStepExecuted').map((e) => e.data.summary)).toContain('Nobody is on call in schedule primary');
    expect(ofType(h, 'EscalationStepExecuted')).toHaveLength(3);
    expect(oneOfType(h, 'NotificationRequested')).toMatchObject({ data: { userId: 'alice', notificationId: notificationId(G, 1, 1, 'alice') } });
    expect(oneOfType(h, 'EscalationStepScheduled')).toMatchObject({
      data: { timerId: escalationTimerId(G, 1, 3), stepIndex: 3, dueAt: '2026-11-24T01:05:00.000Z' },
    });
  });

  it('records why nobody was notified when the schedule cannot answer', () => {
    const h = run([], reconcile('firing'), { primary: { error: 'no scheduler answered' } });
    expect(ofType(h, 'EscalationStepExecuted').map((e) => e.data.summary)).toContain('Nobody notified from schedule primary: no scheduler answered');
  });

  it('notifies the users on call', () => {
    const h = run([], reconcile('firing'), { primary: { users: ['dave'] } });
    expect(h.filter((e) => e.type === 'NotificationRequested').map((e) => (e.data as { userId: string }).userId)).toEqual(['dave', 'alice']);
  });

  it('runs the rest when its timer fires (the TimerFired fact already in the log), then finishes', () => {
    const fired: NewEvent = { type: 'TimerFired', data: { timerId: escalationTimerId(G, 1, 3), purpose: 'escalation', dueAt: NOW, firedAt: NOW } };
    const h = run([...run([], reconcile('firing')), fired], { type: 'FireTimer', timerId: escalationTimerId(G, 1, 3), now: NOW });
    const tail = h.slice(h.findIndex((e) => e.type === 'TimerFired') + 1);
    expectEvents(tail).toInclude('EscalationStepExecuted', 'EscalationFinished');
    expect(ofType(tail, 'NotificationRequested').map((e) => e.data.userId)).toEqual(['bob', 'carol']);
  });

  it('never runs a step twice for the same timer', () => {
    const fired: NewEvent = { type: 'TimerFired', data: { timerId: escalationTimerId(G, 1, 3), purpose: 'escalation', dueAt: NOW, firedAt: NOW } };
    const h = run([...run([], reconcile('firing')), fired], { type: 'FireTimer', timerId: escalationTimerId(G, 1, 3), now: NOW });
    expect(events(decideEscalation({ type: 'FireTimer', timerId: escalationTimerId(G, 1, 3), now: NOW }, fold(h)))).toEqual([]);
  });

  it('pauses on ack, silence or resolve and ignores the old timer', () => {
    for (const st of ['acknowledged', 'silenced', 'resolved'] as const) {
      const h = run(run([], reconcile('firing')), reconcile(st, 2));
      expect(oneOfType(h, 'EscalationPaused')).toMatchObject({ data: { reason: st } });
      expect(events(decideEscalation({ type: 'FireTimer', timerId: escalationTimerId(G, 1, 3), now: NOW }, fold(h)))).toEqual([]);
    }
  });

  it('restarts from the first step when the group fires again, with fresh ids', () => {
    const h = run(run(run([], reconcile('firing')), reconcile('acknowledged', 2)), reconcile('firing', 3));
    const tail = h.slice(h.findIndex((e) => e.type === 'EscalationResumed'));
    expectEvents(tail).toInclude('EscalationResumed');
    expect(tail.find((e) => e.type === 'NotificationRequested')).toMatchObject({ data: { notificationId: notificationId(G, 2, 1, 'alice') } });
    expect(oneOfType(tail, 'EscalationStepScheduled')).toMatchObject({ data: { timerId: escalationTimerId(G, 2, 3) } });
  });

  it('does nothing for a repeat while active, or without a chain', () => {
    expect(events(decideEscalation(reconcile('firing'), fold(run([], reconcile('firing')))))).toEqual([]);
    expect(events(decideEscalation(reconcile('firing', 1, false), initialEscalationState()))).toEqual([]);
  });

  describe('after the chain finished, only a state change it has not seen restarts it', () => {
    const fired: NewEvent = { type: 'TimerFired', data: { timerId: escalationTimerId(G, 1, 3), purpose: 'escalation', dueAt: NOW, firedAt: NOW } };
    /** Created at sequence 1, the chain ran to its end. */
    const finished = () => run([...run([], reconcile('firing', 1)), fired], { type: 'FireTimer', timerId: escalationTimerId(G, 1, 3), now: NOW });
    const types = (h: NewEvent[]) => h.map((e) => e.type);

    it('finishes first', () => {
      expect(finished().at(-1)).toMatchObject({ type: 'EscalationFinished' });
    });

    it('a replayed AlertGroupCreated (the group still firing, no newer change) does nothing', () => {
      expect(events(decideEscalation(reconcile('firing', 1), fold(finished())))).toEqual([]);
    });

    it('a real unresolve after the finish restarts the chain', () => {
      const h = run(run(finished(), reconcile('resolved', 7)), reconcile('firing', 9));
      const tail = h.slice(finished().length);
      expect(types(tail)[0]).toBe('EscalationResumed');
      expect(tail[0]).toMatchObject({ data: { groupTransition: 9 } });
      expect(tail.find((e) => e.type === 'NotificationRequested')).toMatchObject({ data: { notificationId: notificationId(G, 2, 1, 'alice') } });
    });

    it('an unacknowledge after the finish restarts the chain', () => {
      const h = run(run(finished(), reconcile('acknowledged', 5)), reconcile('firing', 6));
      expect(types(h.slice(finished().length))[0]).toBe('EscalationResumed');
    });

    it('a replayed unresolve it has already restarted for does nothing, even once the new run finished', () => {
      const restarted = run(finished(), reconcile('firing', 9));
      const fired2: NewEvent = { type: 'TimerFired', data: { timerId: escalationTimerId(G, 2, 3), purpose: 'escalation', dueAt: NOW, firedAt: NOW } };
      const again = run([...restarted, fired2], { type: 'FireTimer', timerId: escalationTimerId(G, 2, 3), now: NOW });
      expect(again.at(-1)).toMatchObject({ type: 'EscalationFinished' });
      expect(events(decideEscalation(reconcile('firing', 9), fold(again)))).toEqual([]);
      expect(events(decideEscalation(reconcile('firing', 9), fold(restarted)))).toEqual([]);
    });

    it('an escalation recorded without transitions restarts for any change, as before', () => {
      const legacy = finished().map((e) => (e.type === 'EscalationStarted' ? { ...e, data: { ...e.data, groupTransition: undefined } } : e));
      expect(types(events(decideEscalation(reconcile('firing', 1), fold(legacy), { primary: { users: [] } })))[0]).toBe('EscalationResumed');
    });
  });

  it('notifies a person once per run of steps, unless a later step is more urgent', () => {
    const h = run([], reconcile('firing'), { primary: { users: ['alice'] } });
    const requested = h.filter((e) => e.type === 'NotificationRequested').map((e) => (e.data as { userId: string }).userId);
    expect(requested).toEqual(['alice']);
    expect(h.find((e) => e.type === 'EscalationStepExecuted' && (e.data as { stepIndex: number }).stepIndex === 1)).toMatchObject({
      data: { summary: 'Notified alice (alice already notified in this step run)', notifiedUsers: [] },
    });
    // After the wait, bob and carol get the important step even though that run started anew.
    const after = run(h, { type: 'FireTimer', timerId: escalationTimerId(G, 1, 3), now: NOW });
    expect(after.filter((e) => e.type === 'NotificationRequested').length).toBe(3);
  });
});
