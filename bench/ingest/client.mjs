// HTTP load client for bench/ingest/run.mjs, run in a worker thread.
import { workerData, parentPort } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { pool } from './pool.mjs';

const { url, n, c, bodies } = workerData;
const agent = new Agent({ connections: c, pipelining: 1 });
const result = await pool(n, c, async (i) => {
  const r = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i], dispatcher: agent });
  const text = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}: ${text}`);
});
parentPort.postMessage(result);
await agent.close();
