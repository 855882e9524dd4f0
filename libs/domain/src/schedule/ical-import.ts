/**
 * iCal import through ical.js: VEVENTs with RRULE, RDATE, EXDATE and
 * RECURRENCE-ID exceptions, expanded over a window into single shifts (or
 * overrides). `[L<n>]` at the start of SUMMARY gives the level. Users are
 * matched by username or e-mail, case-insensitively, from SUMMARY (the whole
 * text, then each word), ATTENDEE and a one-line DESCRIPTION.
 *
 * Times with an IANA TZID (or X-WR-TIMEZONE for floating and all-day times) use
 * Dozor's DST rules; other TZIDs use the file's VTIMEZONE. The length of a
 * recurring event is applied on the wall clock when DTSTART and DTEND share a
 * zone, so a daily 09:00-09:00 event does not overlap itself after a DST change.
 */
import ICAL from 'ical.js';
import type { InstantInput, OverrideDef, ScheduleDef, SingleShiftDef } from './schedule.types.js';
import { DAY, isoOf, toEpochMs } from './local-time.js';
import { type ZoneClock, isValidTimeZone, zoneClock } from './zone-offsets.js';
import { type IcalUser, IcalUserDirectory, LEVEL_PREFIX_RE } from './ical-users.js';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;
type Time = InstanceType<typeof ICAL.Time>;
type Timezone = InstanceType<typeof ICAL.Timezone>;
type Recur = InstanceType<typeof ICAL.Recur>;

export interface IcalImportOptions {
  users: readonly IcalUser[];
  /** Recurring events are expanded over [from, to). */
  from: InstantInput;
  to: InstantInput;
  /** Every event is an override (Grafana OnCall's ical_url_overrides). Otherwise only events exported as overrides are. */
  overrides?: boolean;
  /** Zone of floating and all-day times. Default: X-WR-TIMEZONE, else UTC. */
  timeZone?: string;
}

export interface IcalUnmatched {
  uid: string;
  summary: string;
  start: string;
  /** The names and e-mails that matched nobody. */
  names: string[];
}

export interface IcalImportResult {
  shifts: SingleShiftDef[];
  overrides: OverrideDef[];
  /** Events none of whose users could be matched. Their shifts are kept, with no users (empty shifts). */
  unmatched: IcalUnmatched[];
  warnings: string[];
}

export class IcalImportError extends Error {}

const MAX_OCCURRENCES_PER_EVENT = 100_000;

type ZoneSpec = { kind: 'utc' } | { kind: 'iana'; clock: ZoneClock } | { kind: 'vtimezone'; tz: Timezone };

interface Ctx {
  dir: IcalUserDirectory;
  fromMs: number;
  toMs: number;
  allOverrides: boolean;
  floating: ZoneSpec;
  vtimezones: Map<string, Timezone>;
  result: IcalImportResult;
}

export function importIcal(text: string, options: IcalImportOptions): IcalImportResult {
  let root: Component;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (e) {
    throw new IcalImportError(`not an iCalendar file: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (root.name !== 'vcalendar') throw new IcalImportError(`expected VCALENDAR, got ${root.name.toUpperCase()}`);
  const result: IcalImportResult = { shifts: [], overrides: [], unmatched: [], warnings: [] };
  const vtimezones = new Map<string, Timezone>();
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tzid = vtz.getFirstPropertyValue('tzid');
    if (typeof tzid === 'string') vtimezones.set(tzid, new ICAL.Timezone({ component: vtz, tzid }));
  }
  const wr = root.getFirstPropertyValue('x-wr-timezone');
  const floatingName = options.timeZone ?? (typeof wr === 'string' && isValidTimeZone(wr) ? wr : 'UTC');
  const ctx: Ctx = {
    dir: new IcalUserDirectory(options.users),
    fromMs: toEpochMs(options.from),
    toMs: toEpochMs(options.to),
    allOverrides: options.overrides === true,
    floating: specOfName(floatingName),
    vtimezones,
    result,
  };

  const events = root.getAllSubcomponents('vevent');
  // RECURRENCE-ID exceptions replace single occurrences of their master.
  const replaced = new Map<string, Set<number>>();
  for (const ev of events) {
    const rid = ev.getFirstProperty('recurrence-id');
    if (!rid) continue;
    const uid = String(ev.getFirstPropertyValue('uid') ?? '');
    const at = instantOfProperty(rid, ctx);
    if (at === null) continue;
    let set = replaced.get(uid);
    if (!set) replaced.set(uid, (set = new Set()));
    set.add(at);
  }
  for (const ev of events) importEvent(ev, ctx, replaced);
  return result;
}

/** The schedule with imported shifts added: primary shifts become single shifts, override shifts overrides. */
export function withIcalShifts(schedule: ScheduleDef, ...imports: IcalImportResult[]): ScheduleDef {
  return {
    ...schedule,
    singles: [...schedule.singles, ...imports.flatMap((r) => r.shifts)],
    overrides: [...schedule.overrides, ...imports.flatMap((r) => r.overrides)],
  };
}

function specOfName(name: string): ZoneSpec {
  if (name === 'UTC' || name === 'Etc/UTC' || name === 'GMT') return { kind: 'utc' };
  return { kind: 'iana', clock: zoneClock(name) };
}

function importEvent(ev: Component, ctx: Ctx, replaced: Map<string, Set<number>>): void {
  const uid = String(ev.getFirstPropertyValue('uid') ?? '');
  const status = String(ev.getFirstPropertyValue('status') ?? '').toUpperCase();
  if (status === 'CANCELLED') return;
  const dtstart = ev.getFirstProperty('dtstart');
  const start = dtstart?.getFirstValue();
  if (!dtstart || !(start instanceof ICAL.Time)) {
    warn(ctx, `event ${uid || '(no UID)'} has no DTSTART; skipped`);
    return;
  }
  const zone = zoneOfProperty(dtstart, start, ctx);
  const startLocal = localOf(start);
  const wallLength = lengthOf(ev, start, zone, startLocal, ctx);
  if (wallLength === null || wallLength <= 0) return;

  const summary = String(ev.getFirstPropertyValue('summary') ?? '');
  const levelMatch = LEVEL_PREFIX_RE.exec(summary);
  const level = levelMatch ? Math.max(0, Number(levelMatch[1])) : 0;
  const { users, unmatched } = usersOf(ev, summary, ctx);
  const sourceTag = String(ev.getFirstPropertyValue('x-dozor-source') ?? '');
  const isOverride = ctx.allOverrides || sourceTag.startsWith('override:');

  const starts: number[] = [];
  const rrule = ev.getFirstPropertyValue('rrule');
  const isException = ev.getFirstProperty('recurrence-id') !== null;
  if (rrule instanceof ICAL.Recur && !isException) {
    expandRule(rrule, start, zone, wallLength, ctx, uid, starts);
    for (const p of ev.getAllProperties('rdate')) {
      for (const v of p.getValues()) if (v instanceof ICAL.Time) starts.push(localOf(v));
    }
  } else {
    starts.push(startLocal);
  }
  const excluded = new Set<number>(isException ? [] : (replaced.get(uid) ?? []));
  for (const p of ev.getAllProperties('exdate')) {
    for (const v of p.getValues()) {
      if (v instanceof ICAL.Time) excluded.add(toInstant(localOf(v), zoneOfProperty(p, v, ctx)));
    }
  }
  const recurring = starts.length > 1 || rrule instanceof ICAL.Recur;
  for (const local of [...new Set(starts)].sort((a, b) => a - b)) {
    const s = toInstant(local, zone);
    if (excluded.has(s)) continue;
    const e = toInstant(local + wallLength, zone);
    if (e <= ctx.fromMs || s >= ctx.toMs || e <= s) continue;
    const id = recurring ? `${uid}@${isoOf(s)}` : uid || `ical-${isoOf(s)}`;
    const def = { id, start: isoOf(s), duration: (e - s) / 1000, users, timeZone: 'UTC', level };
    if (isOverride) ctx.result.overrides.push(def);
    else ctx.result.shifts.push({ ...def, name: summary });
    if (unmatched.length && users.length === 0) ctx.result.unmatched.push({ uid, summary, start: isoOf(s), names: unmatched });
  }
}

function expandRule(rule: Recur, start: Time, zone: ZoneSpec, wallLength: number, ctx: Ctx, uid: string, out: number[]): void {
  const recur = rule.clone();
  if (recur.until && !recur.until.isDate && recur.until.zone?.tzid === 'UTC') {
    recur.until = floatingOf(toLocal(recur.until.toUnixTime() * 1000, zone), false);
  }
  const it = recur.iterator(floatingOf(localOf(start), start.isDate));
  const stopLocal = toLocal(ctx.toMs, zone) + DAY;
  const skipBelow = toLocal(ctx.fromMs, zone) - wallLength - DAY;
  for (let i = 0; ; i++) {
    if (i >= MAX_OCCURRENCES_PER_EVENT) {
      warn(ctx, `event ${uid}: stopped after ${MAX_OCCURRENCES_PER_EVENT} occurrences`);
      return;
    }
    const next = it.next();
    if (!next) return;
    const local = localOf(next);
    if (local > stopLocal) return;
    if (local >= skipBelow) out.push(local);
  }
}

/** Wall-clock length in ms: DTEND - DTSTART on the wall clock (same zone), DURATION, or one day for an all-day event. */
function lengthOf(ev: Component, start: Time, zone: ZoneSpec, startLocal: number, ctx: Ctx): number | null {
  const dtend = ev.getFirstProperty('dtend');
  const end = dtend?.getFirstValue();
  if (dtend && end instanceof ICAL.Time) {
    const endZone = zoneOfProperty(dtend, end, ctx);
    if (sameZone(zone, endZone)) return localOf(end) - startLocal;
    return toInstant(localOf(end), endZone) - toInstant(startLocal, zone);
  }
  const duration = ev.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) return duration.toSeconds() * 1000;
  return start.isDate ? DAY : null;
}

function sameZone(a: ZoneSpec, b: ZoneSpec): boolean {
  if (a.kind === 'utc' || b.kind === 'utc') return a.kind === b.kind;
  if (a.kind === 'iana' && b.kind === 'iana') return a.clock === b.clock;
  if (a.kind === 'vtimezone' && b.kind === 'vtimezone') return a.tz === b.tz;
  return false;
}

function usersOf(ev: Component, summary: string, ctx: Ctx): { users: string[]; unmatched: string[] } {
  const found = new Set<string>();
  const misses: string[] = [];
  const tryName = (name: string): boolean => {
    const u = ctx.dir.match(name);
    if (u) found.add(u.id);
    return u !== undefined;
  };
  const body = summary.replace(LEVEL_PREFIX_RE, '').trim();
  if (body && !tryName(body)) {
    for (const word of body.split(/[\s,;]+/)) if (word && !tryName(word)) misses.push(word);
  }
  for (const p of ev.getAllProperties('attendee')) {
    const value = String(p.getFirstValue() ?? '');
    const cn = p.getParameter('cn');
    if (!tryName(value) && !(typeof cn === 'string' && tryName(cn))) misses.push(value.replace(/^mailto:/i, ''));
  }
  const description = String(ev.getFirstPropertyValue('description') ?? '').trim();
  if (found.size === 0 && description && !description.includes('\n')) tryName(description);
  return { users: [...found], unmatched: found.size ? [] : misses };
}

function zoneOfProperty(prop: Property, t: Time, ctx: Ctx): ZoneSpec {
  if (t.isDate) return ctx.floating;
  if (t.zone?.tzid === 'UTC') return { kind: 'utc' };
  const tzid = prop.getParameter('tzid');
  if (typeof tzid !== 'string' || tzid === '') return ctx.floating;
  if (isValidTimeZone(tzid)) return specOfName(tzid);
  const vtz = ctx.vtimezones.get(tzid);
  if (vtz) return { kind: 'vtimezone', tz: vtz };
  // e.g. /mozilla.org/20050126_1/Europe/Berlin
  const parts = tzid.split('/');
  for (let i = 1; i < parts.length - 1; i++) {
    const candidate = parts.slice(i).join('/');
    if (isValidTimeZone(candidate)) return specOfName(candidate);
  }
  warn(ctx, `unknown TZID '${tzid}': read as ${zoneName(ctx.floating)}`);
  return ctx.floating;
}

function warn(ctx: Ctx, message: string): void {
  if (!ctx.result.warnings.includes(message)) ctx.result.warnings.push(message);
}

function zoneName(z: ZoneSpec): string {
  switch (z.kind) {
    case 'utc':
      return 'UTC';
    case 'iana':
      return z.clock.name;
    case 'vtimezone':
      return z.tz.tzid;
    default: {
      const never: never = z;
      return String(never);
    }
  }
}

function instantOfProperty(prop: Property, ctx: Ctx): number | null {
  const v = prop.getFirstValue();
  if (!(v instanceof ICAL.Time)) return null;
  return toInstant(localOf(v), zoneOfProperty(prop, v, ctx));
}

/** Wall-clock value of an ICAL.Time's fields. */
function localOf(t: Time): number {
  return t.isDate ? Date.UTC(t.year, t.month - 1, t.day) : Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

function floatingOf(local: number, isDate: boolean): Time {
  const d = new Date(local);
  return ICAL.Time.fromData({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: isDate ? 0 : d.getUTCHours(),
    minute: isDate ? 0 : d.getUTCMinutes(),
    second: isDate ? 0 : d.getUTCSeconds(),
    isDate,
  });
}

function toInstant(local: number, z: ZoneSpec): number {
  switch (z.kind) {
    case 'utc':
      return local;
    case 'iana':
      return z.clock.toInstant(local);
    case 'vtimezone': {
      const t = floatingOf(local, false);
      return local - z.tz.utcOffset(t) * 1000;
    }
    default: {
      const never: never = z;
      return never;
    }
  }
}

function toLocal(instant: number, z: ZoneSpec): number {
  switch (z.kind) {
    case 'utc':
      return instant;
    case 'iana':
      return z.clock.toLocal(instant);
    case 'vtimezone': {
      const t = ICAL.Time.fromJSDate(new Date(instant), true);
      return localOf(t.convertToZone(z.tz));
    }
    default: {
      const never: never = z;
      return never;
    }
  }
}
