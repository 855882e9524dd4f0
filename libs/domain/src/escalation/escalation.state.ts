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
}

export function initialEscalationState(): EscalationState {
  return { alertGroupId: null, status: 'idle', chainId: null, steps: [], integrationId: null, aggregateKey: null, epoch: 0, timer: null, groupTransition: 0 };
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
      };
    case 'EscalationResumed':
      return { ...s, status: 'active', epoch: s.epoch + 1, timer: null, groupTransition: seen(s, e.data.groupTransition) };
    case 'EscalationStepScheduled':
      return { ...s, timer: { timerId: e.data.timerId, stepIndex: e.data.stepIndex, dueAt: e.data.dueAt } };
    case 'EscalationStepExecuted':
      return s.timer && e.data.stepIndex >= s.timer.stepIndex ? { ...s, timer: null } : s;
    case 'EscalationPaused':
      return { ...s, status: 'paused', timer: null, groupTransition: seen(s, e.data.groupTransition) };
    case 'EscalationFinished':
      return { ...s, status: 'finished', timer: null };
    default: {
      const never: never = e;
      return never;
    }
  }
}

function seen(s: EscalationState, groupTransition: number | undefined): number {
  return Math.max(s.groupTransition, groupTransition ?? 0);
}
