import type { EntityManager } from 'typeorm';
import type { EventOf } from '@dozor/contracts';

/** The schedule events this projection handles. */
export type ScheduleEvent = EventOf<
  'ScheduleConfigured' | 'ScheduleRemoved' | 'ScheduleIcalImported' | 'ShiftSwapRequested' | 'ShiftSwapTaken' | 'ShiftSwapDeleted'
>;

/**
 * Schedule events are configuration changes and user actions on a schedule:
 * each becomes one `audit_log` row with `target_type = 'schedule'` and the
 * schedule id as `target_id`. Keyed by log position like every audit row, so
 * a rebuild gives the same rows. The iCal text itself stays in the log; the
 * row carries its sha256 and size.
 */
export async function applyScheduleEvent(m: EntityManager, e: ScheduleEvent, at: { seq: number; idx: number }): Promise<void> {
  const [action, details] = auditOf(e);
  await m.query(
    `INSERT INTO audit_log (seq, idx, occurred_at, actor, actor_id, source, action, target_type, target_id, details, event_id)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, 'schedule', $8, $9::jsonb, $10)
     ON CONFLICT (seq, idx) DO NOTHING`,
    [at.seq, at.idx, e.metadata.occurredAt, json(e.metadata.actor), e.metadata.actor.id, e.metadata.source, action, e.data.scheduleId, json(details), e.metadata.eventId].map(clean),
  );
}

function auditOf(e: ScheduleEvent): [string, Record<string, unknown>] {
  switch (e.type) {
    case 'ScheduleConfigured':
      return ['schedule_configured', { change: e.data.change, definitionSha256: e.data.definitionSha256, origin: e.data.origin }];
    case 'ScheduleRemoved':
      return ['schedule_removed', { origin: e.data.origin }];
    case 'ScheduleIcalImported':
      return ['schedule_ical_imported', { feed: e.data.feed, origin: e.data.origin, sha256: e.data.sha256, bytes: e.data.ics.length }];
    case 'ShiftSwapRequested':
      return ['shift_swap_requested', { swapId: e.data.swapId, beneficiary: e.data.beneficiary, swapStart: e.data.swapStart, swapEnd: e.data.swapEnd }];
    case 'ShiftSwapTaken':
      return ['shift_swap_taken', { swapId: e.data.swapId, beneficiary: e.data.beneficiary, benefactor: e.data.benefactor, overrides: e.data.overrides }];
    case 'ShiftSwapDeleted':
      return ['shift_swap_deleted', { swapId: e.data.swapId }];
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** Postgres text and jsonb cannot hold U+0000 (see alert-group.projection.ts). */
const json = (v: unknown): string => JSON.stringify(v).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1');
const clean = (p: unknown): unknown => (typeof p === 'string' ? p.replace(/\0/g, '') : p);
