import type { AlertGroupState, AlertReceivedData, DozorEvent, IntegrationKind, IntegrationMode } from '@dozor/contracts';

/** One alert group: one generation of a grouping key. */
export interface GroupGeneration {
  alertGroupId: string;
  generation: number;
  integrationId: string;
  routeId: string;
  escalationChainId: string | null;
  title: string;
  severity: string | null;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  sourceLink: string | null;
  integrationKind: IntegrationKind;
  /** Opened in maintenance or debug mode: never escalated. */
  mode: IntegrationMode | null;
  /** From the latest payload. */
  truncatedAlerts: number;
  createdAt: string;
  alertsCount: number;
  acknowledged: boolean;
  acknowledgedBy: string | null;
  resolved: boolean;
  resolvedBy: string | null;
  /** ISO instant, 'forever', or null when not silenced. */
  silencedUntil: string | null;
  silencedBy: string | null;
}

export interface PendingReceipt {
  eventId: string;
  correlationId: string;
  traceparent: string | null;
  data: AlertReceivedData;
}

/**
 * Everything on one alert-group subject: every generation of one grouping key
 * of one integration. Only the latest generation can be open.
 */
export interface AlertGroupAggregate {
  aggregateKey: string | null;
  generation: number;
  current: GroupGeneration | null;
  /** AlertReceived facts the router has not decided on yet, oldest first. */
  pending: PendingReceipt[];
}

export function initialState(): AlertGroupAggregate {
  return { aggregateKey: null, generation: 0, current: null, pending: [] };
}

/** Grafana OnCall's precedence: resolved, then acknowledged, then silenced, then firing. */
export function groupState(g: GroupGeneration): AlertGroupState {
  if (g.resolved) return 'resolved';
  if (g.acknowledged) return 'acknowledged';
  if (g.silencedUntil) return 'silenced';
  return 'firing';
}

/** `truncatedAlerts` of an Alertmanager payload; 0 for other payloads. */
export function truncatedAlertsOf(payload: unknown): number {
  const t = (payload as { truncatedAlerts?: unknown } | null)?.truncatedAlerts;
  return typeof t === 'number' && Number.isInteger(t) && t > 0 ? t : 0;
}

function actorName(e: DozorEvent): string {
  return e.metadata.actor.name ?? e.metadata.actor.id;
}

function update(s: AlertGroupAggregate, id: string, f: (g: GroupGeneration) => GroupGeneration): AlertGroupAggregate {
  if (!s.current || s.current.alertGroupId !== id) return s;
  return { ...s, current: f(s.current) };
}

export function evolve(s: AlertGroupAggregate, e: DozorEvent): AlertGroupAggregate {
  switch (e.type) {
    case 'AlertReceived':
      return {
        ...s,
        aggregateKey: e.data.aggregateKey,
        pending: [...s.pending, { eventId: e.metadata.eventId, correlationId: e.metadata.correlationId, traceparent: e.metadata.traceparent, data: e.data }],
      };
    case 'AlertGroupCreated': {
      const generation = Number(e.data.alertGroupId.slice(e.data.alertGroupId.lastIndexOf('-') + 1));
      return {
        ...s,
        aggregateKey: e.data.aggregateKey,
        generation,
        current: {
          alertGroupId: e.data.alertGroupId,
          generation,
          integrationId: e.data.integrationId,
          routeId: e.data.routeId,
          escalationChainId: e.data.escalationChainId,
          title: e.data.title,
          severity: e.data.severity,
          groupLabels: e.data.groupLabels,
          commonLabels: e.data.commonLabels,
          commonAnnotations: e.data.commonAnnotations,
          sourceLink: e.data.sourceLink,
          integrationKind: e.data.integrationKind ?? 'alertmanager',
          mode: e.data.mode ?? null,
          truncatedAlerts: 0,
          createdAt: e.metadata.occurredAt,
          alertsCount: 0,
          acknowledged: false,
          acknowledgedBy: null,
          resolved: false,
          resolvedBy: null,
          silencedUntil: null,
          silencedBy: null,
        },
      };
    }
    case 'AlertAdded': {
      const s2 = { ...s, pending: s.pending.filter((p) => p.data.receiptId !== e.data.receiptId) };
      return update(s2, e.data.alertGroupId, (g) => ({
        ...g,
        alertsCount: g.alertsCount + 1,
        truncatedAlerts: truncatedAlertsOf(e.data.payload),
      }));
    }
    case 'AlertDiscarded':
      return { ...s, pending: s.pending.filter((p) => p.data.receiptId !== e.data.receiptId) };
    case 'AlertGroupAcknowledged':
      return update(s, e.data.alertGroupId, (g) => ({
        ...g,
        acknowledged: true,
        acknowledgedBy: e.data.by === 'source' ? 'the alert source' : actorName(e),
        silencedUntil: null,
        silencedBy: null,
      }));
    case 'AlertGroupUnacknowledged':
      return update(s, e.data.alertGroupId, (g) => ({ ...g, acknowledged: false, acknowledgedBy: null }));
    case 'AlertGroupResolved':
      return update(s, e.data.alertGroupId, (g) => ({
        ...g,
        resolved: true,
        resolvedBy: e.data.by === 'source' ? null : actorName(e),
        silencedUntil: null,
        silencedBy: null,
      }));
    case 'AlertGroupUnresolved':
      return update(s, e.data.alertGroupId, (g) => ({ ...g, resolved: false, resolvedBy: null, acknowledged: false, acknowledgedBy: null }));
    case 'AlertGroupSilenced':
      return update(s, e.data.alertGroupId, (g) => ({
        ...g,
        silencedUntil: e.data.until ?? 'forever',
        silencedBy: actorName(e),
        acknowledged: false,
        acknowledgedBy: null,
      }));
    case 'AlertGroupUnsilenced':
      return update(s, e.data.alertGroupId, (g) => ({ ...g, silencedUntil: null, silencedBy: null }));
    case 'RouteAssigned':
    case 'TimerFired':
    case 'EscalationStarted':
    case 'EscalationStepScheduled':
    case 'EscalationStepExecuted':
    case 'NotificationRequested':
    case 'EscalationPaused':
    case 'EscalationResumed':
    case 'EscalationFinished':
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
