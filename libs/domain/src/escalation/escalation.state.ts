import { isOneOf, type DozorEvent, type EscalationStep, type PersonalNotificationRule } from '@dozor/contracts';

/** A user's personal wait that is pending: the rest of their list runs when its timer is due. */
export interface PendingPersonalWait {
  userId: string;
  stepIndex: number;
  important: boolean;
  ruleIndex: number;
  rules: PersonalNotificationRule[];
}

export type EscalationStatus = 'idle' | 'active' | 'paused' | 'finished';

export interface EscalationState {
  alertGroupId: string | null;
  status: EscalationStatus;
  chainId: string | null;
  steps: EscalationStep[];
  integrationId: string | null;
  aggregateKey: string | null;
  /** Counts starts and restarts; part of timer and notification ids, so a restart never collides with an old run. */
  epoch: number;
  /** The one timer this escalation waits on, if any. */
  timer: { timerId: string; stepIndex: number; dueAt: string } | null;
  /**
   * The group's last state change (its stream sequence) that a start, pause or
   * restart reconciled; 0 when none was recorded. A finished escalation starts
   * over only for a later change, never for a replay of one it has seen.
   */
  groupTransition: number;
  /** Repeats done in this run, by the index of their `repeat_escalation` step; a start or restart clears them. */
  repeats: Record<number, number>;
  /** The `notify_if_num_alerts_in_window` step the run waits at for more alerts, if any. */
  held: number | null;
  /**
   * Personal waits pending, by timer id (`personal:…`). Each is its own timer:
   * the chain's next step leaves them; a pause (ack, silence, resolve), a
   * resolve step and a restart clear them.
   */
  personal: Record<string, PendingPersonalWait>;
  /** Acknowledge reminder and answer-deadline timers pending, by timer id (`reminder:…`, `unack:…`). */
  ackTimers: Record<string, true>;
  /** The latest acknowledgment (its stream sequence) whose reminders were scheduled; 0 when none. */
  remindedAck: number;
  /** The latest resolve (its stream sequence) whose notice was sent; 0 when none. */
  noticedResolve: number;
  /** Direct pages whose added responders were paged (DirectPageNotified), by page id; absent: none. */
  directPages?: Record<string, true>;
}

export function initialEscalationState(): EscalationState {
  return {
    alertGroupId: null,
    status: 'idle',
    chainId: null,
    steps: [],
    integrationId: null,
    aggregateKey: null,
    epoch: 0,
    timer: null,
    groupTransition: 0,
    repeats: {},
    held: null,
    personal: {},
    ackTimers: {},
    remindedAck: 0,
    noticedResolve: 0,
  };
}

/**
 * The events that move an escalation. TimerFired and NotificationRequested on
 * the subject change nothing by themselves: running a timer's step does, and a
 * request is the notifier's business.
 */
const isEscalationEvent = isOneOf(
  'EscalationStarted',
  'EscalationResumed',
  'EscalationStepScheduled',
  'EscalationStepExecuted',
  'EscalationPaused',
  'EscalationFinished',
  'EscalationRepeated',
  'EscalationHeld',
  'PersonalNotificationScheduled',
  'PersonalNotificationResumed',
  'AckReminderScheduled',
  'AckReminderSent',
  'AckReminderDeadlinePassed',
  'ResolveNoticeRequested',
  'DirectPageNotified',
);

export function evolveEscalation(s: EscalationState, e: DozorEvent): EscalationState {
  if (!isEscalationEvent(e)) return s;
  switch (e.type) {
    case 'EscalationStarted':
      return {
        ...s,
        alertGroupId: e.data.alertGroupId,
        status: 'active',
        chainId: e.data.chainId,
        steps: e.data.steps,
        integrationId: e.data.integrationId,
        aggregateKey: e.data.aggregateKey,
        epoch: s.epoch + 1,
        timer: null,
        groupTransition: seen(s, e.data.groupTransition),
        repeats: {},
        held: null,
        personal: {},
        ackTimers: {},
      };
    case 'EscalationResumed':
      return {
        ...s,
        status: 'active',
        epoch: s.epoch + 1,
        timer: null,
        groupTransition: seen(s, e.data.groupTransition),
        repeats: {},
        held: null,
        personal: {},
        ackTimers: {},
        ...(e.data.steps ? { steps: e.data.steps, chainId: e.data.chainId ?? s.chainId } : {}),
      };
    case 'EscalationRepeated':
      return { ...s, epoch: s.epoch + 1, timer: null, held: null, repeats: { ...s.repeats, [e.data.stepIndex]: e.data.repeat } };
    case 'EscalationHeld':
      return { ...s, held: e.data.stepIndex };
    case 'EscalationStepScheduled':
      return { ...s, timer: { timerId: e.data.timerId, stepIndex: e.data.stepIndex, dueAt: e.data.dueAt } };
    case 'EscalationStepExecuted': {
      const timer = s.timer && e.data.stepIndex >= s.timer.stepIndex ? null : s.timer;
      const held = s.held !== null && e.data.stepIndex >= s.held ? null : s.held;
      return timer === s.timer && held === s.held ? s : { ...s, timer, held };
    }
    case 'EscalationPaused':
      return { ...s, status: 'paused', timer: null, held: null, personal: {}, groupTransition: seen(s, e.data.groupTransition) };
    case 'EscalationFinished':
      // A chain that ran out of steps leaves its users' personal waits running (OnCall #934); a resolve step ends them.
      return { ...s, status: 'finished', timer: null, held: null, ...(e.data.reason === 'resolved' ? { personal: {} } : {}) };
    case 'PersonalNotificationScheduled': {
      const d = e.data;
      return {
        ...s,
        personal: { ...s.personal, [d.timerId]: { userId: d.userId, stepIndex: d.stepIndex, important: d.important, ruleIndex: d.ruleIndex, rules: d.rules } },
      };
    }
    case 'PersonalNotificationResumed':
      return { ...s, personal: without(s.personal, e.data.timerId) };
    case 'AckReminderScheduled':
      return { ...s, ackTimers: { ...s.ackTimers, [e.data.timerId]: true }, remindedAck: Math.max(s.remindedAck, e.data.ack) };
    case 'AckReminderSent':
    case 'AckReminderDeadlinePassed':
      return { ...s, ackTimers: without(s.ackTimers, e.data.timerId) };
    case 'ResolveNoticeRequested':
      return { ...s, noticedResolve: Math.max(s.noticedResolve, e.data.resolve) };
    case 'DirectPageNotified':
      // A group that never escalated (no chain) learns its ids here, for its responders' personal waits.
      return {
        ...s,
        alertGroupId: s.alertGroupId ?? e.data.alertGroupId,
        aggregateKey: s.aggregateKey ?? e.data.aggregateKey,
        directPages: { ...s.directPages, [e.data.pageId]: true },
      };
    default: {
      const never: never = e;
      return never;
    }
  }
}

function without<T>(r: Record<string, T>, key: string): Record<string, T> {
  if (!(key in r)) return r;
  const { [key]: _gone, ...rest } = r;
  return rest;
}

function seen(s: EscalationState, groupTransition: number | undefined): number {
  return Math.max(s.groupTransition, groupTransition ?? 0);
}
