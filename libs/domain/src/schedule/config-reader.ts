/** Small typed readers for config values; each failure is a ConfigFieldError at the exact path. */
import { ConfigFieldError, type ConfigPath } from '@dozor/contracts';
import type { Weekday } from './schedule.types.js';
import { WEEKDAYS } from './schedule.types.js';
import { parseDateTimeText } from './local-time.js';
import { isValidTimeZone } from './zone-offsets.js';

export type RawObject = Record<string, unknown>;

export function fail(path: ConfigPath, problem: string): never {
  throw new ConfigFieldError(path, problem);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

/** A mapping whose keys are all in `allowed`; unknown keys are reported with a suggestion. */
export function objectAt(v: unknown, path: ConfigPath, allowed: readonly string[]): RawObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) fail(path, `expected a mapping, got ${describe(v)}`);
  const o = v as RawObject;
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const near = allowed.find((a) => editDistance(a, k) <= 2);
    fail([...path, k], `unknown field '${k}'${near ? ` (did you mean '${near}'?)` : ''}`);
  }
  return o;
}

export function listAt(v: unknown, path: ConfigPath): unknown[] {
  if (!Array.isArray(v)) fail(path, `expected a list, got ${describe(v)}`);
  return v;
}

export function stringAt(v: unknown, path: ConfigPath): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v.trim() === '') fail(path, `expected a non-empty string, got ${describe(v)}`);
  return v.trim();
}

export function intAt(v: unknown, path: ConfigPath, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `expected an integer, got ${describe(v)}`);
  if (v < min || v > max) fail(path, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

const DURATION_RE = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds: an integer, or text like `9h`, `1d`, `1h30m`, `2w`. */
export function durationAt(v: unknown, path: ConfigPath): number {
  let seconds: number | null = null;
  if (typeof v === 'number' && Number.isInteger(v)) seconds = v;
  else if (typeof v === 'string') {
    const t = v.trim();
    if (/^\d+$/.test(t)) seconds = Number(t);
    else {
      const m = DURATION_RE.exec(t);
      if (m && t !== '') {
        const [w, d, h, min, s] = [m[1], m[2], m[3], m[4], m[5]].map((x) => (x ? Number(x) : 0)) as [number, number, number, number, number];
        seconds = w * 604800 + d * 86400 + h * 3600 + min * 60 + s;
      }
    }
  }
  if (seconds === null) fail(path, `expected seconds or a duration such as 9h, 1d or 1h30m, got ${describe(v)}`);
  if (seconds <= 0) fail(path, 'must be longer than zero');
  return seconds;
}

/** A date-time: wall clock (`2024-01-01T09:00:00`) or an instant with `Z`/offset. A YAML timestamp (Date) counts as an instant. */
export function dateTimeAt(v: unknown, path: ConfigPath): string {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) fail(path, 'invalid date');
    return v.toISOString();
  }
  if (typeof v !== 'string' || !parseDateTimeText(v)) {
    fail(path, `expected a date-time such as 2024-01-01T09:00:00 (wall clock in time_zone) or 2024-01-01T08:00:00Z, got ${describe(v)}`);
  }
  return v.trim();
}

export function timeZoneAt(v: unknown, path: ConfigPath): string {
  const name = stringAt(v, path);
  if (!isValidTimeZone(name)) fail(path, `unknown time zone '${name}' (expected an IANA name such as Europe/Berlin or UTC)`);
  return name;
}

export function weekdayAt(v: unknown, path: ConfigPath): Weekday {
  const s = typeof v === 'string' ? v.trim().toUpperCase() : '';
  if ((WEEKDAYS as readonly string[]).includes(s)) return s as Weekday;
  if (/^[+-]?\d+(MO|TU|WE|TH|FR|SA|SU)$/.test(s)) fail(path, `ordinal weekdays such as '${String(v)}' are not supported; use MO, TU, WE, TH, FR, SA or SU`);
  return fail(path, `bad weekday ${describe(v)} (expected MO, TU, WE, TH, FR, SA or SU)`);
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}
