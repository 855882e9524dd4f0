import {
  ALERT_GROUP_EVENTS,
  isOneOf,
  type AlertGroupCreatedData,
  type AlertGroupState,
  type AlertReceivedData,
  type DozorEvent,
  type IntegrationKind,
  type IntegrationMode,
} from '@dozor/contracts';

/** What a group keeps of its AlertGroupCreated as it was. */
type CreatedFacts =
  | 'alertGroupId'
  | 'integrationId'
  | 'routeId'
  | 'escalationChainId'
  | 'title'
  | 'severity'
  | 'groupLabels'
  | 'commonLabels'
  | 'commonAnnotations'
  | 'sourceLink';

/** One alert group: one generation of a grouping key. */
export interface GroupGeneration extends Pick<AlertGroupCreatedData, CreatedFacts> {
  generation: number;
  integrationKind: IntegrationKind;
  /** Opened in maintenance or debug mode: never escalated. */
  mode: IntegrationMode | null;
  /** From the latest payload. */
  truncatedAlerts: number;
  createdAt: string;
  alertsCount: number;
  acknowledged: boolean;
  acknowledgedBy: string | null;
  /** The Dozor user id of a person's acknowledgment that holds now; null: none, or not a user. */
  acknowledgerId?: string | null;
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

/**
 * Grafana OnCall's precedence: a group's state is the first of these that
 * holds, else firing. The read model derives its `state` column from the same
 * list, so the two cannot disagree.
 */
export const ALERT_GROUP_STATE_PRECEDENCE = ['resolved', 'acknowledged', 'silenced'] as const satisfies readonly AlertGroupState[];

export function groupState(g: GroupGeneration): AlertGroupState {
  const holds = { resolved: g.resolved, acknowledged: g.acknowledged, silenced: Boolean(g.silencedUntil) };
  return ALERT_GROUP_STATE_PRECEDENCE.find((s) => holds[s]) ?? 'firing';
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

const isAlertGroupEvent = isOneOf(...ALERT_GROUP_EVENTS);

export function evolve(s: AlertGroupAggregate, e: DozorEvent): AlertGroupAggregate {
  if (!isAlertGroupEvent(e)) return s;
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
        acknowledgerId: e.data.by !== 'source' && e.metadata.actor.kind === 'user' ? e.metadata.actor.id : null,
        silencedUntil: null,
        silencedBy: null,
      }));
    case 'AlertGroupUnacknowledged':
      return update(s, e.data.alertGroupId, (g) => ({ ...g, acknowledged: false, acknowledgedBy: null, acknowledgerId: null }));
    case 'AlertGroupResolved':
      return update(s, e.data.alertGroupId, (g) => ({
        ...g,
        resolved: true,
        resolvedBy: e.data.by === 'source' ? null : actorName(e),
        silencedUntil: null,
        silencedBy: null,
      }));
    case 'AlertGroupUnresolved':
      return update(s, e.data.alertGroupId, (g) => ({
        ...g,
        resolved: false,
        resolvedBy: null,
        acknowledged: false,
        acknowledgedBy: null,
        acknowledgerId: null,
      }));
    case 'AlertGroupSilenced':
      return update(s, e.data.alertGroupId, (g) => ({
        ...g,
        silencedUntil: e.data.until ?? 'forever',
        silencedBy: actorName(e),
        acknowledged: false,
        acknowledgedBy: null,
        acknowledgerId: null,
      }));
    case 'AlertGroupUnsilenced':
      return update(s, e.data.alertGroupId, (g) => ({ ...g, silencedUntil: null, silencedBy: null }));
    case 'AlertGroupAcknowledgmentConfirmed':
      // An answer to an acknowledge reminder: the state is what it was.
      return s;
    case 'RouteAssigned':
      // Its route and chain are in AlertGroupCreated, in the same commit.
      return s;
    default: {
      const never: never = e;
      return never;
    }
  }
}
