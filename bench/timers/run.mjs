#!/usr/bin/env node
// Durable timer lateness with many timers pending: the escalator's real
// TimerStore and TimerWorker against PostgreSQL and JetStream.
//
//   node bench/timers/run.mjs [--timers=100000] [--spread=60] [--workers=2] [--personal=0.4]
//
// `personal` is the share of timers that are not chain waits: half personal
// notification waits (`personal:…`), half acknowledge reminders and their
// deadlines (`reminder:…`, `unack:…`), with the ids the escalator gives them.
//
// Timers are due evenly over `spread` seconds, starting 5 s after they are
// inserted. Lateness = fired_at - due_at. The physical limit printed beside
// it is the round trip of one claim of one due row plus one JetStream append,
// measured in the same run: no worker can fire a timer faster than that.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { escalationTimerId, personalTimerId, reminderTimerId, topology, unackTimerId } from '@dozor/contracts';
import { EventStore, connectNats } from '@dozor/eventstore';
import { openDatabase } from '@dozor/projections';
import { TimerStore } from '@dozor/escalator';
import { JsonLogger } from '@dozor/telemetry';
import { TimerWorker } from '../../apps/escalator/dist/timers/timer.worker.js';

const { values } = parseArgs({
  options: {
    timers: { type: 'string', default: '100000' },
    spread: { type: 'string', default: '60' },
    workers: { type: 'string', default: '2' },
    personal: { type: 'string', default: '0.4' },
  },
});
const N = Number(values.timers);
const SPREAD = Number(values.spread) * 1000;
const W = Number(values.workers);
const PERSONAL = Number(values.personal);
const PG = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const id = randomBytes(3).toString('hex');
const schema = `bench_timers_${id}`;

const nc = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'bench-timers');
const store = await EventStore.open(nc, { topology: topology(`bt${id}`) });
const log = new JsonLogger('bench', 'error');
const dbs = [];
for (let i = 0; i < W; i++) dbs.push(await openDatabase({ DATABASE_URL: `${PG}?schema=${schema}` }, { logger: log }));
const timers = dbs.map((d) => new TimerStore(d.dataSource));

// Physical limit: claim one due row and append one event, 50 times.
const rt = [];
for (let i = 0; i < 50; i++) {
  await timers[0].schedule([
    { timerId: `probe-${i}`, dueAt: new Date(0).toISOString(), subject: `bt${id}.evt.escalation.probe`, purpose: 'escalation', traceparent: null },
  ]);
  const s = performance.now();
  const [row] = await timers[0].claimDue(new Date(), 1);
  await store.append(
    row.subject,
    [{ type: 'TimerFired', data: { timerId: row.timer_id, purpose: 'escalation', dueAt: new Date(0).toISOString(), firedAt: new Date().toISOString() } }],
    { expected: { kind: 'any' }, actor: { kind: 'system', id: 'bench' }, source: 'system' },
  );
  rt.push(performance.now() - s);
  await timers[0].markPublished([row.timer_id], new Date());
}
rt.sort((a, b) => a - b);
const floor = rt[Math.floor(rt.length / 2)];

/** Timer j's id: a chain wait, or (a PERSONAL share) a personal wait, a reminder or its answer deadline. */
const kinds = { esc: 0, personal: 0, reminder: 0, unack: 0 };
function timerIdOf(j) {
  const g = `bench${String(j).padStart(15, '0')}-1`;
  const r = (j * 0.618033988749895) % 1;
  const kind = r >= PERSONAL ? 'esc' : r < PERSONAL / 2 ? 'personal' : r < (PERSONAL * 3) / 4 ? 'reminder' : 'unack';
  kinds[kind]++;
  if (kind === 'personal') return personalTimerId(g, 1, 2, 1, `user${j % 50}`);
  if (kind === 'reminder') return reminderTimerId(g, 1000 + j, 1);
  if (kind === 'unack') return unackTimerId(g, 1000 + j, 1);
  return escalationTimerId(g, 1, 1);
}

// Insert N timers due over SPREAD ms, starting in 5 s (plus the insert time).
const start = Date.now() + 5000 + N / 20;
for (let i = 0; i < N; i += 1000) {
  const rows = [];
  for (let j = i; j < Math.min(N, i + 1000); j++)
    rows.push({
      timerId: `t-${timerIdOf(j)}`,
      dueAt: new Date(start + (j * SPREAD) / N).toISOString(),
      subject: `bt${id}.evt.escalation.g${j % 1000}`,
      purpose: 'escalation',
      traceparent: null,
    });
  await timers[0].schedule(rows);
}
const pending = await timers[0].pendingCount();
const runtime = { clock: () => new Date(), now: () => new Date().toISOString(), onClockJump: () => undefined };
const workers = timers.map((t) => new TimerWorker(t, store, runtime, log));
for (const w of workers) w.onApplicationBootstrap();

const c = new pg.Client({ connectionString: PG });
await c.connect();
for (;;) {
  const { rows } = await c.query(`SELECT count(*)::int AS n FROM "${schema}".timers WHERE timer_id LIKE 't-%' AND published_at IS NULL`);
  if (rows[0].n === 0) break;
  await new Promise((r) => setTimeout(r, 500));
}
for (const w of workers) await w.onApplicationShutdown();
const { rows } = await c.query(`SELECT extract(epoch FROM fired_at - due_at) * 1000 AS late FROM "${schema}".timers WHERE timer_id LIKE 't-%' ORDER BY 1`);
const late = rows.map((r) => Number(r.late));
const fired = await store.lastSeq();
const p = (q) => late[Math.min(late.length - 1, Math.floor(q * late.length))];
console.log(`timers=${N} spread=${SPREAD / 1000}s workers=${W} pending at start=${pending}`);
console.log(`kinds: chain waits ${kinds.esc}, personal waits ${kinds.personal}, reminders ${kinds.reminder}, answer deadlines ${kinds.unack}`);
console.log(`lateness ms: p50 ${p(0.5).toFixed(1)}  p99 ${p(0.99).toFixed(1)}  max ${late.at(-1).toFixed(1)}`);
console.log(`physical limit (one claim + one append, median): ${floor.toFixed(1)} ms`);
console.log(`ratio p99/limit: ${(p(0.99) / floor).toFixed(1)}   target p99 <= 50 ms: ${p(0.99) <= 50 ? 'met' : 'NOT met'}`);
console.log(`TimerFired appended: ${fired - 50} for ${N} timers (duplicates: ${fired - 50 - N})`);
await c.query(`DROP SCHEMA "${schema}" CASCADE`);
await c.end();
await store.deleteStream();
for (const d of dbs) await d.close();
await nc.close();
process.exit(0);
