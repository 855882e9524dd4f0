import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  escalationTimerId,
  notificationId,
  personalNotificationId,
  personalTimerId,
  reminderTimerId,
  resolveNoticeNotificationId,
  SYSTEM_ACTORS,
  unackTimerId,
  type DozorEvent,
  type EscalationStep,
  type NewEvent,
  type PersonalNotificationRule,
} from '@dozor/contracts';
import { ofType, specEvents } from '@dozor/testing';
import {
  escalationDecider,
  evolveEscalation,
  initialEscalationState,
  personalRules,
  runPersonalRules,
  type AckReminderGroup,
  type EscalationCommand,
  type PersonalPolicies,
} from './index.js';

const G = 'dddddddddddddddddddd-1';
const KEY = 'dddddddddddddddddddd';
const NOW = '2026-11-24T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(NOW) + seconds * 1000).toISOString();
const toEvent = specEvents<NewEvent, DozorEvent>({ occurredAt: NOW, actor: SYSTEM_ACTORS.escalator, source: 'system' });
const fold = (h: NewEvent[]) => h.map(toEvent).reduce(evolveEscalation, initialEscalationState());
const decided = (h: NewEvent[], cmd: EscalationCommand): NewEvent[] => {
  const d = escalationDecider.decide(cmd, fold(h));
  if ('rejected' in d) throw new Error(`rejected: ${d.rejected.code}`);
  return d.events;
};
const run = (h: NewEvent[], cmd: EscalationCommand) => [...h, ...decided(h, cmd)];

const TG: PersonalNotificationRule = { type: 'notify_by_telegram' };
const wait = (seconds: number): PersonalNotificationRule => ({ type: 'wait', seconds });
const POLICIES: PersonalPolicies = {
  alice: { default: [TG, wait(300), TG], important: [TG, wait(60), TG, wait(60), TG] },
  bob: { default: [wait(120), TG], important: [] },
};

const start = (steps: EscalationStep[], policies: PersonalPolicies = POLICIES, transition = 1): EscalationCommand => ({
  type: 'Reconcile',
  alertGroupId: G,
  groupState: 'firing',
  groupTransition: transition,
  chain: { id: 'chain', steps },
  integrationId: 'am',
  aggregateKey: KEY,
  now: NOW,
  policies,
});
const state = (groupState: 'acknowledged' | 'resolved' | 'silenced' | 'firing', transition: number): EscalationCommand => ({
  ...(start([]) as Extract<EscalationCommand, { type: 'Reconcile' }>),
  groupState,
  groupTransition: transition,
});
const fire = (h: NewEvent[], timerId: string, now: string, extra: Partial<EscalationCommand> = {}): NewEvent[] => {
  const fired: NewEvent = { type: 'TimerFired', data: { timerId, purpose: 'escalation', dueAt: now, firedAt: now } };
  return run([...h, fired], { type: 'FireTimer', timerId, now, policies: POLICIES, ...extra } as EscalationCommand);
};
const pages = (h: NewEvent[]) => ofType(h, 'NotificationRequested').map((e) => e.data.notificationId);

describe('personal notification policies', () => {
  it('a user without a policy gets one Telegram message, under the plain notification id', () => {
    const h = run([], start([{ kind: 'notify_persons', users: ['carol'], important: false }]));
    expect(pages(h)).toEqual([notificationId(G, 1, 0, 'carol')]);
    expect(ofType(h, 'NotificationRequested')[0]!.data.personalRule).toBeUndefined();
    expect(ofType(h, 'PersonalNotificationScheduled')).toEqual([]);
  });

  it("an empty list falls back to one message (OnCall's fallback policy)", () => {
    const h = run([], start([{ kind: 'notify_persons', users: ['bob'], important: true }]));
    expect(pages(h)).toEqual([notificationId(G, 1, 0, 'bob')]);
  });

  it('the default list: a message, then the personal wait on its own timer, then the next message', () => {
    let h = run([], start([{ kind: 'notify_persons', users: ['alice'], important: false }]));
    expect(pages(h)).toEqual([notificationId(G, 1, 0, 'alice')]);
    const [scheduled] = ofType(h, 'PersonalNotificationScheduled');
    expect(scheduled!.data).toMatchObject({ timerId: personalTimerId(G, 1, 0, 2, 'alice'), ruleIndex: 2, dueAt: at(300), important: false });
    expectFinished(h);
    h = fire(h, personalTimerId(G, 1, 0, 2, 'alice'), at(300));
    expect(pages(h)).toEqual([notificationId(G, 1, 0, 'alice'), personalNotificationId(G, 1, 0, 'alice', 2)]);
    // A redelivered timer does nothing again.
    expect(decided([...h], { type: 'FireTimer', timerId: personalTimerId(G, 1, 0, 2, 'alice'), now: at(301) })).toEqual([]);
  });

  it('important: true steps run the important list', () => {
    let h = run([], start([{ kind: 'notify_persons', users: ['alice'], important: true }]));
    h = fire(h, personalTimerId(G, 1, 0, 2, 'alice'), at(60));
    h = fire(h, personalTimerId(G, 1, 0, 4, 'alice'), at(120));
    expect(ofType(h, 'NotificationRequested').map((e) => [e.data.personalRule, e.data.important])).toEqual([
      [0, true],
      [2, true],
      [4, true],
    ]);
  });

  it("the chain's next step does not cut a personal wait off (OnCall #934)", () => {
    const steps: EscalationStep[] = [
      { kind: 'notify_persons', users: ['alice'], important: false },
      { kind: 'wait', seconds: 60 },
      { kind: 'notify_persons', users: ['carol'], important: false },
    ];
    let h = run([], start(steps));
    h = fire(h, escalationTimerId(G, 1, 2), at(60));
    expect(pages(h)).toEqual([notificationId(G, 1, 0, 'alice'), notificationId(G, 1, 2, 'carol')]);
    h = fire(h, personalTimerId(G, 1, 0, 2, 'alice'), at(300));
    expect(pages(h).at(-1)).toBe(personalNotificationId(G, 1, 0, 'alice', 2));
  });

  it('a list that starts with a wait pages nobody until it is due, and counts as notified in its step run', () => {
    const steps: EscalationStep[] = [
      { kind: 'notify_persons', users: ['bob'], important: false },
      { kind: 'notify_persons', users: ['bob'], important: false },
    ];
    let h = run([], start(steps));
    expect(pages(h)).toEqual([]);
    expect(ofType(h, 'PersonalNotificationScheduled')).toHaveLength(1);
    h = fire(h, personalTimerId(G, 1, 0, 1, 'bob'), at(120));
    expect(pages(h)).toEqual([personalNotificationId(G, 1, 0, 'bob', 1)]);
  });

  it.each(['acknowledged', 'resolved', 'silenced'] as const)('%s stops the pending personal waits, even after the chain ran out', (groupState) => {
    let h = run([], start([{ kind: 'notify_persons', users: ['alice'], important: false }]));
    expectFinished(h);
    h = run(h, state(groupState, 2));
    expect(ofType(h, 'EscalationPaused')).toHaveLength(1);
    expect(fold(h).personal).toEqual({});
    expect(decided(h, { type: 'FireTimer', timerId: personalTimerId(G, 1, 0, 2, 'alice'), now: at(300) })).toEqual([]);
    // A replay of the same change pauses nothing again.
    expect(decided(h, state(groupState, 2))).toEqual([]);
  });

  it('an ack of an active escalation clears its personal waits; the timer then does nothing', () => {
    const steps: EscalationStep[] = [
      { kind: 'notify_persons', users: ['alice'], important: false },
      { kind: 'wait', seconds: 900 },
    ];
    let h = run([], start(steps));
    h = run(h, state('acknowledged', 2));
    expect(ofType(h, 'EscalationPaused')).toHaveLength(1);
    expect(fire(h, personalTimerId(G, 1, 0, 2, 'alice'), at(300)).length).toBe(h.length + 1);
  });

  it('a restart starts the lists over under the new epoch; the old waits do nothing', () => {
    const steps: EscalationStep[] = [
      { kind: 'notify_persons', users: ['alice'], important: false },
      { kind: 'wait', seconds: 900 },
    ];
    let h = run([], start(steps));
    h = run(h, state('acknowledged', 2));
    h = run(h, { ...state('firing', 3), chain: { id: 'chain', steps } } as EscalationCommand);
    expect(pages(h)).toEqual([notificationId(G, 1, 0, 'alice'), notificationId(G, 2, 0, 'alice')]);
    const before = pages(h).length;
    h = fire(h, personalTimerId(G, 1, 0, 2, 'alice'), at(300));
    expect(pages(h)).toHaveLength(before);
    h = fire(h, personalTimerId(G, 2, 0, 2, 'alice'), at(300));
    expect(pages(h)).toHaveLength(before + 1);
  });

  it('generated lists: each message id is unique, waits are timers with the rule after them, nothing after a last wait', () => {
    const rule = fc.oneof(fc.constant(TG), fc.integer({ min: 1, max: 3600 }).map(wait));
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 8 }), (rules) => {
        // Run the whole list, firing each personal wait in turn.
        const seen: string[] = [];
        let from = 0;
        let now = NOW;
        for (let guard = 0; guard < 20; guard++) {
          const evs = runPersonalRules({ alertGroupId: G, epoch: 1, stepIndex: 0, userId: 'u', important: false, aggregateKey: KEY, rules, from, now });
          seen.push(...ofType(evs, 'NotificationRequested').map((e) => e.data.notificationId));
          const next = ofType(evs, 'PersonalNotificationScheduled')[0];
          if (!next) break;
          expect(rules[next.data.ruleIndex - 1]!.type).toBe('wait');
          expect(next.data.ruleIndex).toBeLessThan(rules.length);
          from = next.data.ruleIndex;
          now = next.data.dueAt;
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toHaveLength(rules.filter((r) => r.type === 'notify_by_telegram').length);
      }),
    );
  });

  it('personalRules picks the list by importance; an unknown user or an empty list is the fallback', () => {
    expect(personalRules(POLICIES, 'alice', true)).toHaveLength(5);
    expect(personalRules(POLICIES, 'bob', true)).toBeNull();
    expect(personalRules(POLICIES, 'zed', false)).toBeNull();
  });
});

function expectFinished(h: NewEvent[]) {
  expect(ofType(h, 'EscalationFinished').map((e) => e.data.reason)).toEqual(['completed']);
}

describe('acknowledge reminders in the escalation', () => {
  const policy = { remindEverySeconds: 3600, unackAfterSeconds: 300 };
  const acked = (ack: number, by: string | null = 'alice'): AckReminderGroup => ({
    alertGroupId: G,
    state: 'acknowledged',
    ack,
    acknowledgedBy: by,
    answered: [],
  });
  const base = () => {
    let h = run([], start([{ kind: 'notify_persons', users: ['carol'], important: false }]));
    h = run(h, state('acknowledged', 5));
    return h;
  };

  it('an ack sets reminder 1 once; a redelivered ack sets nothing more', () => {
    let h = base();
    h = run(h, { type: 'StartAckReminders', group: acked(5), policy, now: NOW });
    expect(ofType(h, 'AckReminderScheduled').map((e) => [e.data.timerId, e.data.dueAt])).toEqual([[reminderTimerId(G, 5, 1), at(3600)]]);
    expect(decided(h, { type: 'StartAckReminders', group: acked(5), policy, now: at(10) })).toEqual([]);
  });

  it('an ack by the alert source, or a chain without the setting, reminds nobody', () => {
    expect(decided(base(), { type: 'StartAckReminders', group: acked(5, null), policy, now: NOW })).toEqual([]);
    expect(decided(base(), { type: 'StartAckReminders', group: acked(5), policy: null, now: NOW })).toEqual([]);
  });

  it('reminder: a DM to the acknowledger and the answer deadline; unanswered: the unacknowledge, once', () => {
    let h = run(base(), { type: 'StartAckReminders', group: acked(5), policy, now: NOW });
    h = fire(h, reminderTimerId(G, 5, 1), at(3600), { ackGroup: acked(5), ackPolicy: policy });
    const reminder = ofType(h, 'NotificationRequested').at(-1)!;
    expect(reminder.data).toMatchObject({ userId: 'alice', reason: 'ack_reminder', stepIndex: -1, aggregateKey: KEY });
    expect(ofType(h, 'AckReminderScheduled').at(-1)!.data).toMatchObject({ timerId: unackTimerId(G, 5, 1), dueAt: at(3900) });
    // A redelivered reminder timer sends nothing again.
    expect(decided(h, { type: 'FireTimer', timerId: reminderTimerId(G, 5, 1), now: at(3601), ackGroup: acked(5), ackPolicy: policy })).toEqual([]);
    h = fire(h, unackTimerId(G, 5, 1), at(3900), { ackGroup: acked(5), ackPolicy: policy });
    expect(ofType(h, 'AckReminderDeadlinePassed').map((e) => e.data)).toEqual([
      { alertGroupId: G, timerId: unackTimerId(G, 5, 1), ack: 5, n: 1, userId: 'alice', answered: false },
    ]);
    expect(decided(h, { type: 'FireTimer', timerId: unackTimerId(G, 5, 1), now: at(3901), ackGroup: acked(5), ackPolicy: policy })).toEqual([]);
  });

  it('a reminder of an earlier ack does nothing (unacknowledged and acknowledged again since)', () => {
    let h = run(base(), { type: 'StartAckReminders', group: acked(5), policy, now: NOW });
    expect(decided(h, { type: 'FireTimer', timerId: reminderTimerId(G, 5, 1), now: at(3600), ackGroup: acked(9), ackPolicy: policy })).toEqual([]);
    h = run(h, state('firing', 7));
    expect(fold(h).ackTimers).toEqual({});
  });

  it('without unacknowledge_after, reminders repeat every period', () => {
    const only = { remindEverySeconds: 3600, unackAfterSeconds: null };
    let h = run(base(), { type: 'StartAckReminders', group: acked(5), policy: only, now: NOW });
    h = fire(h, reminderTimerId(G, 5, 1), at(3600), { ackGroup: acked(5), ackPolicy: only });
    expect(ofType(h, 'AckReminderScheduled').at(-1)!.data).toMatchObject({ timerId: reminderTimerId(G, 5, 2), dueAt: at(7200) });
  });

  it('the resolve notice goes once per resolve, to the recipients given', () => {
    let h = run(base(), state('resolved', 8));
    const notice: EscalationCommand = { type: 'SendResolveNotice', alertGroupId: G, resolve: 8, recipients: ['carol', 'dave'], aggregateKey: KEY, now: NOW };
    h = run(h, notice);
    expect(
      ofType(h, 'NotificationRequested')
        .filter((e) => e.data.reason === 'resolve_notice')
        .map((e) => e.data.notificationId),
    ).toEqual([resolveNoticeNotificationId(G, 8, 'carol'), resolveNoticeNotificationId(G, 8, 'dave')]);
    expect(decided(h, notice)).toEqual([]);
  });
});
