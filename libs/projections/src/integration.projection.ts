import type { EntityManager } from 'typeorm';
import type { EventOf } from '@dozor/contracts';

/** The integration events that are audited. */
export type IntegrationAuditEvent = EventOf<'IntegrationMaintenanceStarted' | 'IntegrationMaintenanceEnded' | 'HeartbeatMissed' | 'HeartbeatRestored'>;

/**
 * Maintenance and debug mode starting, stopping and expiring, and heartbeat
 * incidents: one `audit_log` row each, `target_type = 'integration'`, the
 * integration id as `target_id`, keyed by log position (a rebuild gives the
 * same rows). HeartbeatReceived is not audited (one per heartbeat).
 */
export async function applyIntegrationEvent(m: EntityManager, e: IntegrationAuditEvent, at: { seq: number; idx: number }): Promise<void> {
  const [action, details] = auditOf(e);
  await m.query(
    `INSERT INTO audit_log (seq, idx, occurred_at, actor, actor_id, source, action, target_type, target_id, details, event_id)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, 'integration', $8, $9::jsonb, $10)
     ON CONFLICT (seq, idx) DO NOTHING`,
    [at.seq, at.idx, e.metadata.occurredAt, json(e.metadata.actor), e.metadata.actor.id, e.metadata.source, action, e.data.integrationId, json(details), e.metadata.eventId].map(clean),
  );
}

function auditOf(e: IntegrationAuditEvent): [string, Record<string, unknown>] {
  switch (e.type) {
    case 'IntegrationMaintenanceStarted':
      return [`${e.data.mode}_started`, { maintenanceId: e.data.maintenanceId, until: e.data.until, durationSeconds: e.data.durationSeconds, origin: e.data.origin }];
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

/** Postgres text and jsonb cannot hold U+0000 (see alert-group.projection.ts). */
const json = (v: unknown): string => JSON.stringify(v).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1');
const clean = (p: unknown): unknown => (typeof p === 'string' ? p.replace(/\0/g, '') : p);
