/**
 * The `schedules:` section of dozor.yaml. Keys are snake_case as in Grafana
 * OnCall's API and Terraform provider. Errors are ConfigFieldError with the path
 * from the document root, e.g. ['schedules', 0, 'rotations', 1, 'time_zone'].
 */
import { describeValue, durationAt, failAt, intAt, listAt, objectAt, stringAt, type ConfigPath, type RawObject } from '@dozor/contracts';
import type { IcalSourceDef, OverrideDef, RotationDef, ScheduleDef, ScheduleType, SingleShiftDef, Weekday } from './schedule.types.js';
import { FREQUENCIES } from './schedule.types.js';
import { parseDateTimeText } from './local-time.js';
import { dateTimeAt, timeZoneAt, weekdayAt } from './config-reader.js';

export interface ParseSchedulesOptions {
  /** Known user ids. When given, every user a schedule names must be one of them. */
  userIds?: Iterable<string>;
  /** Where the section sits in the document. Default `['schedules']`. */
  path?: ConfigPath;
}

export const MAX_LEVEL = 1_000_000;
const DEFAULT_ICAL_REFRESH_SECONDS = 600;

const SCHEDULE_KEYS = [
  'id',
  'name',
  'type',
  'time_zone',
  'rotations',
  'overrides',
  'ical_url',
  'ical_file',
  'ical_url_overrides',
  'ical_file_overrides',
  'ical_refresh_interval',
] as const;
const ROTATION_KEYS = [
  'id',
  'name',
  'type',
  'frequency',
  'interval',
  'start',
  'duration',
  'rotation_start',
  'until',
  'by_day',
  'by_month',
  'by_monthday',
  'week_start',
  'rolling_users',
  'users',
  'start_rotation_from_user_index',
  'time_zone',
  'level',
] as const;
/** What a single_event takes; the rest of ROTATION_KEYS describe a recurrence, in the same order. */
const SINGLE_EVENT_KEYS: readonly string[] = ['id', 'name', 'type', 'start', 'duration', 'users', 'time_zone', 'level'];
const RECURRENCE_KEYS = ROTATION_KEYS.filter((k) => !SINGLE_EVENT_KEYS.includes(k));
const OVERRIDE_KEYS = ['id', 'start', 'end', 'duration', 'users', 'time_zone', 'level'] as const;
const ROTATION_TYPES = ['rolling_users', 'recurrent_event', 'single_event'] as const;
type RotationType = (typeof ROTATION_TYPES)[number];

export function parseSchedules(raw: unknown, options: ParseSchedulesOptions = {}): ScheduleDef[] {
  const base = options.path ?? ['schedules'];
  if (raw === undefined || raw === null) return [];
  const known = options.userIds ? new Set(options.userIds) : null;
  const seen = new Set<string>();
  return listAt(raw, base).map((item, i) => {
    const s = parseSchedule(item, [...base, i], known);
    if (seen.has(s.id)) failAt([...base, i, 'id'], `duplicate schedule id '${s.id}'`);
    seen.add(s.id);
    return s;
  });
}

function parseSchedule(v: unknown, path: ConfigPath, known: Set<string> | null): ScheduleDef {
  const o = objectAt(v, path, SCHEDULE_KEYS);
  if (o.id === undefined && o.name === undefined) failAt(path, "a schedule needs an 'id' or a 'name'");
  const id = o.id !== undefined ? stringAt(o.id, [...path, 'id']) : stringAt(o.name, [...path, 'name']);
  const name = o.name !== undefined ? stringAt(o.name, [...path, 'name']) : id;
  const type = scheduleType(o.type, [...path, 'type']);
  const timeZone = o.time_zone !== undefined ? timeZoneAt(o.time_zone, [...path, 'time_zone']) : 'UTC';
  const ctx: Ctx = { scheduleId: id, timeZone, known };

  const rotations: RotationDef[] = [];
  const singles: SingleShiftDef[] = [];
  if (o.rotations !== undefined) {
    if (type === 'ical') failAt([...path, 'rotations'], 'an ical schedule takes its shifts from ical_url or ical_file; use type: calendar for rotations');
    const ids = new Set<string>();
    listAt(o.rotations, [...path, 'rotations']).forEach((r, i) => {
      const p = [...path, 'rotations', i];
      const def = parseRotationItem(r, p, i, ctx);
      if (ids.has(def.id)) failAt([...p, 'id'], `duplicate rotation id '${def.id}'`);
      ids.add(def.id);
      if ('frequency' in def) rotations.push(def);
      else singles.push(def);
    });
  }
  const overrides: OverrideDef[] = [];
  if (o.overrides !== undefined) {
    listAt(o.overrides, [...path, 'overrides']).forEach((r, i) => overrides.push(parseOverride(r, [...path, 'overrides', i], i, ctx)));
  }
  return { id, name, type, timeZone, rotations, singles, overrides, ical: parseIcalSource(o, path, type) };
}

interface Ctx {
  scheduleId: string;
  timeZone: string;
  known: Set<string> | null;
}

function scheduleType(v: unknown, path: ConfigPath): ScheduleType {
  if (v === undefined) return 'calendar';
  if (v === 'calendar' || v === 'ical') return v;
  return failAt(path, `expected calendar or ical, got ${describeValue(v)}`);
}

function parseIcalSource(o: RawObject, path: ConfigPath, type: ScheduleType): IcalSourceDef | null {
  const opt = (k: string): string | null => (o[k] === undefined ? null : stringAt(o[k], [...path, k]));
  const src: IcalSourceDef = {
    url: opt('ical_url'),
    file: opt('ical_file'),
    overridesUrl: opt('ical_url_overrides'),
    overridesFile: opt('ical_file_overrides'),
    refreshSeconds:
      o.ical_refresh_interval === undefined ? DEFAULT_ICAL_REFRESH_SECONDS : durationAt(o.ical_refresh_interval, [...path, 'ical_refresh_interval']),
  };
  if (src.url && !/^(https?|webcal):\/\//i.test(src.url)) failAt([...path, 'ical_url'], `expected an http(s) or webcal URL, got '${src.url}'`);
  if (src.overridesUrl && !/^(https?|webcal):\/\//i.test(src.overridesUrl))
    failAt([...path, 'ical_url_overrides'], `expected an http(s) or webcal URL, got '${src.overridesUrl}'`);
  if (src.url && src.file) failAt([...path, 'ical_file'], 'give ical_url or ical_file, not both');
  if (src.overridesUrl && src.overridesFile) failAt([...path, 'ical_file_overrides'], 'give ical_url_overrides or ical_file_overrides, not both');
  if (type === 'ical' && !src.url && !src.file) failAt(path, 'an ical schedule needs ical_url or ical_file');
  if (type === 'calendar' && (src.url || src.file))
    failAt([...path, src.url ? 'ical_url' : 'ical_file'], 'set type: ical to read the primary shifts from iCal');
  const any = src.url || src.file || src.overridesUrl || src.overridesFile;
  return any ? src : null;
}

function parseRotationItem(v: unknown, path: ConfigPath, index: number, ctx: Ctx): RotationDef | SingleShiftDef {
  const o = objectAt(v, path, ROTATION_KEYS);
  const type = rotationType(o, path);
  const id =
    o.id !== undefined
      ? stringAt(o.id, [...path, 'id'])
      : o.name !== undefined
        ? stringAt(o.name, [...path, 'name'])
        : `${ctx.scheduleId}-rotation-${index + 1}`;
  const name = o.name !== undefined ? stringAt(o.name, [...path, 'name']) : id;
  const timeZone = o.time_zone !== undefined ? timeZoneAt(o.time_zone, [...path, 'time_zone']) : ctx.timeZone;
  const level = o.level !== undefined ? intAt(o.level, [...path, 'level'], 0, MAX_LEVEL) : 0;
  if (o.start === undefined) failAt(path, "missing 'start' (the first shift's start, wall clock in time_zone)");
  const start = dateTimeAt(o.start, [...path, 'start']);
  if (o.duration === undefined) failAt(path, "missing 'duration' (seconds, or e.g. 9h)");
  const duration = durationAt(o.duration, [...path, 'duration']);

  switch (type) {
    case 'single_event': {
      for (const k of RECURRENCE_KEYS) {
        if (o[k] !== undefined) failAt([...path, k], `'${k}' does not apply to a single_event`);
      }
      if (o.users === undefined) failAt(path, "a single_event needs 'users'");
      const users = userList(o.users, [...path, 'users'], ctx);
      return { id, name, start, duration, users, timeZone, level };
    }
    case 'rolling_users':
    case 'recurrent_event':
      return parseRecurrence(o, path, ctx, { id, name, start, duration, timeZone, level, type });
    default: {
      const never: never = type;
      throw new Error(`unknown rotation type ${String(never)}`);
    }
  }
}

function rotationType(o: RawObject, path: ConfigPath): RotationType {
  if (o.type !== undefined) {
    if (!(ROTATION_TYPES as readonly unknown[]).includes(o.type))
      failAt([...path, 'type'], `expected ${ROTATION_TYPES.join(', ')}, got ${describeValue(o.type)}`);
    return o.type as RotationType;
  }
  if (o.frequency === undefined) return 'single_event';
  return o.rolling_users !== undefined ? 'rolling_users' : 'recurrent_event';
}

interface Common {
  id: string;
  name: string;
  start: string;
  duration: number;
  timeZone: string;
  level: number;
  type: 'rolling_users' | 'recurrent_event';
}

function parseRecurrence(o: RawObject, path: ConfigPath, ctx: Ctx, c: Common): RotationDef {
  if (o.frequency === undefined) failAt(path, `a ${c.type} rotation needs 'frequency' (${FREQUENCIES.join(', ')})`);
  if (!(FREQUENCIES as readonly unknown[]).includes(o.frequency))
    failAt([...path, 'frequency'], `expected ${FREQUENCIES.join(', ')}, got ${describeValue(o.frequency)}`);
  const frequency = o.frequency as RotationDef['frequency'];
  const interval = o.interval !== undefined ? intAt(o.interval, [...path, 'interval'], 1, 1000) : 1;

  let rollingUsers: string[][];
  if (c.type === 'rolling_users') {
    if (o.users !== undefined) failAt([...path, 'users'], "use 'rolling_users' (a list of user groups) for a rolling_users rotation");
    if (o.rolling_users === undefined) failAt(path, "a rolling_users rotation needs 'rolling_users'");
    rollingUsers = userGroups(o.rolling_users, [...path, 'rolling_users'], ctx);
  } else {
    if (o.rolling_users !== undefined) failAt([...path, 'rolling_users'], "a recurrent_event takes 'users'; use type: rolling_users for turns");
    if (o.users === undefined) failAt(path, "a recurrent_event rotation needs 'users'");
    rollingUsers = [userList(o.users, [...path, 'users'], ctx)];
  }
  const startIndex =
    o.start_rotation_from_user_index !== undefined
      ? intAt(o.start_rotation_from_user_index, [...path, 'start_rotation_from_user_index'], 0, rollingUsers.length - 1)
      : 0;

  const byDay = o.by_day === undefined ? [] : uniqueList(o.by_day, [...path, 'by_day'], (x, p) => weekdayAt(x, p));
  const byMonth = o.by_month === undefined ? [] : uniqueList(o.by_month, [...path, 'by_month'], (x, p) => intAt(x, p, 1, 12));
  const byMonthday = o.by_monthday === undefined ? [] : uniqueList(o.by_monthday, [...path, 'by_monthday'], (x, p) => monthday(x, p));
  const weekStart: Weekday = o.week_start !== undefined ? weekdayAt(o.week_start, [...path, 'week_start']) : 'SU';
  const rotationStart = o.rotation_start !== undefined ? dateTimeAt(o.rotation_start, [...path, 'rotation_start']) : null;
  const until = o.until !== undefined ? dateTimeAt(o.until, [...path, 'until']) : null;
  if (until !== null && sameKindBefore(until, c.start)) failAt([...path, 'until'], `until (${until}) is not after start (${c.start})`);
  if (byMonthday.length && byMonthday.every((d) => d > 0)) {
    const months = byMonth.length ? byMonth : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const longest = Math.max(...months.map((m) => [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!));
    if (byMonthday.every((d) => d > longest))
      failAt([...path, 'by_monthday'], `day ${byMonthday.join(', ')} never occurs in month ${months.join(', ')}: the rotation would have no shifts`);
  }
  return {
    id: c.id,
    name: c.name,
    frequency,
    interval,
    start: c.start,
    duration: c.duration,
    rotationStart,
    until,
    byDay,
    byMonth,
    byMonthday,
    weekStart,
    rollingUsers,
    startRotationFromUserIndex: startIndex,
    timeZone: c.timeZone,
    level: c.level,
  };
}

function parseOverride(v: unknown, path: ConfigPath, index: number, ctx: Ctx): OverrideDef {
  const o = objectAt(v, path, OVERRIDE_KEYS);
  const id = o.id !== undefined ? stringAt(o.id, [...path, 'id']) : `${ctx.scheduleId}-override-${index + 1}`;
  const timeZone = o.time_zone !== undefined ? timeZoneAt(o.time_zone, [...path, 'time_zone']) : ctx.timeZone;
  if (o.start === undefined) failAt(path, "missing 'start'");
  const start = dateTimeAt(o.start, [...path, 'start']);
  if (o.users === undefined) failAt(path, "missing 'users'");
  const users = userList(o.users, [...path, 'users'], ctx);
  const level = o.level !== undefined ? intAt(o.level, [...path, 'level'], 0, MAX_LEVEL) : 0;
  let duration: number;
  if (o.end !== undefined && o.duration !== undefined) failAt([...path, 'end'], "give 'end' or 'duration', not both");
  if (o.end !== undefined) {
    const end = dateTimeAt(o.end, [...path, 'end']);
    const a = parseDateTimeText(start)!;
    const b = parseDateTimeText(end)!;
    if ((a.offset === null) !== (b.offset === null)) failAt([...path, 'end'], 'start and end must both be wall clock or both carry an offset');
    const seconds = (b.local - (b.offset ?? 0) - (a.local - (a.offset ?? 0))) / 1000;
    if (seconds <= 0) failAt([...path, 'end'], `end (${end}) is not after start (${start})`);
    duration = seconds;
  } else if (o.duration !== undefined) {
    duration = durationAt(o.duration, [...path, 'duration']);
  } else {
    return failAt(path, "an override needs 'end' or 'duration'");
  }
  return { id, start, duration, users, timeZone, level };
}

function sameKindBefore(a: string, b: string): boolean {
  const x = parseDateTimeText(a)!;
  const y = parseDateTimeText(b)!;
  if ((x.offset === null) !== (y.offset === null)) return false;
  return x.local - (x.offset ?? 0) <= y.local - (y.offset ?? 0);
}

function monthday(v: unknown, path: ConfigPath): number {
  const d = intAt(v, path, -31, 31);
  if (d === 0) failAt(path, 'day of month 0 does not exist (use 1..31, or -1..-31 counting from the end)');
  return d;
}

function uniqueList<T>(v: unknown, path: ConfigPath, item: (x: unknown, p: ConfigPath) => T): T[] {
  const out: T[] = [];
  listAt(v, path).forEach((x, i) => {
    const t = item(x, [...path, i]);
    if (out.includes(t)) failAt([...path, i], `${String(t)} is listed twice`);
    out.push(t);
  });
  return out;
}

function userId(v: unknown, path: ConfigPath, ctx: Ctx): string {
  const u = stringAt(v, path);
  if (ctx.known && !ctx.known.has(u)) failAt(path, `unknown user '${u}' (not declared under users:)`);
  return u;
}

function userList(v: unknown, path: ConfigPath, ctx: Ctx): string[] {
  if (typeof v === 'string') return [userId(v, path, ctx)];
  return uniqueList(v, path, (x, p) => userId(x, p, ctx));
}

/** `[[alice], [bob, carol]]`; a bare name is a group of one, an empty list an empty turn. */
function userGroups(v: unknown, path: ConfigPath, ctx: Ctx): string[][] {
  const groups = listAt(v, path).map((g, i) => (Array.isArray(g) ? uniqueList(g, [...path, i], (x, p) => userId(x, p, ctx)) : [userId(g, [...path, i], ctx)]));
  if (groups.length === 0) failAt(path, 'needs at least one user group');
  return groups;
}
