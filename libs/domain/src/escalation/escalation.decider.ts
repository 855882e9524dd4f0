import {
  chatNotificationId,
  escalationTimerId,
  parsePersonalTimerId,
  parseReminderTimerId,
  parseUnackTimerId,
  reminderNotificationId,
  resolveNoticeNotificationId,
  rotationClaimId,
  webhookRequestId,
  type AlertGroupState,
  type DozorEvent,
  type EscalationStep,
  type NewEvent,
} from '@dozor/contracts';
import type { Decider, Decision, DomainRejection } from '../decider.js';
import { evolveEscalation, initialEscalationState, type EscalationState } from './escalation.state.js';
import { timeWindowOpensAt } from './time-window.js';
import { personalRules, runPersonalRules, type PersonalPolicies } from './personal-policy.js';
import { pageResponders, type PageResponders } from './direct-page-responders.js';
import { onAcknowledged, onAckReminderTimer, type AckReminderDecision, type AckReminderGroup, type AckReminderPolicy } from './ack-reminder.js';

export interface ChainSnapshot {
  id: string;
  steps: EscalationStep[];
}

/** Bring the escalation in line with the alert group's current state. */
export interface ReconcileEscalation {
  type: 'Reconcile';
  alertGroupId: string;
  groupState: AlertGroupState;
  /**
   * Stream sequence of the group's last state change (AlertGroupCreated,
   * Acknowledged, Unresolved, ...), read from the group's log with its state.
   * A redelivered event leaves it as it was; only a new change raises it.
   */
  groupTransition: number;
  chain: ChainSnapshot | null;
  integrationId: string;
  aggregateKey: string;
  now: string;
  /** On-call answers the caller has fetched so far. */
  onCall?: OnCallLookups;
  /** Round-robin turns the caller has claimed so far. */
  rotation?: RotationTurns;
  /** When the group's alerts arrived (ISO, oldest first), for `notify_if_num_alerts_in_window`. */
  alertTimes?: string[];
  /**
   * `new_alert`: only an alert was added (no state change). It matters to a
   * run held for more alerts and to nothing else: a repeat never starts or
   * restarts an escalation. Default `state_change`.
   */
  trigger?: 'state_change' | 'new_alert';
  /** The users' personal notification policies (dozor.yaml); absent: nobody has one. */
  policies?: PersonalPolicies;
}

export interface FireEscalationTimer {
  type: 'FireTimer';
  timerId: string;
  now: string;
  /** On-call answers the caller has fetched so far. */
  onCall?: OnCallLookups;
  /** Round-robin turns the caller has claimed so far. */
  rotation?: RotationTurns;
  /** When the group's alerts arrived (ISO, oldest first), for `notify_if_num_alerts_in_window`. */
  alertTimes?: string[];
  /** The users' personal notification policies (dozor.yaml), for chain steps this timer runs. */
  policies?: PersonalPolicies;
  /** For an acknowledge reminder or deadline timer: the group as it is now, and the chain's reminder setting. */
  ackGroup?: AckReminderGroup;
  ackPolicy?: AckReminderPolicy | null;
}

/** The group was acknowledged (or is, on a redelivery): set its first acknowledge reminder, once per acknowledgment. */
export interface StartAckReminders {
  type: 'StartAckReminders';
  group: AckReminderGroup;
  policy: AckReminderPolicy | null;
  now: string;
}

/**
 * The group was resolved (the resolve at stream sequence `resolve`): tell
 * everyone its pages reached (`recipients`, from resolveNoticeRecipients),
 * once per resolve.
 */
export interface SendResolveNotice {
  type: 'SendResolveNotice';
  alertGroupId: string;
  resolve: number;
  recipients: string[];
  aggregateKey: string;
  now: string;
}

export type EscalationCommand = ReconcileEscalation | FireEscalationTimer | StartAckReminders | SendResolveNotice | PageResponders;

/** On-call answers fetched by the caller: users, or the reason nobody could be asked. */
export type OnCallLookups = Record<string, { users: string[] } | { error: string }>;

/** Round-robin turns claimed by the caller: the user each claim (see rotationClaimId) got. */
export type RotationTurns = Record<string, string>;

/** A round-robin step's question: take the next turn of this chain step for this run. */
export interface RotationClaim {
  chainId: string;
  stepIndex: number;
  claimId: string;
  users: string[];
}

export type EscalationDecision =
  | { events: NewEvent[] }
  /** The next step to run needs to know who is on call in this schedule; ask and decide again with the answer. */
  | { needsOnCall: string }
  /** The next step takes a round-robin turn; claim it and decide again with the user. */
  | { needsRotation: RotationClaim };

/** What one decision may use besides the state: answers the caller fetched, and the group's alert times. */
interface RunInputs {
  now: string;
  onCall: OnCallLookups;
  rotation: RotationTurns;
  alertTimes: string[];
  policies: PersonalPolicies;
}

const MAX_STEPS_PER_RUN = 100;

function runInputs(cmd: ReconcileEscalation | FireEscalationTimer, lookups: OnCallLookups): RunInputs {
  return { now: cmd.now, onCall: lookups, rotation: cmd.rotation ?? {}, alertTimes: cmd.alertTimes ?? [], policies: cmd.policies ?? {} };
}

/**
 * A personal wait is due: the rest of the user's list runs, whatever the
 * chain did meanwhile (its next step, its end). A wait cleared by a pause,
 * a resolve step or a restart, or one that already ran, does nothing.
 */
function firePersonalWait(s: EscalationState, timerId: string, now: string): NewEvent[] {
  const w = s.personal[timerId];
  const t = parsePersonalTimerId(timerId)!;
  if (!w || !s.alertGroupId || !s.aggregateKey) return [];
  return [
    { type: 'PersonalNotificationResumed', data: { alertGroupId: s.alertGroupId, timerId, userId: w.userId, stepIndex: w.stepIndex, ruleIndex: w.ruleIndex } },
    ...runPersonalRules({
      alertGroupId: s.alertGroupId,
      epoch: t.epoch,
      stepIndex: w.stepIndex,
      userId: w.userId,
      important: w.important,
      aggregateKey: s.aggregateKey,
      rules: w.rules,
      from: w.ruleIndex,
      now,
    }),
  ];
}

/** A reminder or answer deadline is due: only one this escalation set and has not acted on yet counts. */
function fireAckTimer(s: EscalationState, cmd: FireEscalationTimer): NewEvent[] {
  if (!s.ackTimers[cmd.timerId] || !cmd.ackGroup) return [];
  return ackEvents(cmd.ackGroup, onAckReminderTimer(cmd.timerId, cmd.ackGroup, cmd.ackPolicy ?? null, cmd.now), cmd.timerId, s.aggregateKey);
}

/**
 * The events of an acknowledge reminder decision. `firing` is the timer
 * acted on: AckReminderSent or AckReminderDeadlinePassed records it as
 * done, so a redelivered TimerFired finds it gone and does nothing.
 */
function ackEvents(g: AckReminderGroup, d: AckReminderDecision, firing: string | null, aggregateKey: string | null = null): NewEvent[] {
  const ref = { alertGroupId: g.alertGroupId };
  const scheduled = (t: { kind: 'reminder' | 'unack'; timerId: string; n: number; dueAt: string }, ack: number): NewEvent => ({
    type: 'AckReminderScheduled',
    data: { ...ref, timerId: t.timerId, kind: t.kind, ack, n: t.n, dueAt: t.dueAt },
  });
  const t = firing ? (parseReminderTimerId(firing) ?? parseUnackTimerId(firing)) : null;
  const ack = t?.ack ?? g.ack ?? 0;
  switch (d.kind) {
    case 'nothing':
      // A timer of an ack that no longer holds stays in ackTimers, harmless: it does nothing again, and a restart clears it.
      return [];
    case 'schedule':
      return [
        ...(firing && t
          ? [{ type: 'AckReminderDeadlinePassed' as const, data: { ...ref, timerId: firing, ack, n: t.n, userId: g.acknowledgedBy ?? '', answered: true } }]
          : []),
        scheduled(d.timer, ack),
      ];
    case 'remind':
      return [
        { type: 'AckReminderSent', data: { ...ref, timerId: firing!, ack, n: d.n, userId: d.userId } },
        {
          type: 'NotificationRequested',
          data: {
            ...ref,
            notificationId: reminderNotificationId(g.alertGroupId, ack, d.n, d.userId),
            userId: d.userId,
            important: false,
            stepIndex: -1,
            aggregateKey: aggregateKey ?? '',
            reason: 'ack_reminder',
          },
        },
        scheduled(d.next, ack),
      ];
    case 'unacknowledge':
      return [{ type: 'AckReminderDeadlinePassed', data: { ...ref, timerId: firing!, ack, n: d.n, userId: d.userId, answered: false } }];
    default: {
      const never: never = d;
      return never;
    }
  }
}

export function decideEscalation(
  cmd: EscalationCommand,
  s: EscalationState,
  lookups: OnCallLookups = ('onCall' in cmd ? cmd.onCall : undefined) ?? {},
): EscalationDecision {
  switch (cmd.type) {
    case 'Reconcile':
      return reconcile(cmd, s, runInputs(cmd, lookups));
    case 'FireTimer': {
      if (parsePersonalTimerId(cmd.timerId)) return { events: firePersonalWait(s, cmd.timerId, cmd.now) };
      if (parseReminderTimerId(cmd.timerId) || parseUnackTimerId(cmd.timerId)) return { events: fireAckTimer(s, cmd) };
      if (s.status !== 'active' || !s.timer || s.timer.timerId !== cmd.timerId) return { events: [] };
      return runFrom(s, s.timer.stepIndex, runInputs(cmd, lookups), []);
    }
    case 'StartAckReminders': {
      if (cmd.group.ack === null || cmd.group.ack <= s.remindedAck) return { events: [] };
      return { events: ackEvents(cmd.group, onAcknowledged(cmd.group, cmd.policy, cmd.now), null) };
    }
    case 'SendResolveNotice':
      return { events: resolveNotice(s, cmd) };
    case 'PageResponders':
      return { events: pageResponders(cmd, s) };
    default: {
      const never: never = cmd;
      return never;
    }
  }
}

/**
 * Firing starts an idle escalation and restarts a paused or finished one; any
 * other state pauses an active one. A restart needs a state change the
 * escalation has not seen: a replayed AlertGroupCreated after the chain
 * finished finds the group firing, but no newer change, and does nothing.
 */
function reconcile(cmd: ReconcileEscalation, s: EscalationState, inputs: RunInputs): EscalationDecision {
  const ref = { alertGroupId: cmd.alertGroupId, groupTransition: cmd.groupTransition };
  if (cmd.trigger === 'new_alert')
    return cmd.groupState === 'firing' && s.status === 'active' && s.held !== null ? runFrom(s, s.held, inputs, []) : { events: [] };
  if (cmd.groupState === 'firing') {
    // A run held for more alerts looks again whenever the group changes (a new alert, mostly).
    if (s.status === 'active') return s.held === null ? { events: [] } : runFrom(s, s.held, inputs, []);
    if (s.status === 'idle') {
      if (!cmd.chain) return { events: [] };
      const started: NewEvent = {
        type: 'EscalationStarted',
        data: { ...ref, chainId: cmd.chain.id, steps: cmd.chain.steps, integrationId: cmd.integrationId, aggregateKey: cmd.aggregateKey },
      };
      const next: EscalationState = {
        ...s,
        alertGroupId: cmd.alertGroupId,
        status: 'active',
        chainId: cmd.chain.id,
        steps: cmd.chain.steps,
        integrationId: cmd.integrationId,
        aggregateKey: cmd.aggregateKey,
        epoch: s.epoch + 1,
        timer: null,
        groupTransition: Math.max(s.groupTransition, cmd.groupTransition),
        repeats: {},
        held: null,
        personal: {},
        ackTimers: {},
      };
      return runFrom(next, 0, inputs, [started]);
    }
    if (cmd.groupTransition <= s.groupTransition) return { events: [] };
    // Paused (ack, silence, resolve) or finished, and firing again since: start the chain over, as Grafana OnCall does,
    // from a fresh snapshot of the route's chain.
    const fresh = cmd.chain ? { chainId: cmd.chain.id, steps: cmd.chain.steps } : {};
    const resumed: NewEvent = { type: 'EscalationResumed', data: { ...ref, ...fresh } };
    const next: EscalationState = {
      ...s,
      ...fresh,
      status: 'active',
      epoch: s.epoch + 1,
      timer: null,
      groupTransition: cmd.groupTransition,
      repeats: {},
      held: null,
      personal: {},
      ackTimers: {},
    };
    return runFrom(next, 0, inputs, [resumed]);
  }
  // An ack, resolve or silence stops the chain, and the personal waits of its users too, even once the chain has run out.
  if (s.status === 'active' || (Object.keys(s.personal).length > 0 && cmd.groupTransition > s.groupTransition))
    return { events: [{ type: 'EscalationPaused', data: { ...ref, reason: cmd.groupState } }] };
  return { events: [] };
}

/**
 * Runs steps from `from` until one waits (a wait, a closed time window, too
 * few alerts) or the chain ends. A repeat goes back within the same run, under
 * a new epoch, so the repeated steps' timers and notifications get fresh ids.
 */
function runFrom(s0: EscalationState, from: number, inputs: RunInputs, events: NewEvent[]): EscalationDecision {
  let s = s0;
  const id = s.alertGroupId!;
  const ref = { alertGroupId: id };
  const schedule = (stepIndex: number, dueAt: string) =>
    events.push({ type: 'EscalationStepScheduled', data: { ...ref, timerId: escalationTimerId(id, s.epoch, stepIndex), stepIndex, dueAt } });
  let ran = 0;
  for (let i = from; i < s.steps.length && ran < MAX_STEPS_PER_RUN; i++, ran++) {
    const step = s.steps[i]!;
    const executed = (summary: string) =>
      events.push({ type: 'EscalationStepExecuted', data: { ...ref, stepIndex: i, kind: step.kind, summary, notifiedUsers: [] } });
    switch (step.kind) {
      case 'wait': {
        executed(`Waiting ${formatSeconds(step.seconds)}`);
        schedule(i + 1, new Date(Date.parse(inputs.now) + step.seconds * 1000).toISOString());
        return { events };
      }
      case 'notify_persons':
        notify(
          events,
          s,
          i,
          inputs,
          step.users,
          step.important,
          step.users.length ? `Notified ${step.users.join(', ')}` : 'Notify persons: no users in this step',
        );
        break;
      case 'notify_person_next_each_time': {
        if (step.users.length === 0) {
          executed('Notify next person: no users in this step');
          break;
        }
        const claimId = rotationClaimId(id, s.epoch, i);
        const turn = inputs.rotation[claimId];
        if (turn === undefined) return { needsRotation: { chainId: s.chainId!, stepIndex: i, claimId, users: step.users } };
        notify(events, s, i, inputs, [turn], step.important, `Notified ${turn}, next in turn of ${step.users.join(', ')}`);
        break;
      }
      case 'notify_on_call_from_schedule': {
        const answer = inputs.onCall[step.schedule];
        if (!answer) return { needsOnCall: step.schedule };
        if ('error' in answer) executed(`Nobody notified from schedule ${step.schedule}: ${answer.error}`);
        else if (answer.users.length === 0) executed(`Nobody is on call in schedule ${step.schedule}`);
        else notify(events, s, i, inputs, answer.users, step.important, `Notified on-call from schedule ${step.schedule}: ${answer.users.join(', ')}`);
        break;
      }
      case 'notify_user_group':
      case 'notify_team_members': {
        const what = step.kind === 'notify_user_group' ? `user group ${step.group}` : `team ${step.team}`;
        if (step.users.length === 0) executed(`Nobody notified: ${what} has no users`);
        else notify(events, s, i, inputs, step.users, step.important, `Notified ${what}: ${step.users.join(', ')}`);
        break;
      }
      case 'notify_whole_channel': {
        const topic = step.messageThreadId === undefined ? '' : ` (topic ${step.messageThreadId})`;
        executed(`Posted in Telegram chat ${step.chatId}${topic}`);
        events.push({
          type: 'ChatNotificationRequested',
          data: {
            ...ref,
            notificationId: chatNotificationId(id, s.epoch, i, step.chatId),
            chatId: step.chatId,
            ...(step.messageThreadId === undefined ? {} : { messageThreadId: step.messageThreadId }),
            important: false,
            stepIndex: i,
            aggregateKey: s.aggregateKey!,
          },
        });
        break;
      }
      case 'trigger_webhook':
        executed(`Triggered webhook ${step.webhookId}`);
        events.push({
          type: 'OutgoingWebhookRequested',
          data: { ...ref, webhookId: step.webhookId, trigger: 'escalation_step', stepIndex: i, requestId: webhookRequestId(id, s.epoch, i, step.webhookId) },
        });
        break;
      case 'resolve':
        // The escalator sends the resolve to the router when it reads this commit back (see EscalationHandler).
        executed('Resolved the alert group');
        events.push({ type: 'EscalationFinished', data: { ...ref, reason: 'resolved' } });
        return { events };
      case 'notify_if_time_from_to': {
        const window = `${step.from}-${step.to} ${step.timeZone}`;
        const opens = timeWindowOpensAt(inputs.now, step);
        if (opens === null) {
          executed(`Inside ${window}: going on`);
          break;
        }
        executed(`Outside ${window}: waiting until ${opens}`);
        schedule(i + 1, opens);
        return { events };
      }
      case 'notify_if_num_alerts_in_window': {
        const n = alertsInWindow(inputs.alertTimes, step.minutes);
        if (n > step.alerts) {
          executed(`${n} alerts within ${step.minutes} min (more than ${step.alerts}): going on`);
          break;
        }
        if (s.held !== i)
          events.push({
            type: 'EscalationHeld',
            data: { ...ref, stepIndex: i, summary: `Waiting for more than ${step.alerts} alerts within ${step.minutes} min (${n} so far)` },
          });
        return { events };
      }
      case 'repeat_escalation': {
        const done = s.repeats[i] ?? 0;
        if (done >= step.limit) {
          executed(`Repeated ${step.limit} times already: going on`);
          break;
        }
        executed(`Repeating from step ${step.fromStep + 1} (${done + 1} of ${step.limit})`);
        events.push({ type: 'EscalationRepeated', data: { ...ref, stepIndex: i, fromStepIndex: step.fromStep, repeat: done + 1 } });
        s = { ...s, epoch: s.epoch + 1, repeats: { ...s.repeats, [i]: done + 1 } };
        i = step.fromStep - 1;
        break;
      }
      default: {
        const never: never = step;
        return never;
      }
    }
  }
  events.push({ type: 'EscalationFinished', data: { ...ref, reason: 'completed' } });
  return { events };
}

/** Alerts that arrived within `minutes` of the latest one (OnCall counts back from the group's last alert, not from now). */
export function alertsInWindow(alertTimes: string[], minutes: number): number {
  if (alertTimes.length === 0) return 0;
  const last = Math.max(...alertTimes.map((t) => Date.parse(t)));
  const since = last - minutes * 60_000;
  return alertTimes.filter((t) => Date.parse(t) >= since).length;
}

/**
 * Notifies users, except those this same run of steps (no wait in between)
 * already notified at least as urgently: a chain of "on-call from schedule"
 * then "persons" that names the same person sends one message, not two.
 */
function notify(events: NewEvent[], s: EscalationState, i: number, inputs: RunInputs, users: string[], important: boolean, summary: string): void {
  const id = s.alertGroupId!;
  const already = new Set(
    events.flatMap((e) =>
      (e.type === 'NotificationRequested' || e.type === 'PersonalNotificationScheduled') && (e.data.important || !important) ? [e.data.userId] : [],
    ),
  );
  const fresh = users.filter((u) => !already.has(u));
  const skipped = users.filter((u) => already.has(u));
  const text = skipped.length ? `${summary} (${skipped.join(', ')} already notified in this step run)` : summary;
  events.push({ type: 'EscalationStepExecuted', data: { alertGroupId: id, stepIndex: i, kind: s.steps[i]!.kind, summary: text, notifiedUsers: fresh } });
  // Each user is reached as their personal policy says (or with one Telegram message when they have none).
  for (const userId of fresh)
    events.push(
      ...runPersonalRules({
        alertGroupId: id,
        epoch: s.epoch,
        stepIndex: i,
        userId,
        important,
        aggregateKey: s.aggregateKey!,
        rules: personalRules(inputs.policies, userId, important),
        from: 0,
        now: inputs.now,
      }),
    );
}

/** The resolve notice, once per resolve: one message to each recipient, recorded with who got it. */
function resolveNotice(s: EscalationState, cmd: SendResolveNotice): NewEvent[] {
  if (cmd.resolve <= s.noticedResolve) return [];
  const ref = { alertGroupId: cmd.alertGroupId };
  return [
    { type: 'ResolveNoticeRequested', data: { ...ref, resolve: cmd.resolve, users: cmd.recipients } },
    ...cmd.recipients.map((userId): NewEvent => ({
      type: 'NotificationRequested',
      data: {
        ...ref,
        notificationId: resolveNoticeNotificationId(cmd.alertGroupId, cmd.resolve, userId),
        userId,
        important: false,
        stepIndex: -1,
        aggregateKey: cmd.aggregateKey,
        reason: 'resolve_notice',
      },
    })),
  ];
}

export function formatSeconds(sec: number): string {
  if (sec % 3600 === 0) return `${sec / 3600}h`;
  if (sec % 60 === 0) return `${sec / 60}m`;
  return `${sec}s`;
}

/**
 * Not a refusal but a question: the next step needs to know who is on call in
 * `scheduleId` (`needs_on_call`), or takes a round-robin turn (`needs_rotation`).
 * The caller asks the scheduler or claims the turn (I/O, outside the decision)
 * and decides again with the answer in the command's `onCall` or `rotation`.
 */
export type EscalationRejection = (DomainRejection<'needs_on_call'> & { scheduleId: string }) | (DomainRejection<'needs_rotation'> & { claim: RotationClaim });

/** The escalation of one alert group (`evt.escalation.<alertGroupId>`). */
export const escalationDecider: Decider<EscalationCommand, DozorEvent, EscalationState, EscalationRejection> = {
  decide(cmd, state): Decision<EscalationRejection> {
    const d = decideEscalation(cmd, state);
    if ('needsOnCall' in d)
      return { rejected: { code: 'needs_on_call', scheduleId: d.needsOnCall, message: `needs who is on call in schedule ${d.needsOnCall}` } };
    if ('needsRotation' in d)
      return {
        rejected: {
          code: 'needs_rotation',
          claim: d.needsRotation,
          message: `needs the next turn of step ${d.needsRotation.stepIndex} of chain ${d.needsRotation.chainId}`,
        },
      };
    return d;
  },
  evolve: evolveEscalation,
  initialState: initialEscalationState,
};
