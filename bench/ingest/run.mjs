#!/usr/bin/env node
// Webhook ingest throughput and latency with the real Alertmanager payloads,
// against two floors measured in the same run with the same client, bodies
// and concurrency: raw JetStream publishes of the same bytes, and a bare
// fastify server that parses the JSON body and answers 200 (the HTTP floor;
// issue goal: ingest >= 0.5x of it). A third line, fastify plus one awaited
// JetStream publish per request, is the smallest design that keeps "2xx
// after a durable ack".
//
//   node bench/ingest/run.mjs [--requests=20000] [--concurrency=64]
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { readFileSync, readdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { bootstrap } from '@dozor/platform';
import { ingestService } from '@dozor/ingest';
import Fastify from 'fastify';
import { pool } from './pool.mjs';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '64' } } });
const N = Number(values.requests);
const C = Number(values.concurrency);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const fixtures = new URL('../../test/fixtures/alertmanager/', import.meta.url).pathname;
const bodies = readdirSync(fixtures)
  .filter((f) => f.endsWith('.json') && f !== 'headers.json')
  .map((f) => JSON.parse(readFileSync(join(fixtures, f), 'utf8')));
// Unique bodies (so dedup does not short-circuit): vary the receiver field.
const body = (i) => JSON.stringify({ ...bodies[i % bodies.length], receiver: `bench-${i}` }) + '\n';

const prefix = `bench${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'dozor-bench-'));
const config = join(dir, 'dozor.yaml');
// The benchmark measures throughput, not the per-integration rate limit (default 3000 per 5 minutes).
writeFileSync(config, 'integrations:\n  - id: am\n    type: alertmanager\n    token: bench-token-123\n    rate_limit: { requests: 1000000000, per: 1m }\n');

// 1. Physical limit: JetStream publish of the same bytes, same concurrency, one connection.
const nc = await connect({ servers: NATS_URL, noAsyncTraces: true });
const jsm = await jetstreamManager(nc);
const rawStream = `${prefix.toUpperCase()}_RAW`;
await jsm.streams.add({ name: rawStream, subjects: [`${prefix}.raw.>`], storage: 'file' });
const js = jetstream(nc);
const enc = new TextEncoder();
const pre = Array.from({ length: N }, (_, i) => enc.encode(body(i)));
const raw = await pool(N, C, (i) => js.publish(`${prefix}.raw.${i % 1000}`, pre[i]));

/** The HTTP client runs in a worker thread: client and server each get a core, as they would on separate machines. */
const load = (url) =>
  new Promise((resolve, reject) => {
    const w = new Worker(new URL('./client.mjs', import.meta.url), { workerData: { url, n: N, c: C, bodies: Array.from({ length: N }, (_, i) => body(i)) } });
    w.once('message', resolve);
    w.once('error', reject);
  });

// 2. HTTP floor: bare fastify (JSON parse, 200), then fastify + one awaited publish.
async function fastifyServer(handler) {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.post('/integrations/v1/alertmanager/:token/', handler);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address();
  return { app, url: `http://127.0.0.1:${port}/integrations/v1/alertmanager/bench-token-123/` };
}
const bare = await fastifyServer(async (req) => ({ status: 'ok', alerts: Array.isArray(req.body?.alerts) ? req.body.alerts.length : 0 }));
const bareRun = await load(bare.url);
await bare.app.close();
let k = 0;
const minimal = await fastifyServer(async (req) => {
  await js.publish(`${prefix}.raw.${k++ % 1000}`, enc.encode(JSON.stringify(req.body)));
  return { status: 'ok' };
});
const minimalRun = await load(minimal.url);
await minimal.app.close();
await jsm.streams.delete(rawStream);

// 2. Dozor's ingest over HTTP (keep-alive fetch), appending AlertReceived.
const dozor = await bootstrap([ingestService], {
  env: { NATS_URL, PORT: '0', HOST: '127.0.0.1', DOZOR_SUBJECT_PREFIX: prefix, DOZOR_CONFIG: config, LOG_LEVEL: 'error', OTEL_TRACES_EXPORTER: 'none' },
});
const url = `${dozor.url}/integrations/v1/alertmanager/bench-token-123/`;
const http = await load(url);
const appended = await dozor.store.lastSeq();
await dozor.store.deleteStream();
await dozor.close();
await nc.close();

const f = (x) => x.toFixed(1);
console.log(`requests=${N} concurrency=${C} payloads=${bodies.length} fixtures`);
console.log(`raw JetStream publish : ${f(raw.rate)} msg/s  p50 ${f(raw.p50)} ms  p99 ${f(raw.p99)} ms`);
console.log(`dozor webhook ingest  : ${f(http.rate)} req/s  p50 ${f(http.p50)} ms  p99 ${f(http.p99)} ms  (appended ${appended})`);
console.log(`bare fastify (parse)  : ${f(bareRun.rate)} req/s  p50 ${f(bareRun.p50)} ms  p99 ${f(bareRun.p99)} ms`);
console.log(`fastify + publish     : ${f(minimalRun.rate)} req/s  p50 ${f(minimalRun.p50)} ms  p99 ${f(minimalRun.p99)} ms`);
console.log(`ratio ingest/raw      : ${(http.rate / raw.rate).toFixed(3)}`);
const ratio = http.rate / bareRun.rate;
console.log(`ratio ingest/bare     : ${ratio.toFixed(3)}   goal >= 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'}`);
console.log(`ratio minimal/bare    : ${(minimalRun.rate / bareRun.rate).toFixed(3)}`);
process.exit(0);
