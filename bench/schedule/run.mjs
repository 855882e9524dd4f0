// Benchmark: the final schedule for one year with 5 layers, 50 users and 200 overrides.
//   npx tsc -b libs/domain && node bench/schedule/run.mjs [--iterations=50] [--json]
// Prints the time per computation and its ratio to a floor measured in the same run:
// a pass that allocates the same number of shift intervals, sorts their boundaries and
// writes the same number of final shifts with ISO times (the work any implementation does).
// A second reference is the naive luxon cost: two DateTime.fromObject conversions per shift.
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { defineOverride, defineRotation, defineSchedule, expandShifts, finalSchedule } from '../../libs/domain/dist/index.js';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, v ?? 'true']),
);
const ITERATIONS = Number(args.iterations ?? 50);
const FROM = '2025-01-01T00:00:00Z';
const TO = '2026-01-01T00:00:00Z';

// deterministic pseudo-random numbers (mulberry32)
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const users = Array.from({ length: 50 }, (_, i) => `user-${String(i).padStart(2, '0')}`);
const team = (k) => users.slice(k * 10, k * 10 + 10).map((u) => [u]);

const schedule = defineSchedule({
  id: 'bench',
  timeZone: 'Europe/Berlin',
  rotations: [
    defineRotation({
      id: 'l0-daily',
      frequency: 'daily',
      start: '2024-06-03T09:00',
      duration: 86400,
      timeZone: 'Europe/Berlin',
      rollingUsers: team(0),
      level: 0,
    }),
    defineRotation({
      id: 'l1-workdays',
      frequency: 'weekly',
      byDay: ['MO', 'TU', 'WE', 'TH', 'FR'],
      weekStart: 'MO',
      start: '2024-06-03T09:00',
      duration: 9 * 3600,
      timeZone: 'America/New_York',
      rollingUsers: team(1),
      level: 1,
    }),
    defineRotation({
      id: 'l2-six-hourly',
      frequency: 'hourly',
      interval: 6,
      start: '2024-06-03T00:00',
      duration: 3 * 3600,
      timeZone: 'Asia/Kolkata',
      rollingUsers: team(2),
      level: 2,
    }),
    defineRotation({
      id: 'l3-weekends',
      frequency: 'weekly',
      byDay: ['SA', 'SU'],
      start: '2024-06-01T00:00',
      duration: 86400,
      timeZone: 'Australia/Sydney',
      rollingUsers: team(3),
      level: 3,
    }),
    defineRotation({
      id: 'l4-monthly',
      frequency: 'monthly',
      byMonthday: [1, 15, -1],
      start: '2024-06-01T08:00',
      duration: 8 * 3600,
      timeZone: 'UTC',
      rollingUsers: team(4),
      level: 4,
    }),
  ],
  overrides: Array.from({ length: 200 }, (_, i) => {
    const start = Date.parse(FROM) + Math.floor(rand() * 364 * 24) * 3_600_000;
    return defineOverride({
      id: `o${i}`,
      start: new Date(start).toISOString(),
      duration: (1 + Math.floor(rand() * 12)) * 3600,
      users: [users[Math.floor(rand() * users.length)]],
      level: Math.floor(rand() * 2),
    });
  }),
});

function time(fn) {
  const t0 = performance.now();
  const out = fn();
  return [performance.now() - t0, out];
}
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], median: q(0.5), p95: q(0.95) };
}

// cold: first computation, tabulating the offsets of 5 zones
const [coldMs, coldFinal] = time(() => finalSchedule(schedule, FROM, TO));
const raw = expandShifts(schedule, FROM, TO);
const rawCount = raw.length;
const finalCount = coldFinal.length;

// floor: allocate rawCount intervals, sort 2*rawCount boundaries, write finalCount shifts with ISO times
const rawMs = raw.map((r) => [Date.parse(r.start), Date.parse(r.end)]);
function floorPass() {
  const intervals = new Array(rawCount);
  for (let i = 0; i < rawCount; i++) intervals[i] = { s: rawMs[i][0], e: rawMs[i][1], users: raw[i].users, level: raw[i].source.level };
  const b = new Float64Array(2 * rawCount);
  for (let i = 0; i < rawCount; i++) {
    b[2 * i] = intervals[i].s;
    b[2 * i + 1] = intervals[i].e;
  }
  b.sort();
  const out = new Array(finalCount);
  for (let i = 0; i < finalCount; i++) {
    const s = b[Math.min(i, b.length - 1)];
    out[i] = { start: new Date(s).toISOString(), end: new Date(s + 1).toISOString(), users: intervals[i % rawCount].users, source: null };
  }
  return out;
}
// naive luxon: two wall-clock -> instant conversions per raw shift
const zones = raw.map((r) => schedule.rotations.find((x) => x.id === r.source.id)?.timeZone ?? 'UTC');
function luxonPass() {
  let acc = 0;
  for (let i = 0; i < rawCount; i++) {
    const d = new Date(rawMs[i][0]);
    const o = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
    acc += DateTime.fromObject(o, { zone: zones[i] }).toMillis();
    acc += DateTime.fromObject({ ...o, hour: (o.hour + 9) % 24 }, { zone: zones[i] }).toMillis();
  }
  return acc;
}

for (let i = 0; i < 5; i++) {
  finalSchedule(schedule, FROM, TO);
  floorPass();
  luxonPass();
}
const run = [];
const floor = [];
const lux = [];
for (let i = 0; i < ITERATIONS; i++) {
  run.push(time(() => finalSchedule(schedule, FROM, TO))[0]);
  floor.push(time(floorPass)[0]);
  if (i < 10) lux.push(time(luxonPass)[0]);
}
const r = stats(run);
const f = stats(floor);
const l = stats(lux);
const result = {
  window: `${FROM}..${TO}`,
  layers: schedule.rotations.length,
  users: users.length,
  overrides: schedule.overrides.length,
  layerShifts: rawCount,
  finalShifts: finalCount,
  iterations: ITERATIONS,
  coldMs: +coldMs.toFixed(2),
  finalScheduleMs: { min: +r.min.toFixed(2), median: +r.median.toFixed(2), p95: +r.p95.toFixed(2) },
  floorMs: { min: +f.min.toFixed(2), median: +f.median.toFixed(2) },
  ratioToFloor: +(r.median / f.median).toFixed(2),
  naiveLuxonConversionsMs: +l.median.toFixed(2),
  targetMs: 20,
  node: process.version,
};
if (args.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`final schedule, 1 year, ${result.layers} layers, ${result.users} users, ${result.overrides} overrides`);
  console.log(`  ${rawCount} layer/override shifts -> ${finalCount} final shifts (gaps included)`);
  console.log(`  cold (first call, zone tables built): ${result.coldMs} ms`);
  console.log(`  warm: median ${r.median.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, min ${r.min.toFixed(2)} ms over ${ITERATIONS} runs (target < 20 ms)`);
  console.log(`  floor (allocate ${rawCount} intervals, sort boundaries, write ${finalCount} ISO shifts): median ${f.median.toFixed(2)} ms`);
  console.log(`  ratio to floor: ${result.ratioToFloor}x`);
  console.log(`  reference, naive luxon (2 DateTime.fromObject per shift): ${l.median.toFixed(2)} ms`);
}
