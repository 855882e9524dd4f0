/** Readers for the schedule-only config values (the generic ones are contracts' config-reader); each failure is a ConfigFieldError at the exact path. */
import { describeValue, failAt, stringAt, type ConfigPath } from '@dozor/contracts';
import type { Weekday } from './schedule.types.js';
import { WEEKDAYS } from './schedule.types.js';
import { parseDateTimeText } from './local-time.js';
import { isValidTimeZone } from './zone-offsets.js';

/** A date-time: wall clock (`2024-01-01T09:00:00`) or an instant with `Z`/offset. A YAML timestamp (Date) counts as an instant. */
export function dateTimeAt(v: unknown, path: ConfigPath): string {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) failAt(path, 'invalid date');
    return v.toISOString();
  }
  if (typeof v !== 'string' || !parseDateTimeText(v)) {
    failAt(path, `expected a date-time such as 2024-01-01T09:00:00 (wall clock in time_zone) or 2024-01-01T08:00:00Z, got ${describeValue(v)}`);
  }
  return v.trim();
}

export function timeZoneAt(v: unknown, path: ConfigPath): string {
  const name = stringAt(v, path);
  if (!isValidTimeZone(name)) failAt(path, `unknown time zone '${name}' (expected an IANA name such as Europe/Berlin or UTC)`);
  return name;
}

export function weekdayAt(v: unknown, path: ConfigPath): Weekday {
  const s = typeof v === 'string' ? v.trim().toUpperCase() : '';
  if ((WEEKDAYS as readonly string[]).includes(s)) return s as Weekday;
  if (/^[+-]?\d+(MO|TU|WE|TH|FR|SA|SU)$/.test(s)) failAt(path, `ordinal weekdays such as '${String(v)}' are not supported; use MO, TU, WE, TH, FR, SA or SU`);
  return failAt(path, `bad weekday ${describeValue(v)} (expected MO, TU, WE, TH, FR, SA or SU)`);
}
