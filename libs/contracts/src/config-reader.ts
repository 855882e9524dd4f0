/**
 * Readers for configuration values, shared by the dozor.yaml loader and the
 * schedules section: each failure is a ConfigFieldError at the exact path,
 * which the loader turns into `file:line:column: field: problem`. Every
 * duration in the configuration has the one grammar of `parseDuration`.
 */
import { ConfigFieldError, type ConfigPath } from './config-error.js';

export type RawObject = Record<string, unknown>;

export function failAt(path: ConfigPath, problem: string): never {
  throw new ConfigFieldError(path, problem);
}

/** A value as a message shows it: `'text'`, `42`, `a list`, `a mapping`, `null`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

/** A mapping; with `allowed`, every key must be one of them. */
export function objectAt(v: unknown, path: ConfigPath, allowed?: readonly string[]): RawObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) failAt(path, `expected a mapping, got ${describeValue(v)}`);
  const o = v as RawObject;
  if (allowed) onlyFields(o, allowed, path);
  return o;
}

/** Fails on the first key not in `allowed`, suggesting a near one (a typo) and listing them all. */
export function onlyFields(o: RawObject, allowed: readonly string[], path: ConfigPath): void {
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const near = allowed.find((a) => editDistance(a, k) <= 2);
    failAt([...path, k], `unknown field '${k}'${near ? ` (did you mean '${near}'?)` : ''}; expected one of ${allowed.join(', ')}`);
  }
}

export function listAt(v: unknown, path: ConfigPath): unknown[] {
  if (!Array.isArray(v)) failAt(path, `expected a list, got ${describeValue(v)}`);
  return v;
}

/** A non-empty string (a number counts as its text), trimmed. */
export function stringAt(v: unknown, path: ConfigPath): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v.trim() === '') failAt(path, `expected a non-empty string, got ${describeValue(v)}`);
  return v.trim();
}

export function intAt(v: unknown, path: ConfigPath, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) failAt(path, `expected an integer, got ${describeValue(v)}`);
  if (v < min || v > max) failAt(path, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

const UNIT_SECONDS = { w: 604_800, d: 86_400, h: 3600, m: 60, s: 1 } as const;
const DURATION_RE = /^(?:(\d+)\s*w)?\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$/;

/**
 * Seconds of a duration: a whole number of seconds (`90`, `"90"`), or units
 * from weeks down to seconds, each at most once and in that order (`90s`,
 * `5m`, `1h30m`, `1d`, `2w`, `1h 30m`). Null when it is neither. The sign and
 * bounds are the reader's (`durationAt`).
 */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  const m = DURATION_RE.exec(t);
  if (!m || t === '') return null;
  const [w, d, h, min, s] = m.slice(1).map((x) => (x ? Number(x) : 0)) as [number, number, number, number, number];
  return w * UNIT_SECONDS.w + d * UNIT_SECONDS.d + h * UNIT_SECONDS.h + min * UNIT_SECONDS.m + s;
}

/** `5400` → `1h30m`, `604800` → `7d`: days down to seconds, as `parseDuration` reads them. */
export function formatDuration(seconds: number): string {
  let rest = seconds;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = UNIT_SECONDS[unit];
    if (rest >= n) {
      out += `${Math.floor(rest / n)}${unit}`;
      rest %= n;
    }
  }
  return out || '0s';
}

/** A duration longer than zero (see `parseDuration`), at most `max` seconds when given. */
export function durationAt(v: unknown, path: ConfigPath, max?: number): number {
  const seconds = parseDuration(v);
  if (seconds === null) failAt(path, `must be a duration such as 9h, 1h30m, 90s or 1d (or whole seconds), got ${describeValue(v)}`);
  if (seconds <= 0) failAt(path, 'must be longer than zero');
  if (max !== undefined && seconds > max) failAt(path, `must be between 1s and ${formatDuration(max)}, got ${formatDuration(seconds)}`);
  return seconds;
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
