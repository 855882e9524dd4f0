import { isOneOf, type DozorEvent, type EscalationStep } from '@dozor/contracts';

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
      return { ...s, status: 'paused', timer: null, held: null, groupTransition: seen(s, e.data.groupTransition) };
    case 'EscalationFinished':
      return { ...s, status: 'finished', timer: null, held: null };
    default: {
      const never: never = e;
      return never;
    }
  }
}

function seen(s: EscalationState, groupTransition: number | undefined): number {
  return Math.max(s.groupTransition, groupTransition ?? 0);
}
