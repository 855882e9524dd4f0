/** Gap and empty-shift detection over a window. */
import type { FinalShift, InstantInput, ScheduleDef, TimeInterval } from './schedule.types.js';
import { finalSchedule } from './final-schedule.js';

export interface ScheduleHoles {
  /** Time no shift covers. */
  gaps: TimeInterval[];
  /** Final shifts that win but have nobody in them (an empty rotation group, or iCal events whose users are unknown). */
  emptyShifts: FinalShift[];
}

export function findGaps(schedule: ScheduleDef, from: InstantInput, to: InstantInput): ScheduleHoles {
  const gaps: TimeInterval[] = [];
  const emptyShifts: FinalShift[] = [];
  for (const s of finalSchedule(schedule, from, to)) {
    if (s.gap) gaps.push({ start: s.start, end: s.end });
    else if (s.users.length === 0) emptyShifts.push(s);
  }
  return { gaps, emptyShifts };
}
