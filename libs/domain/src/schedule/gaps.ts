/**
 * Gap and empty-shift detection over a window, as OnCall's
 * `check_gaps_and_empty_shifts_for_next_days` reports them: gaps come from the
 * final schedule, empty shifts from every shift before layers are resolved.
 */
import type { InstantInput, LayerShift, ScheduleDef, TimeInterval } from './schedule.types.js';
import { expandShifts, finalSchedule } from './final-schedule.js';

export interface ScheduleHoles {
  /** Time no shift covers. An empty shift covers time too: nobody is on call then, but it is not a gap. */
  gaps: TimeInterval[];
  /**
   * Shifts with nobody in them (an empty rotation group, iCal events whose users are unknown), clipped to
   * the window, even where a lower level with users shows through them.
   */
  emptyShifts: LayerShift[];
}

export function findGaps(schedule: ScheduleDef, from: InstantInput, to: InstantInput): ScheduleHoles {
  const gaps: TimeInterval[] = [];
  for (const s of finalSchedule(schedule, from, to)) if (s.gap) gaps.push({ start: s.start, end: s.end });
  const emptyShifts = expandShifts(schedule, from, to).filter((s) => s.users.length === 0);
  return { gaps, emptyShifts };
}
