import { describe, expect, it } from 'vitest';
import {
  chatNotificationId,
  escalationTimerId,
  notificationId,
  rotationClaimId,
  SYSTEM_ACTORS,
  webhookRequestId,
  type DozorEvent,
  type EscalationStep,
  type NewEvent,
} from '@dozor/contracts';
import { deciderSpec, expectEvents, ofType, oneOfType, specEvents } from '@dozor/testing';
import { escalationDecider, evolveEscalation, initialEscalationState, type EscalationCommand, type RotationTurns } from './index.js';

/** Every step kind but the two covered in escalation.decider.spec.ts: given a history, when a command, then events (by type). */
const G = 'cccccccccccccccccccc-1';
const KEY = 'cccccccccccccccccccc';
const NOW = '2026-11-24T10:00:00.000Z';
const toEvent = specEvents<NewEvent, DozorEvent>({ occurredAt: NOW, actor: SYSTEM_ACTORS.escalator, source: 'system' });
const spec = deciderSpec(escalationDecider, toEvent);
const fold = (h: NewEvent[]) => h.map(toEvent).reduce(evolveEscalation, initialEscalationState());

const start = (steps: EscalationStep[], extra: Partial<EscalationCommand> = {}, transition = 1): EscalationCommand =>
  ({
    type: 'Reconcile',
    alertGroupId: G,
    groupState: 'firing',
    groupTransition: transition,
    chain: { id: 'chain', steps },
    integrationId: 'am',
    aggregateKey: KEY,
    now: NOW,
    ...extra,
  }) as EscalationCommand;
const decided = (h: NewEvent[], cmd: EscalationCommand): NewEvent[] => {
  const d = escalationDecider.decide(cmd, fold(h));
  if ('rejected' in d) throw new Error(`rejected: ${d.rejected.code}`);
  return d.events;
};
const run = (h: NewEvent[], cmd: EscalationCommand) => [...h, ...decided(h, cmd)];
const fire = (h: NewEvent[], epoch: number, stepIndex: number, now = NOW, extra: Partial<EscalationCommand> = {}): NewEvent[] => {
  const timerId = escalationTimerId(G, epoch, stepIndex);
  const fired: NewEvent = { type: 'TimerFired', data: { timerId, purpose: 'escalation', dueAt: now, firedAt: now } };
  return run([...h, fired], { type: 'FireTimer', timerId, now, ...extra } as EscalationCommand);
};
const notified = (h: NewEvent[]) => ofType(h, 'NotificationRequested').map((e) => `${e.data.userId}${e.data.important ? '!' : ''}`);

describe('notify_persons, notify_user_group, notify_team_members and their important variants', () => {
  it('notifies each member, important when the step is', () => {
    const steps: EscalationStep[] = [
      { kind: 'notify_user_group', group: 'dba', users: ['alice', 'bob'], important: false },
      { kind: 'notify_team_members', team: 'core', users: ['carol'], important: true },
    ];
    spec
      .given([])
      .when(start(steps))
      .then((events) => {
        expect(notified(events)).toEqual(['alice', 'bob', 'carol!']);
        expect(ofType(events, 'EscalationStepExecuted').map((e) => e.data.summary)).toEqual([
          'Notified user group dba: alice, bob',
          'Notified team core: carol',
        ]);
      });
  });

  it('records that an empty group or team notified nobody, and goes on', () => {
    const steps: EscalationStep[] = [
      { kind: 'notify_user_group', group: 'dba', users: [], important: true },
      { kind: 'notify_team_members', team: 'core', users: [], important: false },
    ];
    spec
      .given([])
      .when(start(steps))
      .then((events) => {
        expectEvents(events).toInclude('EscalationStarted', 'EscalationStepExecuted', 'EscalationFinished');
        expect(notified(events)).toEqual([]);
      });
  });
});

describe('notify_person_next_each_time', () => {
  const steps: EscalationStep[] = [{ kind: 'notify_person_next_each_time', users: ['alice', 'bob'], important: true }];

  it('asks for the next turn of this chain step, named by the run', () => {
    spec
      .given([])
      .when(start(steps))
      .thenRejected('needs_rotation', /step 0 of chain chain/);
    const d = escalationDecider.decide(start(steps), initialEscalationState());
    expect(d).toMatchObject({ rejected: { claim: { chainId: 'chain', stepIndex: 0, claimId: rotationClaimId(G, 1, 0), users: ['alice', 'bob'] } } });
  });

  it('notifies the person the turn went to, important when the step is', () => {
    const rotation: RotationTurns = { [rotationClaimId(G, 1, 0)]: 'bob' };
    spec
      .given([])
      .when(start(steps, { rotation }))
      .then((events) =>
        expect(ofType(events, 'NotificationRequested').map((e) => e.data)).toMatchObject([
          { userId: 'bob', important: true, notificationId: notificationId(G, 1, 0, 'bob') },
        ]),
      );
  });
});

describe('notify_whole_channel', () => {
  it('asks for a post in the chat (and its topic), not a direct message', () => {
    spec
      .given([])
      .when(start([{ kind: 'notify_whole_channel', chatId: '-1001234', messageThreadId: 7 }]))
      .then((events) => {
        expect(oneOfType(events, 'ChatNotificationRequested').data).toEqual({
          alertGroupId: G,
          notificationId: chatNotificationId(G, 1, 0, '-1001234'),
          chatId: '-1001234',
          messageThreadId: 7,
          important: false,
          stepIndex: 0,
          aggregateKey: KEY,
        });
        expect(ofType(events, 'NotificationRequested')).toEqual([]);
      });
  });
});

describe('trigger_webhook', () => {
  it('records the step and an outgoing webhook request with a deterministic id, in the same commit', () => {
    spec
      .given([])
      .when(start([{ kind: 'trigger_webhook', webhookId: 'jira' }]))
      .then((events) => {
        expectEvents(events).toInclude('EscalationStepExecuted', 'OutgoingWebhookRequested', 'EscalationFinished');
        expect(oneOfType(events, 'OutgoingWebhookRequested').data).toEqual({
          alertGroupId: G,
          webhookId: 'jira',
          trigger: 'escalation_step',
          stepIndex: 0,
          requestId: webhookRequestId(G, 1, 0, 'jira'),
        });
      });
  });
});

describe('resolve', () => {
  it('records the resolve and stops: later steps never run', () => {
    spec
      .given([])
      .when(start([{ kind: 'resolve' }, { kind: 'notify_persons', users: ['alice'], important: false }]))
      .then((events) => {
        expect(oneOfType(events, 'EscalationStepExecuted').data).toMatchObject({ kind: 'resolve' });
        expect(oneOfType(events, 'EscalationFinished').data.reason).toBe('resolved');
        expect(notified(events)).toEqual([]);
      });
  });

  it('the resolved group it causes does not start anything', () => {
    const h = run([], start([{ kind: 'resolve' }]));
    spec
      .given(h)
      .when({ ...start([{ kind: 'resolve' }], {}, 2), groupState: 'resolved' } as EscalationCommand)
      .thenNothingHappened();
  });
});

describe('notify_if_time_from_to', () => {
  const window = (from: string, to: string, timeZone = 'Europe/Berlin'): EscalationStep[] => [
    { kind: 'notify_if_time_from_to', from, to, timeZone },
    { kind: 'notify_persons', users: ['alice'], important: false },
  ];

  it('goes on inside the window (10:00Z is 11:00 in Berlin in November)', () => {
    spec
      .given([])
      .when(start(window('09:00', '18:00')))
      .then((events) => expect(notified(events)).toEqual(['alice']));
  });

  it('outside it, waits for the window to open and then goes on', () => {
    const h = run([], start(window('12:30', '18:00')));
    expect(notified(h)).toEqual([]);
    expect(oneOfType(h, 'EscalationStepScheduled').data).toMatchObject({ stepIndex: 1, dueAt: '2026-11-24T11:30:00.000Z' });
    expect(notified(fire(h, 1, 1, '2026-11-24T11:30:00.000Z'))).toEqual(['alice']);
  });

  it('a window across midnight: after it closed, waits for the evening', () => {
    const h = run([], start(window('22:00', '06:00')));
    expect(oneOfType(h, 'EscalationStepScheduled').data.dueAt).toBe('2026-11-24T21:00:00.000Z');
    spec
      .given([])
      .when(start(window('22:00', '06:00'), { now: '2026-11-24T04:00:00.000Z' }))
      .then((events) => expect(notified(events)).toEqual(['alice']));
  });

  it('keeps local hours across a DST change: 09:00 in Berlin is 08:00Z before 29 March 2026 and 07:00Z after', () => {
    // Saturday 28 March 2026 20:00Z (21:00 CET): the window opens Sunday 09:00 CEST, after the clocks went forward.
    const h = run([], start(window('09:00', '17:00'), { now: '2026-03-28T20:00:00.000Z' }));
    expect(oneOfType(h, 'EscalationStepScheduled').data.dueAt).toBe('2026-03-29T07:00:00.000Z');
    // In autumn the other way: 25 October 2026 09:00 CET is 08:00Z.
    const autumn = run([], start(window('09:00', '17:00'), { now: '2026-10-24T20:00:00.000Z' }));
    expect(oneOfType(autumn, 'EscalationStepScheduled').data.dueAt).toBe('2026-10-25T08:00:00.000Z');
  });

  it('an opening time the spring-forward night skips opens at the end of the gap', () => {
    const h = run([], start(window('02:30', '04:00'), { now: '2026-03-28T23:00:00.000Z' }));
    expect(oneOfType(h, 'EscalationStepScheduled').data.dueAt).toBe('2026-03-29T01:00:00.000Z');
  });

  it('equal from and to is the whole day', () => {
    spec
      .given([])
      .when(start(window('09:00', '09:00')))
      .then((events) => expect(notified(events)).toEqual(['alice']));
  });
});

describe('notify_if_num_alerts_in_window', () => {
  const steps: EscalationStep[] = [
    { kind: 'notify_if_num_alerts_in_window', alerts: 2, minutes: 5 },
    { kind: 'notify_persons', users: ['alice'], important: false },
  ];
  const at = (...minutes: number[]) => minutes.map((m) => new Date(Date.parse(NOW) + m * 60_000).toISOString());

  it('goes on when more than N alerts arrived within M minutes of the latest', () => {
    spec
      .given([])
      .when(start(steps, { alertTimes: at(0, 1, 2) }))
      .then((events) => expect(notified(events)).toEqual(['alice']));
  });

  it('with too few, holds; alerts outside the window do not count', () => {
    const h = run([], start(steps, { alertTimes: at(-20, -10, 0) }));
    expectEvents(h).toInclude('EscalationStarted', 'EscalationHeld');
    expect(oneOfType(h, 'EscalationHeld').data).toMatchObject({ stepIndex: 0, summary: 'Waiting for more than 2 alerts within 5 min (1 so far)' });
    expect(notified(h)).toEqual([]);
  });

  it('a held run looks again on each change of the group: quietly while too few, then goes on', () => {
    const h = run([], start(steps, { alertTimes: at(0) }));
    spec
      .given(h)
      .when(start(steps, { alertTimes: at(0, 1) }))
      .thenNothingHappened();
    spec
      .given(h)
      .when(start(steps, { alertTimes: at(0, 1, 2) }))
      .then((events) => {
        expectEvents(events).toInclude('EscalationStepExecuted', 'NotificationRequested', 'EscalationFinished');
        expect(notified(events)).toEqual(['alice']);
      });
  });

  it('a new alert (no state change) looks again only at a held run: it never starts or restarts one', () => {
    const newAlert = (h: NewEvent[], transition = 1) => decided(h, start(steps, { alertTimes: at(0, 1, 2), trigger: 'new_alert' }, transition));
    expect(newAlert(run([], start(steps, { alertTimes: at(0) })))).not.toEqual([]);
    expect(newAlert([])).toEqual([]);
    const finished = run([], start(steps, { alertTimes: at(0, 1, 2) }));
    expect(finished.at(-1)).toMatchObject({ type: 'EscalationFinished' });
    expect(newAlert(finished, 5)).toEqual([]);
  });

  it('an acknowledged group stops holding; firing again starts over', () => {
    const h = run(run([], start(steps, { alertTimes: at(0) })), { ...start(steps, {}, 2), groupState: 'acknowledged' } as EscalationCommand);
    expect(fold(h)).toMatchObject({ status: 'paused', held: null });
    const again = decided(h, start(steps, { alertTimes: at(0) }, 3));
    expectEvents(again).toInclude('EscalationResumed', 'EscalationHeld');
  });
});

describe('repeat_escalation', () => {
  const chain = (limit: number, fromStep = 0): EscalationStep[] => [
    { kind: 'notify_persons', users: ['alice'], important: false },
    { kind: 'wait', seconds: 60 },
    { kind: 'notify_persons', users: ['bob'], important: true },
    { kind: 'repeat_escalation', fromStep, limit },
    { kind: 'notify_persons', users: ['carol'], important: false },
  ];

  it('starts over up to the limit, under a new epoch each time, then goes on', () => {
    let h = run([], start(chain(2)));
    let epoch = 1;
    for (;;) {
      h = fire(h, epoch, 2);
      const last = ofType(h, 'EscalationRepeated').at(-1);
      if (!last || fold(h).epoch === epoch) break;
      epoch = fold(h).epoch;
    }
    expect(ofType(h, 'EscalationRepeated').map((e) => e.data.repeat)).toEqual([1, 2]);
    expect(ofType(h, 'NotificationRequested').map((e) => e.data.notificationId)).toEqual([
      notificationId(G, 1, 0, 'alice'),
      notificationId(G, 1, 2, 'bob'),
      notificationId(G, 2, 0, 'alice'),
      notificationId(G, 2, 2, 'bob'),
      notificationId(G, 3, 0, 'alice'),
      notificationId(G, 3, 2, 'bob'),
      notificationId(G, 3, 4, 'carol'),
    ]);
    expect(h.at(-1)).toMatchObject({ type: 'EscalationFinished', data: { reason: 'completed' } });
  });

  it('repeats from step K (here the wait, so alice is asked once)', () => {
    let h = run([], start(chain(1, 1)));
    h = fire(h, 1, 2);
    expect(oneOfType(h, 'EscalationRepeated').data).toEqual({ alertGroupId: G, stepIndex: 3, fromStepIndex: 1, repeat: 1 });
    expect(ofType(h, 'EscalationStepScheduled').at(-1)!.data).toMatchObject({ timerId: escalationTimerId(G, 2, 2), stepIndex: 2 });
    h = fire(h, 2, 2);
    expect(notified(h)).toEqual(['alice', 'bob!', 'bob!', 'carol']);
  });

  it('the old timer of a repeated run does nothing', () => {
    const h = fire(run([], start(chain(1))), 1, 2);
    spec
      .given(h)
      .when({ type: 'FireTimer', timerId: escalationTimerId(G, 1, 2), now: NOW })
      .thenNothingHappened();
  });

  it('a restart of the escalation counts repeats from zero again', () => {
    const h = fire(run([], start(chain(1))), 1, 2);
    const paused = run(h, { ...start(chain(1), {}, 2), groupState: 'acknowledged' } as EscalationCommand);
    expect(fold(paused).repeats).toEqual({ 3: 1 });
    const resumed = run(paused, start(chain(1), {}, 3));
    expect(fold(resumed).repeats).toEqual({});
  });
});

describe('the chain snapshot', () => {
  const v1: EscalationStep[] = [
    { kind: 'wait', seconds: 60 },
    { kind: 'notify_persons', users: ['alice'], important: false },
  ];
  const v2: EscalationStep[] = [
    { kind: 'wait', seconds: 60 },
    { kind: 'notify_persons', users: ['bob'], important: false },
  ];

  it('a running escalation keeps the steps it started with when the config changes', () => {
    const h = run([], start(v1));
    // The config now says v2; the timer runs v1's step.
    expect(notified(fire(h, 1, 1))).toEqual(['alice']);
  });

  it('starting over (the group fires again) takes a fresh snapshot of the configured chain', () => {
    const h = run(run([], start(v1)), { ...start(v1, {}, 2), groupState: 'acknowledged' } as EscalationCommand);
    const restarted = run(h, start(v2, {}, 3));
    expect(oneOfType(restarted, 'EscalationResumed').data).toMatchObject({ chainId: 'chain', steps: v2 });
    expect(notified(fire(restarted, 2, 1))).toEqual(['bob']);
  });
});
