/**
 * The schedule model. It follows Grafana OnCall's on-call shifts field by field
 * (`frequency`, `interval`, `by_day`, `rolling_users`, ...) so that a schedule
 * translates one-to-one; names are camelCase here and snake_case in dozor.yaml.
 *
 * Date-times are ISO-8601 text. Without an offset (`2024-03-31T09:00:00`) a
 * date-time is wall-clock time in the item's `timeZone`; with `Z` or `±hh:mm`
 * it is an absolute instant, and stays that instant even inside a repeated hour.
 */

export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
export const WEEKDAYS: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

export type Frequency = 'hourly' | 'daily' | 'weekly' | 'monthly';
export const FREQUENCIES: readonly Frequency[] = ['hourly', 'daily', 'weekly', 'monthly'];

/** `YYYY-MM-DDTHH:MM[:SS[.fff]]`, optionally followed by `Z` or `±HH:MM`. */
export type DateTimeText = string;

/** An instant: ISO-8601 text with `Z` or an offset, epoch milliseconds, or a Date. */
export type InstantInput = string | number | Date;

/** A layer of a schedule: user groups taking turns on a recurrence. */
export interface RotationDef {
  id: string;
  name: string;
  frequency: Frequency;
  /** Every `interval` hours, days, weeks or months. */
  interval: number;
  /** The first shift's start, wall clock in `timeZone` or an instant. Turns are counted from here. */
  start: DateTimeText;
  /** Length of each shift in seconds, added on the wall clock. */
  duration: number;
  /** Shifts (or the parts of them) before this are not on call. Null: from `start`. */
  rotationStart: DateTimeText | null;
  /** No shift starts at or after this, and a shift running into it ends there. */
  until: DateTimeText | null;
  /** Weekday mask. Empty: no mask (weekly falls back to the weekday of `start`). */
  byDay: Weekday[];
  /** Months 1..12. Empty: every month. */
  byMonth: number[];
  /** Days of the month 1..31 or -31..-1 (from the end). Empty: no mask. */
  byMonthday: number[];
  /** The first day of a week, for weekly rotations. OnCall's default is SU. */
  weekStart: Weekday;
  /** User groups that take turns. Every member of the group on duty is on call. */
  rollingUsers: string[][];
  /** The group that takes the first turn. */
  startRotationFromUserIndex: number;
  /** IANA zone name. */
  timeZone: string;
  /** Layer priority: higher wins. */
  level: number;
}

/** One shift that does not repeat (OnCall's single event). */
export interface SingleShiftDef {
  id: string;
  name: string;
  start: DateTimeText;
  /** Seconds: added on the wall clock in `timeZone` to a wall-clock start, real seconds after an instant start. */
  duration: number;
  users: string[];
  timeZone: string;
  level: number;
}

/** An override beats every layer. Among overlapping overrides the higher level wins; equal levels share the time. */
export interface OverrideDef {
  id: string;
  start: DateTimeText;
  /** Seconds: added on the wall clock in `timeZone` to a wall-clock start, real seconds after an instant start. */
  duration: number;
  users: string[];
  timeZone: string;
  level: number;
}

/** Where an `ical` schedule reads its shifts; the scheduler service does the fetching. */
export interface IcalSourceDef {
  url: string | null;
  file: string | null;
  overridesUrl: string | null;
  overridesFile: string | null;
  /** How often URLs are fetched again, in seconds. */
  refreshSeconds: number;
}

export type ScheduleType = 'calendar' | 'ical';

export interface ScheduleDef {
  id: string;
  name: string;
  type: ScheduleType;
  /** Default zone for rotations, single shifts and overrides that name none. */
  timeZone: string;
  rotations: RotationDef[];
  singles: SingleShiftDef[];
  overrides: OverrideDef[];
  ical: IcalSourceDef | null;
}

export type ShiftKind = 'rotation' | 'single' | 'override';

export interface ShiftSource {
  kind: ShiftKind;
  id: string;
  level: number;
}

/** A shift of one layer, override or single event, before layers are resolved. */
export interface LayerShift {
  start: string;
  end: string;
  users: string[];
  source: ShiftSource;
  /** Index into `rollingUsers` of the group on duty (rotations only). */
  groupIndex: number | null;
}

/** A piece of the final schedule. Gaps carry `gap: true`, no users and no source. */
export interface FinalShift {
  start: string;
  end: string;
  users: string[];
  source: ShiftSource | null;
  gap?: boolean;
}

export interface TimeInterval {
  start: string;
  end: string;
}
