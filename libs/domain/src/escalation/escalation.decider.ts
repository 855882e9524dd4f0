import {
  chatNotificationId,
  escalationTimerId,
  notificationId,
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
}

export type EscalationCommand = ReconcileEscalation | FireEscalationTimer;

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
}

const MAX_STEPS_PER_RUN = 100;

export function decideEscalation(cmd: EscalationCommand, s: EscalationState, lookups: OnCallLookups = cmd.onCall ?? {}): EscalationDecision {
  const inputs: RunInputs = { now: cmd.now, onCall: lookups, rotation: cmd.rotation ?? {}, alertTimes: cmd.alertTimes ?? [] };
  switch (cmd.type) {
    case 'Reconcile':
      return reconcile(cmd, s, inputs);
    case 'FireTimer': {
      if (s.status !== 'active' || !s.timer || s.timer.timerId !== cmd.timerId) return { events: [] };
      return runFrom(s, s.timer.stepIndex, inputs, []);
    }
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
    };
    return runFrom(next, 0, inputs, [resumed]);
  }
  if (s.status === 'active') return { events: [{ type: 'EscalationPaused', data: { ...ref, reason: cmd.groupState } }] };
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
        notify(events, s, i, step.users, step.important, step.users.length ? `Notified ${step.users.join(', ')}` : 'Notify persons: no users in this step');
        break;
      case 'notify_person_next_each_time': {
        if (step.users.length === 0) {
          executed('Notify next person: no users in this step');
          break;
        }
        const claimId = rotationClaimId(id, s.epoch, i);
        const turn = inputs.rotation[claimId];
        if (turn === undefined) return { needsRotation: { chainId: s.chainId!, stepIndex: i, claimId, users: step.users } };
        notify(events, s, i, [turn], step.important, `Notified ${turn}, next in turn of ${step.users.join(', ')}`);
        break;
      }
      case 'notify_on_call_from_schedule': {
        const answer = inputs.onCall[step.schedule];
        if (!answer) return { needsOnCall: step.schedule };
        if ('error' in answer) executed(`Nobody notified from schedule ${step.schedule}: ${answer.error}`);
        else if (answer.users.length === 0) executed(`Nobody is on call in schedule ${step.schedule}`);
        else notify(events, s, i, answer.users, step.important, `Notified on-call from schedule ${step.schedule}: ${answer.users.join(', ')}`);
        break;
      }
      case 'notify_user_group':
      case 'notify_team_members': {
        const what = step.kind === 'notify_user_group' ? `user group ${step.group}` : `team ${step.team}`;
        if (step.users.length === 0) executed(`Nobody notified: ${what} has no users`);
        else notify(events, s, i, step.users, step.important, `Notified ${what}: ${step.users.join(', ')}`);
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
function notify(events: NewEvent[], s: EscalationState, i: number, users: string[], important: boolean, summary: string): void {
  const id = s.alertGroupId!;
  const already = new Set(events.flatMap((e) => (e.type === 'NotificationRequested' && (e.data.important || !important) ? [e.data.userId] : [])));
  const fresh = users.filter((u) => !already.has(u));
  const skipped = users.filter((u) => already.has(u));
  const text = skipped.length ? `${summary} (${skipped.join(', ')} already notified in this step run)` : summary;
  events.push({ type: 'EscalationStepExecuted', data: { alertGroupId: id, stepIndex: i, kind: s.steps[i]!.kind, summary: text, notifiedUsers: fresh } });
  for (const userId of fresh) {
    events.push({
      type: 'NotificationRequested',
      data: { alertGroupId: id, notificationId: notificationId(id, s.epoch, i, userId), userId, important, stepIndex: i, aggregateKey: s.aggregateKey! },
    });
  }
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
