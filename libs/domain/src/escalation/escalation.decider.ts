import { escalationTimerId, notificationId, type AlertGroupState, type DozorEvent, type EscalationStep, type NewEvent } from '@dozor/contracts';
import type { Decider, Decision, DomainRejection } from '../decider.js';
import { evolveEscalation, initialEscalationState, type EscalationState } from './escalation.state.js';

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
}

export interface FireEscalationTimer {
  type: 'FireTimer';
  timerId: string;
  now: string;
  /** On-call answers the caller has fetched so far. */
  onCall?: OnCallLookups;
}

export type EscalationCommand = ReconcileEscalation | FireEscalationTimer;

/** On-call answers fetched by the caller: users, or the reason nobody could be asked. */
export type OnCallLookups = Record<string, { users: string[] } | { error: string }>;

export type EscalationDecision =
  | { events: NewEvent[] }
  /** The next step to run needs to know who is on call in this schedule; ask and decide again with the answer. */
  | { needsOnCall: string };

const MAX_STEPS_PER_RUN = 100;

export function decideEscalation(cmd: EscalationCommand, s: EscalationState, lookups: OnCallLookups = {}): EscalationDecision {
  switch (cmd.type) {
    case 'Reconcile':
      return reconcile(cmd, s, lookups);
    case 'FireTimer': {
      if (s.status !== 'active' || !s.timer || s.timer.timerId !== cmd.timerId) return { events: [] };
      return runFrom(s, s.timer.stepIndex, cmd.now, s.epoch, lookups, []);
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
function reconcile(cmd: ReconcileEscalation, s: EscalationState, lookups: OnCallLookups): EscalationDecision {
  const ref = { alertGroupId: cmd.alertGroupId, groupTransition: cmd.groupTransition };
  if (cmd.groupState === 'firing') {
    if (s.status === 'active') return { events: [] };
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
      };
      return runFrom(next, 0, cmd.now, next.epoch, lookups, [started]);
    }
    if (cmd.groupTransition <= s.groupTransition) return { events: [] };
    // Paused (ack, silence, resolve) or finished, and firing again since: start the chain over, as Grafana OnCall does.
    const resumed: NewEvent = { type: 'EscalationResumed', data: ref };
    const next: EscalationState = { ...s, status: 'active', epoch: s.epoch + 1, timer: null, groupTransition: cmd.groupTransition };
    return runFrom(next, 0, cmd.now, next.epoch, lookups, [resumed]);
  }
  if (s.status === 'active') return { events: [{ type: 'EscalationPaused', data: { ...ref, reason: cmd.groupState } }] };
  return { events: [] };
}

function runFrom(s: EscalationState, from: number, now: string, epoch: number, lookups: OnCallLookups, events: NewEvent[]): EscalationDecision {
  const id = s.alertGroupId!;
  const ref = { alertGroupId: id };
  for (let i = from; i < s.steps.length && i - from < MAX_STEPS_PER_RUN; i++) {
    const step = s.steps[i]!;
    switch (step.kind) {
      case 'wait': {
        const dueAt = new Date(Date.parse(now) + step.seconds * 1000).toISOString();
        events.push(
          {
            type: 'EscalationStepExecuted',
            data: { ...ref, stepIndex: i, kind: 'wait', summary: `Waiting ${formatSeconds(step.seconds)}`, notifiedUsers: [] },
          },
          { type: 'EscalationStepScheduled', data: { ...ref, timerId: escalationTimerId(id, epoch, i + 1), stepIndex: i + 1, dueAt } },
        );
        return { events };
      }
      case 'notify_persons':
        notify(
          events,
          s,
          i,
          step.users,
          step.important,
          epoch,
          step.users.length ? `Notified ${step.users.join(', ')}` : 'Notify persons: no users in this step',
        );
        break;
      case 'notify_on_call_from_schedule': {
        const answer = lookups[step.schedule];
        if (!answer) return { needsOnCall: step.schedule };
        if ('error' in answer) {
          events.push({
            type: 'EscalationStepExecuted',
            data: { ...ref, stepIndex: i, kind: step.kind, summary: `Nobody notified from schedule ${step.schedule}: ${answer.error}`, notifiedUsers: [] },
          });
        } else if (answer.users.length === 0) {
          events.push({
            type: 'EscalationStepExecuted',
            data: { ...ref, stepIndex: i, kind: step.kind, summary: `Nobody is on call in schedule ${step.schedule}`, notifiedUsers: [] },
          });
        } else {
          notify(events, s, i, answer.users, step.important, epoch, `Notified on-call from schedule ${step.schedule}: ${answer.users.join(', ')}`);
        }
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

/**
 * Notifies users, except those this same run of steps (no wait in between)
 * already notified at least as urgently: a chain of "on-call from schedule"
 * then "persons" that names the same person sends one message, not two.
 */
function notify(events: NewEvent[], s: EscalationState, i: number, users: string[], important: boolean, epoch: number, summary: string): void {
  const id = s.alertGroupId!;
  const already = new Set(events.flatMap((e) => (e.type === 'NotificationRequested' && (e.data.important || !important) ? [e.data.userId] : [])));
  const fresh = users.filter((u) => !already.has(u));
  const skipped = users.filter((u) => already.has(u));
  const text = skipped.length ? `${summary} (${skipped.join(', ')} already notified in this step run)` : summary;
  events.push({ type: 'EscalationStepExecuted', data: { alertGroupId: id, stepIndex: i, kind: s.steps[i]!.kind, summary: text, notifiedUsers: fresh } });
  for (const userId of fresh) {
    events.push({
      type: 'NotificationRequested',
      data: { alertGroupId: id, notificationId: notificationId(id, epoch, i, userId), userId, important, stepIndex: i, aggregateKey: s.aggregateKey! },
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
 * `scheduleId`. The caller asks the scheduler (I/O, outside the decision) and
 * decides again with the answer in the command's `onCall`.
 */
export type EscalationRejection = DomainRejection<'needs_on_call'> & { scheduleId: string };

/** The escalation of one alert group (`evt.escalation.<alertGroupId>`). */
export const escalationDecider: Decider<EscalationCommand, DozorEvent, EscalationState, EscalationRejection> = {
  decide(cmd, state): Decision<EscalationRejection> {
    const d = decideEscalation(cmd, state, cmd.onCall);
    if ('needsOnCall' in d)
      return { rejected: { code: 'needs_on_call', scheduleId: d.needsOnCall, message: `needs who is on call in schedule ${d.needsOnCall}` } };
    return d;
  },
  evolve: evolveEscalation,
  initialState: initialEscalationState,
};
