import type { EntityManager } from 'typeorm';
import type { DozorEvent } from '@dozor/contracts';

/**
 * Postgres text and jsonb cannot hold U+0000. A NUL in a payload would fail the
 * commit on every retry and stop the projection, so it is dropped (the log
 * keeps the original).
 */
export const pgJson = (v: unknown): string => JSON.stringify(v).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1');
const clean = (params: unknown[]): unknown[] => params.map((p) => (typeof p === 'string' ? p.replace(/\0/g, '') : p));

/** Every projection statement goes through here, so that no parameter carries a NUL. */
export function pgQuery(m: EntityManager, sql: string, params: unknown[]): Promise<unknown[]> {
  return m.query(sql, clean(params)) as Promise<unknown[]>;
}

export type AuditTarget = 'alert_group' | 'integration' | 'schedule' | 'user';

/**
 * One audit_log row for an event: actor, source and time from its metadata,
 * keyed by log position (seq, index in commit), so a rebuild gives the same
 * rows and replaying a commit twice writes one.
 */
export async function writeAuditRow(
  m: EntityManager,
  e: DozorEvent,
  at: { seq: number; idx: number },
  row: { action: string; targetType: AuditTarget; targetId: string; details: Record<string, unknown> },
): Promise<void> {
  await pgQuery(
    m,
    `INSERT INTO audit_log (seq, idx, occurred_at, actor, actor_id, source, action, target_type, target_id, details, event_id)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10::jsonb, $11)
     ON CONFLICT (seq, idx) DO NOTHING`,
    [
      at.seq,
      at.idx,
      e.metadata.occurredAt,
      pgJson(e.metadata.actor),
      e.metadata.actor.id,
      e.metadata.source,
      row.action,
      row.targetType,
      row.targetId,
      pgJson(row.details),
      e.metadata.eventId,
    ],
  );
}
