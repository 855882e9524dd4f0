// HTTP load client for bench/ingest/run.mjs, run in a worker thread.
import { workerData, parentPort } from 'node:worker_threads';
import { Agent, request } from 'undici';

const { url, n, c, bodies } = workerData;
const agent = new Agent({ connections: c, pipelining: 1 });
const lat = new Array(n);
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: c }, async () => {
    for (let i = next++; i < n; i = next++) {
      const s = performance.now();
      const r = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i], dispatcher: agent });
      const text = await r.body.text();
      if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}: ${text}`);
      lat[i] = performance.now() - s;
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(n - 1, Math.floor((p / 100) * n))];
parentPort.postMessage({ rate: n / secs, p50: pct(50), p99: pct(99) });
await agent.close();
