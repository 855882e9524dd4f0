import type { EntityManager } from 'typeorm';
import { INTEGRATION_EVENTS, isOneOf, type EventOf } from '@dozor/contracts';
import { writeAuditRow } from './audit-log.writer.js';

/** The integration events that are audited: every event on an integration subject but TimerFired. */
export type IntegrationAuditEvent = EventOf<(typeof INTEGRATION_EVENTS)[number]>;
export const isIntegrationAuditEvent = isOneOf(...INTEGRATION_EVENTS);

/**
 * Maintenance and debug mode starting, stopping and expiring, and heartbeat
 * incidents: one `audit_log` row each, `target_type = 'integration'`, the
 * integration id as `target_id`, keyed by log position (a rebuild gives the
 * same rows). HeartbeatReceived is not audited (one per heartbeat).
 */
export async function applyIntegrationEvent(m: EntityManager, e: IntegrationAuditEvent, at: { seq: number; idx: number }): Promise<void> {
  const [action, details] = auditOf(e);
  await writeAuditRow(m, e, at, { action, targetType: 'integration', targetId: e.data.integrationId, details });
}

function auditOf(e: IntegrationAuditEvent): [string, Record<string, unknown>] {
  switch (e.type) {
    case 'IntegrationMaintenanceStarted':
      return [
        `${e.data.mode}_started`,
        { maintenanceId: e.data.maintenanceId, until: e.data.until, durationSeconds: e.data.durationSeconds, origin: e.data.origin },
      ];
    case 'IntegrationMaintenanceEnded':
      return [e.data.by === 'expired' ? `${e.data.mode}_expired` : `${e.data.mode}_stopped`, { maintenanceId: e.data.maintenanceId, by: e.data.by }];
    case 'HeartbeatMissed':
      return ['heartbeat_missed', { incidentId: e.data.incidentId, dueAt: e.data.dueAt, lastHeartbeatAt: e.data.lastHeartbeatAt }];
    case 'HeartbeatRestored':
      return ['heartbeat_restored', { incidentId: e.data.incidentId, receivedAt: e.data.receivedAt }];
    default: {
      const never: never = e;
      return never;
    }
  }
}
