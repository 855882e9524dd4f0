import type { EntityManager } from 'typeorm';
import { isOneOf, SCHEDULE_EVENTS, type EventOf } from '@dozor/contracts';
import { writeAuditRow } from './audit-log.writer.js';

/** The schedule events this projection handles: every event on a schedule subject. */
export type ScheduleEvent = EventOf<(typeof SCHEDULE_EVENTS)[number]>;
export const isScheduleEvent = isOneOf(...SCHEDULE_EVENTS);

/**
 * Schedule events are configuration changes and user actions on a schedule:
 * each becomes one `audit_log` row with `target_type = 'schedule'` and the
 * schedule id as `target_id`. Keyed by log position like every audit row, so
 * a rebuild gives the same rows. The iCal text itself stays in the log; the
 * row carries its sha256 and size.
 */
export async function applyScheduleEvent(m: EntityManager, e: ScheduleEvent, at: { seq: number; idx: number }): Promise<void> {
  const [action, details] = auditOf(e);
  await writeAuditRow(m, e, at, { action, targetType: 'schedule', targetId: e.data.scheduleId, details });
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
    case 'ScheduleOverrideAdded':
      return ['schedule_override_added', { name: e.data.name, override: e.data.override }];
    case 'ScheduleOverrideDeleted':
      return ['schedule_override_deleted', { overrideId: e.data.overrideId }];
    default: {
      const never: never = e;
      return never;
    }
  }
}
