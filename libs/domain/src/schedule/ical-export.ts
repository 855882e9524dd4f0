/**
 * iCal export (RFC 5545) of the final schedule, through ical-generator. Each
 * final shift becomes one VEVENT per user (Grafana OnCall's convention, since a
 * SUMMARY names one user) with `SUMMARY:[L<n>] <username>`, the user's e-mail as
 * ATTENDEE when known, and `X-DOZOR-SOURCE:<kind>:<id>`. Times are UTC, so the
 * file needs no VTIMEZONE. Gaps and shifts with nobody are not exported.
 */
import ical from 'ical-generator';
import type { InstantInput, ScheduleDef } from './schedule.types.js';
import { toEpochMs } from './local-time.js';
import { finalSchedule } from './final-schedule.js';
import { type IcalUser, IcalUserDirectory } from './ical-users.js';

export interface IcalExportOptions {
  /** Export only this user's shifts: the per-user feed. */
  user?: string;
  /** Usernames and e-mails to write; without an entry a user is written by id. */
  users?: readonly IcalUser[];
  /** DTSTAMP of every event. Defaults to `from`: the domain reads no clock. */
  stamp?: InstantInput;
  /** Calendar name (X-WR-CALNAME). Defaults to the schedule name, or `Dozor on-call` for several schedules. */
  name?: string;
}

export function exportIcal(schedules: ScheduleDef | readonly ScheduleDef[], from: InstantInput, to: InstantInput, options: IcalExportOptions = {}): string {
  const list: readonly ScheduleDef[] = Array.isArray(schedules) ? schedules : [schedules as ScheduleDef];
  const dir = new IcalUserDirectory(options.users ?? []);
  const stamp = new Date(toEpochMs(options.stamp ?? from));
  const name = options.name ?? (list.length === 1 ? list[0]!.name : 'Dozor on-call');
  const cal = ical({ name, prodId: { company: 'dozor', product: 'dozor-scheduler' } });
  for (const schedule of list) {
    for (const shift of finalSchedule(schedule, from, to)) {
      if (shift.gap || !shift.source) continue;
      const source = shift.source;
      const users = options.user === undefined ? shift.users : shift.users.filter((u) => u === options.user);
      for (const userId of users) {
        const user = dir.get(userId);
        const username = user?.username ?? userId;
        cal.createEvent({
          id: `${schedule.id}-${compact(shift.start)}-${userId}@dozor`,
          start: new Date(shift.start),
          end: new Date(shift.end),
          stamp,
          summary: `${source.level > 0 ? `[L${source.level}] ` : ''}${username}`,
          description: `On call in ${schedule.name} (${source.kind} ${source.id})`,
          attendees: user?.email ? [{ email: user.email, name: username }] : [],
          x: [
            ['X-DOZOR-SCHEDULE', schedule.id],
            ['X-DOZOR-SOURCE', `${source.kind}:${source.id}`],
          ],
        });
      }
    }
  }
  return cal.toString();
}

function compact(iso: string): string {
  return iso.replace(/[-:]/g, '').replace('.000', '');
}
