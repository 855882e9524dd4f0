import type { DozorEvent, EscalationStep } from '@dozor/contracts';

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
}

export function initialEscalationState(): EscalationState {
  return { alertGroupId: null, status: 'idle', chainId: null, steps: [], integrationId: null, aggregateKey: null, epoch: 0, timer: null };
}

export function evolveEscalation(s: EscalationState, e: DozorEvent): EscalationState {
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
      };
    case 'EscalationResumed':
      return { ...s, status: 'active', epoch: s.epoch + 1, timer: null };
    case 'EscalationStepScheduled':
      return { ...s, timer: { timerId: e.data.timerId, stepIndex: e.data.stepIndex, dueAt: e.data.dueAt } };
    case 'TimerFired':
      // The fact that a timer fired changes nothing by itself; running its step does.
      return s;
    case 'EscalationStepExecuted':
      return s.timer && e.data.stepIndex >= s.timer.stepIndex ? { ...s, timer: null } : s;
    case 'EscalationPaused':
      return { ...s, status: 'paused', timer: null };
    case 'EscalationFinished':
      return { ...s, status: 'finished', timer: null };
    case 'NotificationRequested':
    case 'AlertReceived':
    case 'AlertGroupCreated':
    case 'AlertAdded':
    case 'AlertDiscarded':
    case 'AlertGroupAcknowledged':
    case 'AlertGroupUnacknowledged':
    case 'AlertGroupResolved':
    case 'AlertGroupUnresolved':
    case 'AlertGroupSilenced':
    case 'AlertGroupUnsilenced':
    case 'NotificationDispatching':
    case 'NotificationSent':
    case 'NotificationRetrying':
    case 'NotificationFailed':
    case 'NotificationBundled':
    case 'NotificationUpdated':
    case 'ScheduleConfigured':
    case 'ScheduleRemoved':
    case 'ScheduleIcalImported':
    case 'ShiftSwapRequested':
    case 'ShiftSwapTaken':
    case 'ShiftSwapDeleted':
    case 'RouteAssigned':
    case 'IntegrationMaintenanceStarted':
    case 'IntegrationMaintenanceEnded':
    case 'HeartbeatReceived':
    case 'HeartbeatMissed':
    case 'HeartbeatRestored':
    case 'TelegramVerificationCodeIssued':
    case 'TelegramAccountLinked':
      return s;
    default: {
      const never: never = e;
      return never;
    }
  }
}
