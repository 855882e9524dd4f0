/**
 * Properties of the final schedule over random rotations, single shifts and
 * overrides, two years at a time, in Berlin, New York, Santiago (changes at local
 * midnight, southern summer) and zones with unusual DST: Lord Howe (30
 * minutes), Apia (a skipped day in 2011, DST until 2021), Kolkata (+05:30).
 *
 * Some overrides and single events are declared in config form (`start` and
 * `end` or `duration`, as instants with `Z` or an arbitrary offset) within hours
 * of one of the zone's offset changes, which the spec finds with luxon itself;
 * they must cover exactly [start, end) in real time. Groups may be empty: an empty shift yields to any shift with users.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { FinalShift, LayerShift, RotationDef, ScheduleDef, Weekday } from './schedule.types.js';
import { WEEKDAYS } from './schedule.types.js';
import { defineOverride, defineRotation, defineSchedule, defineSingleShift } from './schedule.defaults.js';
import { expandShifts, finalSchedule } from './final-schedule.js';
import { parseSchedules } from './schedule.config.js';

const ZONES = ['Europe/Berlin', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Apia', 'UTC'] as const;
/** Runs per zone; raise with SCHEDULE_PROPERTY_RUNS=200 for a deeper search. */
const NUM_RUNS = Number(process.env.SCHEDULE_PROPERTY_RUNS ?? 6);
/** Shrinking two-year schedules takes minutes, so a failure reports its seed unshrunk unless SCHEDULE_PROPERTY_SHRINK=1. */
const END_ON_FAILURE = process.env.SCHEDULE_PROPERTY_SHRINK !== '1';
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const HOUR = 3_600_000;

const pad = (n: number) => String(n).padStart(2, '0');
const localText = (y: number, mo: number, d: number, h: number, mi: number) => `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:00`;

/** Times of day near DST changes (00:00-03:30) are over-represented. */
const timeOfDay = fc.oneof(
  fc.constantFrom<[number, number]>([0, 0], [1, 30], [1, 45], [2, 0], [2, 15], [2, 30], [3, 0], [3, 30], [9, 0], [23, 30]),
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)),
);
const weekdays = fc.subarray([...WEEKDAYS] as Weekday[]);
const groups = fc.array(fc.subarray(USERS, { maxLength: 2 }), { minLength: 1, maxLength: 4 });

function rotationArb(zone: string, year: number): fc.Arbitrary<RotationDef> {
  return fc
    .record({
      frequency: fc.constantFrom<RotationDef['frequency']>('hourly', 'daily', 'daily', 'weekly', 'weekly', 'monthly'),
      interval: fc.integer({ min: 1, max: 3 }),
      daysBefore: fc.integer({ min: 0, max: 400 }),
      tod: timeOfDay,
      durationFactor: fc.constantFrom(1, 1, 0.5, 0.375, 1.5),
      byDay: fc.oneof(fc.constant([] as Weekday[]), weekdays),
      byMonth: fc.oneof(fc.constant([] as number[]), fc.constant([] as number[]), fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], { minLength: 1 })),
      byMonthday: fc.oneof(fc.constant([] as number[]), fc.constant([] as number[]), fc.subarray([1, 2, 15, 28, -1], { minLength: 1 })),
      weekStart: fc.constantFrom(...WEEKDAYS),
      rollingUsers: groups,
      startIndex: fc.nat(),
      level: fc.integer({ min: 0, max: 3 }),
    })
    .map((r): RotationDef => {
      const hourlyInterval = r.interval * 3; // keeps two years of hourly shifts small
      const period = { hourly: hourlyInterval * HOUR, daily: 24 * HOUR * r.interval, weekly: 7 * 24 * HOUR, monthly: 3 * 24 * HOUR }[r.frequency];
      const start = new Date(Date.UTC(year, 0, 1) - r.daysBefore * 24 * HOUR);
      return defineRotation({
        id: 'r',
        frequency: r.frequency,
        interval: r.frequency === 'hourly' ? hourlyInterval : r.interval,
        start: localText(start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate(), r.tod[0], r.tod[1]),
        duration: Math.max(900, Math.round((period * r.durationFactor) / 1000)),
        byDay: r.byDay,
        byMonth: r.frequency === 'hourly' ? [] : r.byMonth,
        byMonthday: r.frequency === 'monthly' || r.frequency === 'daily' ? r.byMonthday : [],
        weekStart: r.weekStart,
        rollingUsers: r.rollingUsers,
        startRotationFromUserIndex: r.startIndex % r.rollingUsers.length,
        timeZone: zone,
        level: r.level,
      });
    });
}

const transitionMemo = new Map<string, number[]>();

/** The zone's offset changes in [from, to), by luxon: daily samples (changes are weeks apart), then bisection to the minute. */
function transitionsOf(zone: string, from: number, to: number): number[] {
  const key = `${zone} ${from}`;
  const memo = transitionMemo.get(key);
  if (memo) return memo;
  const offset = (t: number) => DateTime.fromMillis(t, { zone }).offset;
  const out: number[] = [];
  for (let t = from, o = offset(t); t < to; t += 24 * HOUR) {
    const next = offset(t + 24 * HOUR);
    if (next === o) continue;
    o = next;
    let [lo, hi] = [t, t + 24 * HOUR];
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offset(mid) === offset(lo)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  transitionMemo.set(key, out);
  return out;
}

/** ISO text of an instant with `Z` or a fixed offset in minutes, which need not be the zone's. */
function instantText(ms: number, offsetMinutes: number | null): string {
  if (offsetMinutes === null) return new Date(ms).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An override or single event declared with instants: the real-time interval it must cover. */
interface Declared {
  kind: 'override' | 'single';
  id: string;
  s: number;
  e: number;
  users: string[];
  level: number;
}

function scheduleArb(zone: string) {
  return fc.integer({ min: 2010, max: 2027 }).chain((year) => {
    const from = Date.UTC(year, 0, 1);
    const to = Date.UTC(year + 2, 0, 1);
    const transitions = transitionsOf(zone, from, to);
    const nearTransition = fc.record({
      transition: fc.nat(),
      // quarter hours within ±4 h of the change, and lengths from 15 minutes to 6 hours
      before: fc.integer({ min: -16, max: 16 }),
      quarters: fc.integer({ min: 1, max: 24 }),
      offsets: fc.tuple(fc.constantFrom(null, 0, 60, 120, -300, 330, 630, 660, 780), fc.constantFrom(null, 0, 60, 120, -240, 330, 600, 840)),
      users: fc.subarray(USERS, { maxLength: 2 }),
      level: fc.integer({ min: 0, max: 3 }),
      kind: fc.constantFrom<Declared['kind']>('override', 'override', 'single'),
    });
    const oneShot = fc.record({
      at: fc.integer({ min: from - 3 * 24 * HOUR, max: to }),
      hours: fc.integer({ min: 1, max: 72 }),
      users: fc.subarray(USERS, { maxLength: 2 }),
      level: fc.integer({ min: 0, max: 3 }),
      wallClock: fc.boolean(),
    });
    return fc
      .record({
        rotations: fc.array(rotationArb(zone, year), { minLength: 1, maxLength: 3 }),
        overrides: fc.array(oneShot, { maxLength: 4 }),
        instantOverrides: fc.array(nearTransition, { minLength: 1, maxLength: 4 }),
        singles: fc.array(oneShot, { maxLength: 2 }),
        samples: fc.array(fc.noBias(fc.integer({ min: from, max: to - 1 })), { minLength: 150, maxLength: 150 }),
      })
      .map(({ rotations, overrides, instantOverrides, singles, samples }) => {
        // near a transition when the zone has any in the window, else near midnight UTC of a day in it
        const declared: Declared[] = instantOverrides.map((o, i) => {
          const anchor = transitions.length ? transitions[o.transition % transitions.length]! : from + (o.transition % 700) * 24 * HOUR;
          const s = anchor + o.before * 15 * 60_000;
          return { kind: o.kind, id: `i${i}`, s, e: s + o.quarters * 15 * 60_000, users: o.users, level: o.level };
        });
        const item = (d: Declared, i: number) => ({ id: d.id, start: instantText(d.s, instantOverrides[i]!.offsets[0]), users: d.users, level: d.level });
        const configured = parseSchedules([
          {
            id: 'p',
            time_zone: zone,
            overrides: declared.flatMap((d, i) => (d.kind === 'override' ? [{ ...item(d, i), end: instantText(d.e, instantOverrides[i]!.offsets[1]) }] : [])),
            rotations: declared.flatMap((d, i) => (d.kind === 'single' ? [{ ...item(d, i), type: 'single_event', duration: (d.e - d.s) / 1000 }] : [])),
          },
        ])[0]!;
        const text = (o: { at: number; wallClock: boolean }) => (o.wallClock ? new Date(o.at).toISOString().slice(0, 19) : new Date(o.at).toISOString());
        const schedule: ScheduleDef = defineSchedule({
          id: 'p',
          timeZone: zone,
          rotations: rotations.map((r, i) => ({ ...r, id: `r${i}`, name: `r${i}` })),
          overrides: [
            ...overrides.map((o, i) =>
              defineOverride({ id: `o${i}`, start: text(o), duration: o.hours * 3600, users: o.users, level: o.level, timeZone: zone }),
            ),
            ...configured.overrides,
          ],
          singles: [
            ...singles.map((o, i) =>
              defineSingleShift({ id: `s${i}`, start: text(o), duration: o.hours * 3600, users: o.users, level: o.level, timeZone: zone }),
            ),
            ...configured.singles,
          ],
        });
        return { schedule, from, to, samples, declared };
      });
  });
}

interface Ms {
  s: number;
  e: number;
  shift: LayerShift;
}

/** Shifts with users outrank empty ones, then overrides outrank layers, then levels. */
const rankOf = (users: string[], kind: string, level: number) => (users.length ? 2_000_000 : 0) + (kind === 'override' ? 1_000_000 : 0) + level;
const rank = (x: LayerShift) => rankOf(x.users, x.source.kind, x.source.level);

/** The independent answer at t: the highest-ranked raw shifts covering t, or a gap. */
function oracle(raw: Ms[], t: number): { users: string[]; rank: number } | null {
  let best = -Infinity;
  const users = new Set<string>();
  for (const r of raw) {
    if (r.s > t || r.e <= t) continue;
    const k = rank(r.shift);
    if (k > best) {
      best = k;
      users.clear();
    }
    if (k === best) r.shift.users.forEach((u) => users.add(u));
  }
  return best === -Infinity ? null : { users: [...users].sort(), rank: best };
}

function finalAt(final: FinalShift[], t: number): FinalShift {
  let a = 0;
  let b = final.length - 1;
  while (a < b) {
    const m = (a + b + 1) >> 1;
    if (Date.parse(final[m]!.start) <= t) a = m;
    else b = m - 1;
  }
  return final[a]!;
}

/** Wall-clock check: the local start is the nominal one, or the end of a gap that swallowed it. */
function wallClockProblem(rot: RotationDef, startMs: number): string | null {
  const zone = rot.timeZone;
  const local = DateTime.fromMillis(startMs, { zone });
  const [, hh, mm] = /T(\d\d):(\d\d)/.exec(rot.start)!;
  const nominalMatches = rot.frequency === 'hourly' ? local.minute === Number(mm) : local.hour === Number(hh) && local.minute === Number(mm);
  if (nominalMatches) {
    if (rot.byDay.length && rot.frequency !== 'hourly' && !rot.byDay.includes(WEEKDAYS[local.weekday - 1]!)) return `weekday ${local.toISO()}`;
    return null;
  }
  // Must be a transition instant whose skipped wall-clock range contains the nominal time.
  const before = DateTime.fromMillis(startMs - 1, { zone });
  if (before.offset === local.offset) return `local ${local.toISO()} is not ${rot.start.slice(11, 16)}`;
  const gapFrom = startMs + before.offset * 60_000;
  const gapTo = startMs + local.offset * 60_000;
  const day = Date.UTC(local.year, local.month - 1, local.day);
  for (const d of [day, day - 24 * HOUR]) {
    const candidates =
      rot.frequency === 'hourly' ? Array.from({ length: 48 }, (_, h) => d + h * HOUR + Number(mm) * 60_000) : [d + Number(hh) * HOUR + Number(mm) * 60_000];
    if (candidates.some((c) => c >= gapFrom && c < gapTo)) return null;
  }
  return `local ${local.toISO()} is neither ${rot.start.slice(11, 16)} nor the end of a gap containing it`;
}

describe.each(ZONES)('final schedule properties in %s', (zone) => {
  it('no overlaps, every instant covered once by the top shift or a gap, wall-clock starts, overrides win', () => {
    fc.assert(
      fc.property(scheduleArb(zone), ({ schedule, from, to, samples, declared }) => {
        const final = finalSchedule(schedule, from, to);
        // 1. a partition of [from, to): ordered, contiguous, non-empty pieces
        expect(Date.parse(final[0]!.start)).toBe(from);
        expect(Date.parse(final[final.length - 1]!.end)).toBe(to);
        for (let i = 0; i < final.length; i++) {
          const s = Date.parse(final[i]!.start);
          const e = Date.parse(final[i]!.end);
          if (!(s < e)) throw new Error(`empty or inverted shift ${final[i]!.start}..${final[i]!.end}`);
          if (i > 0 && final[i - 1]!.end !== final[i]!.start) throw new Error(`overlap or hole at ${final[i]!.start}`);
          if (final[i]!.gap && (final[i]!.users.length || final[i]!.source)) throw new Error('a gap with users');
        }

        // 2. overrides and single events declared as instants cover exactly [start, end) in real time, clipped to the window
        const expanded = expandShifts(schedule, from, to);
        for (const d of declared) {
          const got = expanded.filter((x) => x.source.kind === d.kind && x.source.id === d.id).map((x) => `${x.start}..${x.end}`);
          const [s, e] = [Math.max(d.s, from), Math.min(d.e, to)];
          expect(got, `${d.kind} ${d.id}`).toEqual(s < e ? [`${new Date(s).toISOString()}..${new Date(e).toISOString()}`] : []);
        }

        // 3. each sampled instant: the final shift is the top-ranked shift (or a gap); declared shifts as declared
        const raw: Ms[] = expanded
          .filter((shift) => !declared.some((d) => shift.source.kind === d.kind && d.id === shift.source.id))
          .map((shift) => ({ s: Date.parse(shift.start), e: Date.parse(shift.end), shift }));
        for (const d of declared) {
          const shift: LayerShift = { start: '', end: '', users: d.users, source: { kind: d.kind, id: d.id, level: d.level }, groupIndex: null };
          raw.push({ s: Math.max(d.s, from), e: Math.min(d.e, to), shift });
        }
        const boundaries = [
          ...raw.filter((_, i) => i % Math.max(1, Math.floor(raw.length / 100)) === 0).flatMap((r) => [r.s, r.e - 1]),
          ...declared.flatMap((d) => [d.s - 1, d.s, d.e - 1, d.e]).filter((t) => t >= from && t < to),
        ];
        for (const t of [...samples, ...boundaries]) {
          const want = oracle(raw, t);
          const got = finalAt(final, t);
          if (!want) {
            if (!got.gap) throw new Error(`${new Date(t).toISOString()}: expected a gap, got ${JSON.stringify(got)}`);
            continue;
          }
          if (got.gap || !got.source) throw new Error(`${new Date(t).toISOString()}: unexpected gap`);
          expect([...got.users].sort(), new Date(t).toISOString()).toEqual(want.users);
          expect(rankOf(got.users, got.source.kind, got.source.level), new Date(t).toISOString()).toBe(want.rank);
        }

        // 4. rotation shifts start at their wall-clock time; full-period rotations tile time across DST
        for (const rot of schedule.rotations) {
          const mine = raw.filter((r) => r.shift.source.kind === 'rotation' && r.shift.source.id === rot.id && r.s > from);
          for (const r of mine) {
            const problem = wallClockProblem(rot, r.s);
            if (problem) throw new Error(`${rot.id} (${rot.frequency} ${rot.start}): ${problem}`);
          }
          const fullPeriod =
            rot.frequency === 'daily' && !rot.byDay.length && !rot.byMonth.length && !rot.byMonthday.length && rot.duration === 86400 * rot.interval;
          if (fullPeriod) {
            for (let i = 1; i < mine.length; i++)
              if (mine[i]!.s !== mine[i - 1]!.e) throw new Error(`${rot.id}: daily shifts do not tile at ${new Date(mine[i]!.s).toISOString()}`);
          }
        }

        // 5. overrides with users always win: inside one the final shift is an override
        for (const o of raw.filter((r) => r.shift.source.kind === 'override' && r.shift.users.length && r.s < r.e)) {
          for (const t of [o.s, (o.s + o.e) / 2, o.e - 1]) {
            const got = finalAt(final, Math.floor(t));
            if (got.source?.kind !== 'override') throw new Error(`override ${o.shift.source.id} lost at ${new Date(t).toISOString()}`);
          }
        }
      }),
      { numRuns: NUM_RUNS, endOnFailure: END_ON_FAILURE },
    );
  });
});
