/**
 * Expanding a rotation (layer) into shifts. Recurrence is computed on the wall
 * clock of the rotation's zone and each boundary is then mapped to an instant,
 * so a 09:00-18:00 shift stays 09:00-18:00 local time across DST.
 *
 * Turns follow Grafana OnCall:
 *  - hourly, and daily without by_day: each occurrence slot is a turn (a slot
 *    masked by by_month/by_monthday still uses up its turn);
 *  - daily with by_day: every day matching by_day is a shift, and each group
 *    keeps `interval` consecutive matching days;
 *  - weekly and monthly: a turn is `interval` weeks (aligned on week_start) or
 *    months; every matching day inside that period belongs to the same group.
 *
 * A `start` written as an instant (with `Z` or an offset) is that instant, even
 * inside a repeated hour where the wall clock alone would pick the first
 * occurrence; later occurrences follow the wall-clock rules.
 */
import type { RotationDef } from './schedule.types.js';
import { DAY, HOUR, civilOfDay, dayOf, daysInMonth, weekdayIndex, weekdayOfDay } from './local-time.js';
import { zoneClock, type ZoneClock } from './zone-offsets.js';
import { localOfText, instantOfText, writtenInstant } from './date-text.js';

/** A shift before layers are resolved, in epoch ms. */
export interface RawShift {
  s: number;
  e: number;
  users: string[];
  kind: 'rotation' | 'single' | 'override';
  id: string;
  level: number;
  /** 1 for overrides, 0 for layers and single shifts. */
  tier: 0 | 1;
  groupIndex: number | null;
  /** Order of collection, for deterministic tie-breaks. */
  seq: number;
}

interface DayFilter {
  months: boolean[] | null; // index 1..12
  monthdays: number[] | null;
  weekdays: boolean[] | null; // index 0..6, MO..SU
}

export function expandRotation(rot: RotationDef, fromMs: number, toMs: number, out: RawShift[]): void {
  const groups = rot.rollingUsers;
  const n = groups.length;
  if (n === 0) return;
  const clock = zoneClock(rot.timeZone);
  clock.cover(fromMs, toMs);
  const startLocal = localOfText(rot.start, clock);
  const startInstant = writtenInstant(rot.start);
  let lower = fromMs;
  let upper = toMs;
  if (rot.rotationStart !== null) lower = Math.max(lower, instantOfText(rot.rotationStart, clock));
  if (rot.until !== null) upper = Math.min(upper, instantOfText(rot.until, clock));
  if (lower >= upper) return;
  const durMs = rot.duration * 1000;
  const lo = clock.toLocal(lower) - durMs - DAY;
  const hi = clock.toLocal(upper) + DAY;
  const first = ((rot.startRotationFromUserIndex % n) + n) % n;
  const interval = Math.max(1, Math.floor(rot.interval));

  const emit = (local: number, turn: number): void => {
    const pinned = startInstant !== null && local === startLocal;
    const at = pinned ? startInstant : clock.toInstant(local);
    const s = Math.max(at, lower);
    const e = Math.min(endInstant(clock, local + durMs, at), upper);
    if (s >= e) return;
    const g = (turn + first) % n;
    out.push({ s, e, users: groups[g]!, kind: 'rotation', id: rot.id, level: rot.level, tier: 0, groupIndex: g, seq: 0 });
  };
  const filter = dayFilter(rot);

  switch (rot.frequency) {
    case 'hourly':
      return hourly(startLocal, interval, lo, hi, filter, emit);
    case 'daily':
      return filter.weekdays ? dailyByDay(startLocal, interval, lo, hi, filter, emit) : daily(startLocal, interval, lo, hi, filter, emit);
    case 'weekly':
      return weekly(rot, startLocal, interval, lo, hi, filter, emit);
    case 'monthly':
      return monthly(startLocal, interval, lo, hi, filter, emit);
    default: {
      const never: never = rot.frequency;
      throw new Error(`unknown frequency ${String(never)}`);
    }
  }
}

type Emit = (local: number, turn: number) => void;

/** A shift's end on the wall clock; when the start is the second occurrence of a repeated time, so may the end be. */
function endInstant(clock: ZoneClock, endLocal: number, startMs: number): number {
  const e = clock.toInstant(endLocal);
  return e > startMs ? e : clock.toInstant(endLocal, 'second');
}

function dayFilter(rot: RotationDef): DayFilter {
  let months: boolean[] | null = null;
  if (rot.byMonth.length) {
    months = new Array<boolean>(13).fill(false);
    for (const m of rot.byMonth) months[m] = true;
  }
  let weekdays: boolean[] | null = null;
  if (rot.byDay.length) {
    weekdays = new Array<boolean>(7).fill(false);
    for (const d of rot.byDay) weekdays[weekdayIndex(d)] = true;
  }
  return { months, monthdays: rot.byMonthday.length ? rot.byMonthday : null, weekdays };
}

function monthdayMatches(monthdays: number[], year: number, month: number, dom: number): boolean {
  const len = daysInMonth(year, month);
  for (const md of monthdays) if ((md > 0 ? md : len + 1 + md) === dom) return true;
  return false;
}

/** by_month and by_monthday (and by_day when `withWeekdays`) as limits on one day. */
function dayPasses(f: DayFilter, day: number, withWeekdays: boolean): boolean {
  if (withWeekdays && f.weekdays && !f.weekdays[weekdayOfDay(day)]) return false;
  if (!f.months && !f.monthdays) return true;
  const c = civilOfDay(day);
  if (f.months && !f.months[c.month]) return false;
  if (f.monthdays && !monthdayMatches(f.monthdays, c.year, c.month, c.day)) return false;
  return true;
}

function hourly(start: number, interval: number, lo: number, hi: number, f: DayFilter, emit: Emit): void {
  const step = interval * HOUR;
  let k = Math.max(0, Math.ceil((lo - start) / step));
  let cachedDay = NaN;
  let cachedOk = true;
  for (; ; k++) {
    const local = start + k * step;
    if (local > hi) return;
    const d = dayOf(local);
    if (d !== cachedDay) {
      cachedDay = d;
      cachedOk = dayPasses(f, d, true);
    }
    if (cachedOk) emit(local, k);
  }
}

function daily(start: number, interval: number, lo: number, hi: number, f: DayFilter, emit: Emit): void {
  const d0 = dayOf(start);
  const tod = start - d0 * DAY;
  let k = Math.max(0, Math.ceil((dayOf(lo) - d0) / interval));
  for (; ; k++) {
    const d = d0 + k * interval;
    const local = d * DAY + tod;
    if (local > hi) return;
    if (local < lo || !dayPasses(f, d, false)) continue;
    emit(local, k);
  }
}

function countWeekdays(mask: boolean[], fromDay: number, toDay: number): number {
  if (toDay <= fromDay) return 0;
  let perWeek = 0;
  for (const b of mask) if (b) perWeek++;
  const span = toDay - fromDay;
  let count = Math.floor(span / 7) * perWeek;
  for (let d = fromDay + Math.floor(span / 7) * 7; d < toDay; d++) if (mask[weekdayOfDay(d)]) count++;
  return count;
}

function dailyByDay(start: number, interval: number, lo: number, hi: number, f: DayFilter, emit: Emit): void {
  const mask = f.weekdays!;
  const d0 = dayOf(start);
  const tod = start - d0 * DAY;
  let d = Math.max(d0, dayOf(lo));
  let j = countWeekdays(mask, d0, d);
  for (; ; d++) {
    const local = d * DAY + tod;
    if (local > hi) return;
    if (!mask[weekdayOfDay(d)]) continue;
    if (local >= lo && dayPasses(f, d, false)) emit(local, Math.floor(j / interval));
    j++;
  }
}

function weekly(rot: RotationDef, start: number, interval: number, lo: number, hi: number, f: DayFilter, emit: Emit): void {
  const ws = weekdayIndex(rot.weekStart);
  const weekFirstDay = (d: number): number => d - ((weekdayOfDay(d) - ws + 7) % 7);
  const d0 = dayOf(start);
  const tod = start - d0 * DAY;
  const mask = f.weekdays ?? maskOf(weekdayOfDay(d0));
  const base = weekFirstDay(d0);
  let w = Math.max(0, Math.floor((weekFirstDay(dayOf(lo)) - base) / 7));
  w -= w % interval;
  for (; ; w += interval) {
    const firstDay = base + w * 7;
    if (firstDay * DAY + tod > hi) return;
    for (let i = 0; i < 7; i++) {
      const d = firstDay + i;
      if (!mask[weekdayOfDay(d)]) continue;
      const local = d * DAY + tod;
      if (local < start || local < lo || local > hi || !dayPasses(f, d, false)) continue;
      emit(local, w / interval);
    }
  }
}

function maskOf(weekday: number): boolean[] {
  const m = new Array<boolean>(7).fill(false);
  m[weekday] = true;
  return m;
}

function monthly(start: number, interval: number, lo: number, hi: number, f: DayFilter, emit: Emit): void {
  const d0 = dayOf(start);
  const tod = start - d0 * DAY;
  const c0 = civilOfDay(d0);
  const idx0 = c0.year * 12 + c0.month - 1;
  const cLo = civilOfDay(dayOf(lo));
  let mi = Math.max(0, cLo.year * 12 + cLo.month - 1 - idx0);
  mi -= mi % interval;
  for (; ; mi += interval) {
    const idx = idx0 + mi;
    const year = Math.floor(idx / 12);
    const month = (idx % 12) + 1;
    const firstDay = Date.UTC(year, month - 1, 1) / DAY;
    if (firstDay * DAY + tod > hi) return;
    if (f.months && !f.months[month]) continue;
    for (const dom of monthDays(f, year, month, c0.day)) {
      const local = (firstDay + dom - 1) * DAY + tod;
      if (local < start || local < lo || local > hi) continue;
      emit(local, mi / interval);
    }
  }
}

/** Days of the month a monthly rotation uses, ascending. */
function monthDays(f: DayFilter, year: number, month: number, startDom: number): number[] {
  const len = daysInMonth(year, month);
  const firstWeekday = weekdayOfDay(Date.UTC(year, month - 1, 1) / DAY);
  const weekdayOk = (dom: number): boolean => !f.weekdays || f.weekdays[(firstWeekday + dom - 1) % 7]!;
  if (f.monthdays) {
    const days = new Set<number>();
    for (const md of f.monthdays) {
      const dom = md > 0 ? md : len + 1 + md;
      if (dom >= 1 && dom <= len && weekdayOk(dom)) days.add(dom);
    }
    return [...days].sort((a, b) => a - b);
  }
  if (f.weekdays) {
    const days: number[] = [];
    for (let dom = 1; dom <= len; dom++) if (weekdayOk(dom)) days.push(dom);
    return days;
  }
  return startDom <= len ? [startDom] : [];
}
