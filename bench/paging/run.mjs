#!/usr/bin/env node
// Paging latency: Alertmanager webhook in → sendMessage at the Bot API, at a
// light load, through the real services (`dozor --target=all` in its own
// process, shared NATS and PostgreSQL), with a zero-wait first step.
//
//   npm run bench:paging -- [--seconds=30] [--rate=5] [--people=50]
//
// Each webhook opens a new alert group routed (by a `person` label) to one of
// `people` users, whose chain's first step notifies them. Latency = arrival of
// the sendMessage at the Bot API test server - the moment the webhook was
// posted. The floor printed beside it is sampled between the webhooks of the
// same run: one Bot API round trip plus one JetStream append (publish with
// ack); no path with at least one append and one send can be faster. The path
// is then broken into its hops from the stream's own timestamps, and the cost
// of one booking in the shared send limits (NATS KV) is measured last.
//
// BENCH_LOG_LEVEL=warn prints the service's log; BENCH_NODE_OPTIONS is passed
// to it as NODE_OPTIONS (e.g. `--import` a CPU-profiling hook).
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { BotApiTestServer, DozorProcess } from '@dozor/testing';
import { toCommit } from '@dozor/eventstore';
import { KvSendLimits, LocalSendLimits, bookSend } from '@dozor/telegram-notifier';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '30' }, rate: { type: 'string', default: '5' }, people: { type: 'string', default: '50' } },
});
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const PEOPLE = Number(values.people);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOKEN = 'bench-paging-token';
const id = randomBytes(3).toString('hex');
const prefix = `bp${id}`;
const schema = `bench_paging_${id}`;
const dir = mkdtempSync(join(tmpdir(), 'dozor-bench-paging-'));
const chatOf = (p) => 700_000 + p;

const now = () => performance.timeOrigin + performance.now();
const pct = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (x) => +x.toFixed(1);

// ------------------------------------------------------------------ config
const users = Array.from({ length: PEOPLE }, (_, p) => `  - id: u${p}\n    name: u${p}\n    telegram_user_id: "${chatOf(p)}"`).join('\n');
const routes = Array.from({ length: PEOPLE }, (_, p) => `      - id: r${p}\n        labels: ['person="u${p}"']\n        escalation_chain: c${p}`).join('\n');
const chains = Array.from({ length: PEOPLE }, (_, p) => `  - id: c${p}\n    steps:\n      - notify_persons: [u${p}]\n      - wait: 1h`).join('\n');
writeFileSync(
  join(dir, 'dozor.yaml'),
  `users:\n${users}\nintegrations:\n  - id: am\n    type: alertmanager\n    token: ${TOKEN}\n    routes:\n${routes}\n    default_route:\n      escalation_chain: c0\nescalation_chains:\n${chains}\n`,
);

const telegram = await BotApiTestServer.start({ defaultTimeoutMs: 60_000 });
const nc = await connect({ servers: NATS_URL, name: 'bench-paging' });
const js = jetstream(nc);
const jsm = await jetstreamManager(nc);
const dozor = new DozorProcess('all', {
  PATH: process.env.PATH,
  NATS_URL,
  DATABASE_URL: `${PG_URL}?schema=${schema}`,
  DOZOR_SUBJECT_PREFIX: prefix,
  DOZOR_CONFIG: join(dir, 'dozor.yaml'),
  TELEGRAM_BOT_TOKEN: telegram.token,
  TELEGRAM_API_ROOT: telegram.apiRoot,
  OTEL_TRACES_EXPORTER: 'none',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
  ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
});

try {
  await dozor.start();
  const hook = `${dozor.url}/integrations/v1/alertmanager/${TOKEN}/`;
  const body = (name, person) => {
    const labels = { alertname: name, severity: 'critical', person: `u${person}` };
    return JSON.stringify({
      receiver: 'bench',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: { summary: `${name} fired` },
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://bench/graph',
          fingerprint: randomBytes(8).toString('hex'),
        },
      ],
      groupLabels: { alertname: name },
      commonLabels: labels,
      commonAnnotations: { summary: `${name} fired` },
      externalURL: 'http://bench',
      version: '4',
      groupKey: `{}:{alertname="${name}"}`,
      truncatedAlerts: 0,
    });
  };
  // The Bot API test server runs in this process: look its log over once per check, or the checks slow its answers.
  const arrivals = () => {
    const at = new Map();
    for (const c of telegram.calls('sendMessage')) {
      const name = /Bench\w+x\d+/.exec(String(c.params.text))?.[0];
      if (name && !at.has(name)) at.set(name, c.atMs);
    }
    return at;
  };

  // ------------------------------------------------------------ the floor
  // Sampled between the webhooks of the load, so it sees the machine as the path does.
  const floorStream = `BPF_${id}`;
  await jsm.streams.add({ name: floorStream, subjects: [`bpf${id}.>`] });
  const botRt = [];
  const appendRt = [];
  const payload = new TextEncoder().encode(body('Floor', 0));
  const floorSample = async (i) => {
    let t = now();
    const r = await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 1, text: `floor ${i}` }),
    });
    await r.json();
    botRt.push(now() - t);
    t = now();
    await js.publish(`bpf${id}.x`, payload);
    appendRt.push(now() - t);
  };
  for (let i = 0; i < 20; i++) await floorSample(i);
  botRt.length = appendRt.length = 0;

  // --------------------------------------------------------- warm-up, load
  // Warm-up to other people than the first ones of the load, and a pause: a chat's one message per second must not show up as latency.
  for (let i = 0; i < 5; i++) {
    await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(`Warm${id}x${i}`, PEOPLE - 1 - i) });
    await telegram.waitForCall('sendMessage', (c) => String(c.params.text).includes(`Warm${id}x${i}`));
  }
  await new Promise((r) => setTimeout(r, 1500));
  const N = Math.round(SECONDS * RATE);
  const posted = [];
  const started = now();
  for (let i = 0; i < N; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const name = `Bench${id}x${i}`;
    const t0 = now();
    const p = fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(name, i % PEOPLE) }).then(async (r) => {
      const j = await r.json();
      if (r.status !== 200) throw new Error(`webhook ${i}: ${r.status} ${JSON.stringify(j)}`);
      return j.receipt_id;
    });
    posted.push({ name, t0, receipt: p });
    // Half-way to the next webhook, one floor sample.
    await new Promise((r) => setTimeout(r, 500 / RATE));
    await floorSample(i);
  }
  await jsm.streams.delete(floorStream);
  const floor = { p50: pct(botRt, 0.5) + pct(appendRt, 0.5), p99: pct(botRt, 0.99) + pct(appendRt, 0.99) };
  for (const x of posted) x.receipt = await x.receipt;
  for (const end = Date.now() + 120_000; ; await new Promise((r) => setTimeout(r, 100))) {
    const at = arrivals();
    if (posted.every((x) => at.has(x.name))) {
      for (const x of posted) x.sentAt = at.get(x.name);
      break;
    }
    if (Date.now() > end) throw new Error(`not every alert group was sent within 120 s:\n${dozor.tail(30)}`);
  }
  const latency = posted.map((x) => x.sentAt - x.t0);

  // -------------------------------------------- hops, from stream timestamps
  const stream = `${prefix.toUpperCase()}_EVENTS`;
  const last = (await jsm.streams.info(stream)).state.last_seq;
  const byReceipt = new Map();
  const byAggregate = new Map();
  const byGroup = new Map();
  const stamp = (ts) => {
    // RFC 3339 with nanoseconds: keep the sub-millisecond digits Date.parse drops.
    const m = /\.(\d+)Z$/.exec(ts);
    return Date.parse(ts.replace(/\.\d+Z$/, 'Z')) + (m ? Number(`0.${m[1]}`) * 1000 : 0);
  };
  for (let seq = 1; seq <= last; seq++) {
    const m = await jsm.direct.getMessage(stream, { seq }).catch(() => null);
    if (!m) continue;
    const c = toCommit(m.subject, m.seq, m.data, m.header);
    const at = stamp(m.timestamp);
    for (const e of c.events) {
      if (e.type === 'AlertReceived') byReceipt.set(e.data.receiptId, { at, aggregateKey: e.data.aggregateKey });
      if (e.type === 'AlertGroupCreated') byAggregate.set(m.subject.split('.').at(-1), { at, alertGroupId: e.data.alertGroupId });
      if (e.type === 'NotificationRequested' && !byGroup.has(e.data.alertGroupId)) byGroup.set(e.data.alertGroupId, { requested: at });
      if (e.type === 'NotificationDispatching' && byGroup.has(e.data.alertGroupId)) byGroup.get(e.data.alertGroupId).claimed ??= at;
      if (e.type === 'NotificationSent') byGroup.get(e.data.alertGroupId).sent = at;
    }
  }
  const hops = {
    'post → AlertReceived stored (ingest)': [],
    '→ AlertGroupCreated (router)': [],
    '→ NotificationRequested (escalator)': [],
    '→ sendMessage arrives (notifier)': [],
    '   of which → NotificationDispatching (delivery, reads, claim)': [],
    '   of which claim → sendMessage arrives (slot, render, send)': [],
    'sendMessage → NotificationSent': [],
  };
  for (const x of posted) {
    const rec = byReceipt.get(x.receipt);
    const grp = rec && byAggregate.get(rec.aggregateKey);
    const ntf = grp && byGroup.get(grp.alertGroupId);
    if (!ntf) continue;
    const h = Object.values(hops);
    h[0].push(rec.at - x.t0);
    h[1].push(grp.at - rec.at);
    h[2].push(ntf.requested - grp.at);
    h[3].push(x.sentAt - ntf.requested);
    if (ntf.claimed) {
      h[4].push(ntf.claimed - ntf.requested);
      h[5].push(x.sentAt - ntf.claimed);
    }
    if (ntf.sent) h[6].push(ntf.sent - x.sentAt);
  }

  // ------------------------------- cost per send of the shared send limits
  const limitsCost = {};
  {
    const bucket = `bp${id}-limits-cost`;
    const stores = [];
    const conns = [];
    for (let r = 0; r < 2; r++) {
      const c = await connect({ servers: NATS_URL });
      conns.push(c);
      stores.push(new KvSendLimits(() => new Kvm(c).create(bucket, { history: 1 }), 'bot.1'));
    }
    const book = (store, chat) => store.update(Date.now(), (s) => bookSend(s, chat, Date.now(), 60_000));
    await book(stores[0], 0);
    await book(stores[1], 0);
    const time = async (label, run) => {
      const t = [];
      await run(async (f) => {
        const s = now();
        await f();
        t.push(now() - s);
      });
      limitsCost[label] = { p50: ms(pct(t, 0.5)), p99: ms(pct(t, 0.99)), n: t.length };
    };
    const local = new LocalSendLimits();
    await time('in-process limiter (one replica)', async (m) => {
      for (let i = 0; i < 1000; i++) await m(() => local.update(Date.now(), (s) => bookSend(s, i, Date.now(), 60_000)));
    });
    await time('NATS KV, one replica', async (m) => {
      for (let i = 0; i < 500; i++) await m(() => book(stores[0], 1000 + i));
    });
    await time('NATS KV, two replicas at once (CAS conflicts retried)', async (m) => {
      await Promise.all(
        stores.map(async (s, r) => {
          for (let i = 0; i < 250; i++) await m(() => book(s, 5000 + r * 1000 + i));
        }),
      );
    });
    await time('NATS KV, plain get (one round trip, for scale)', async (m) => {
      const kv = await new Kvm(conns[0]).open(bucket);
      for (let i = 0; i < 500; i++) await m(() => kv.get('bot.1'));
    });
    for (const s of stores) await s.close();
    await jsm.streams.delete(`KV_${bucket}`).catch(() => undefined);
    for (const c of conns) await c.close();
  }

  // ---------------------------------------------------------------- report
  console.log(`paging latency: ${N} new alert groups at ${RATE}/s over ${PEOPLE} people (${SECONDS} s), node ${process.version}`);
  console.table({
    'webhook → sendMessage': { p50: ms(pct(latency, 0.5)), p99: ms(pct(latency, 0.99)), max: ms(Math.max(...latency)) },
    'floor: Bot API round trip + JetStream append': { p50: ms(floor.p50), p99: ms(floor.p99), max: null },
    'ratio to the floor': { p50: ms(pct(latency, 0.5) / floor.p50), p99: ms(pct(latency, 0.99) / floor.p99), max: null },
  });
  console.log(
    `floor parts: Bot API p50 ${ms(pct(botRt, 0.5))} ms, p99 ${ms(pct(botRt, 0.99))}; append p50 ${ms(pct(appendRt, 0.5))} ms, p99 ${ms(pct(appendRt, 0.99))}`,
  );
  console.log('hops (ms, from the stream timestamps; the post and the Bot API arrival from this process):');
  console.table(Object.fromEntries(Object.entries(hops).map(([k, v]) => [k, { p50: ms(pct(v, 0.5)), p99: ms(pct(v, 0.99)), n: v.length }])));
  console.log('cost of one booking in the shared send limits (ms):');
  console.table(limitsCost);
  if (process.env.BENCH_LOG_LEVEL) console.log(dozor.tail(60));
} finally {
  await dozor.stop().catch(() => undefined);
  await telegram.stop().catch(() => undefined);
  await jsm.streams.delete(`${prefix.toUpperCase()}_EVENTS`).catch(() => undefined);
  for (const b of ['locks', 'limits']) await jsm.streams.delete(`KV_${prefix}-${b}`).catch(() => undefined);
  await nc.close();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await c.end();
  rmSync(dir, { recursive: true, force: true });
}
