import { INTEGRATION_EVENTS, isOneOf, type DozorEvent, type IntegrationMaintenanceStartedData, type IntegrationMode } from '@dozor/contracts';

/** The maintenance under way: what its IntegrationMaintenanceStarted said (the integration is the aggregate's). */
export type ActiveMaintenance = Omit<IntegrationMaintenanceStartedData, 'integrationId'>;

export interface ConfiguredMaintenance {
  mode: IntegrationMode;
  durationSeconds: number | null;
}

export interface HeartbeatIncident {
  incidentId: string;
  dueAt: string;
  lastHeartbeatAt: string;
  /** null while the heartbeat is missing. */
  restoredAt: string | null;
}

/** Everything on `<prefix>.evt.integration.<integrationId>`. */
export interface IntegrationAggregate {
  integrationId: string | null;
  maintenance: ActiveMaintenance | null;
  /** Maintenances started so far: part of the next maintenance id. */
  maintenanceCount: number;
  /**
   * The integration's `maintenance:` from dozor.yaml as last applied (a start
   * with origin `config`, or null after config removed it); undefined: never.
   */
  configured: ConfiguredMaintenance | null | undefined;
  /** Heartbeat incidents raised so far: part of the next incident id. */
  incidentCount: number;
  /** The latest heartbeat incident; missing while `restoredAt` is null. */
  lastIncident: HeartbeatIncident | null;
}

export function initialIntegrationState(): IntegrationAggregate {
  return { integrationId: null, maintenance: null, maintenanceCount: 0, configured: undefined, incidentCount: 0, lastIncident: null };
}

export function heartbeatMissing(s: IntegrationAggregate): HeartbeatIncident | null {
  return s.lastIncident && s.lastIncident.restoredAt === null ? s.lastIncident : null;
}

const isIntegrationEvent = isOneOf(...INTEGRATION_EVENTS);

/** Other events on the subject (TimerFired) change nothing by themselves. */
export function evolveIntegration(s: IntegrationAggregate, e: DozorEvent): IntegrationAggregate {
  if (!isIntegrationEvent(e)) return s;
  switch (e.type) {
    case 'IntegrationMaintenanceStarted': {
      const d = e.data;
      return {
        ...s,
        integrationId: d.integrationId,
        maintenance: {
          maintenanceId: d.maintenanceId,
          mode: d.mode,
          startedAt: d.startedAt,
          until: d.until,
          durationSeconds: d.durationSeconds,
          origin: d.origin,
        },
        maintenanceCount: s.maintenanceCount + 1,
        configured: d.origin === 'config' ? { mode: d.mode, durationSeconds: d.durationSeconds } : s.configured,
      };
    }
    case 'IntegrationMaintenanceEnded':
      return {
        ...s,
        integrationId: e.data.integrationId,
        maintenance: s.maintenance?.maintenanceId === e.data.maintenanceId ? null : s.maintenance,
        configured: e.data.by === 'config' ? null : s.configured,
      };
    case 'HeartbeatMissed':
      return {
        ...s,
        integrationId: e.data.integrationId,
        incidentCount: s.incidentCount + 1,
        lastIncident: { incidentId: e.data.incidentId, dueAt: e.data.dueAt, lastHeartbeatAt: e.data.lastHeartbeatAt, restoredAt: null },
      };
    case 'HeartbeatRestored':
      return s.lastIncident?.incidentId === e.data.incidentId ? { ...s, lastIncident: { ...s.lastIncident, restoredAt: e.data.receivedAt } } : s;
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The mode in force at `now`: an expired one whose timer has not fired yet no longer counts. */
export function activeMaintenance(s: IntegrationAggregate, now: string): ActiveMaintenance | null {
  const m = s.maintenance;
  if (!m) return null;
  if (m.until !== null && Date.parse(m.until) <= Date.parse(now)) return null;
  return m;
}
