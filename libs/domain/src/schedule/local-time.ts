/**
 * Wall-clock arithmetic. A "local" value is a wall-clock date-time encoded as
 * milliseconds since 1970-01-01T00:00 of the same wall clock, so calendar maths
 * is plain UTC maths and never sees an offset.
 */
import type { InstantInput, Weekday } from './schedule.types.js';
import { WEEKDAYS } from './schedule.types.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface ParsedDateTime {
  /** Wall-clock value as written. */
  local: number;
  /** The written offset in ms, or null when the text is wall-clock time. */
  offset: number | null;
}

/** Parse `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`; null when malformed or not a real calendar date. */
export function parseDateTimeText(text: string): ParsedDateTime | null {
  const m = DATE_TIME_RE.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] ? Number(m[6]) : 0;
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const tz = m[8];
  if (!tz) return { local, offset: null };
  if (tz === 'Z' || tz === 'z') return { local, offset: 0 };
  const sign = tz[0] === '-' ? -1 : 1;
  const digits = tz.slice(1).replace(':', '');
  const oh = Number(digits.slice(0, 2));
  const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (oh > 18 || om > 59) return null;
  return { local, offset: sign * (oh * HOUR + om * MINUTE) };
}

/** An instant in epoch ms. Text must carry `Z` or an offset: a bare wall-clock time is not an instant. */
export function toEpochMs(input: InstantInput): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new RangeError(`not an instant: ${input}`);
    return input;
  }
  if (input instanceof Date) {
    const t = input.getTime();
    if (Number.isNaN(t)) throw new RangeError('not an instant: invalid Date');
    return t;
  }
  const p = parseDateTimeText(input);
  if (!p) throw new RangeError(`not an instant: '${input}'`);
  if (p.offset === null) throw new RangeError(`not an instant: '${input}' has no Z or UTC offset`);
  return p.local - p.offset;
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day number (days since 1970-01-01) of a local value. */
export function dayOf(local: number): number {
  return Math.floor(local / DAY);
}

/** 0 = Monday .. 6 = Sunday. 1970-01-01 was a Thursday. */
export function weekdayOfDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function weekdayIndex(w: Weekday): number {
  return WEEKDAYS.indexOf(w);
}

/** The civil date of a day number. */
export function civilOfDay(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Wall-clock text of a local value, `YYYY-MM-DDTHH:MM:SS`. */
export function localText(local: number): string {
  return new Date(local).toISOString().slice(0, 19);
}
