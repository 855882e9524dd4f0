#!/usr/bin/env node
// Resident memory of each Dozor service, as its own process (the targets a
// production install runs), at idle and with many open alert groups.
//
//   node bench/memory/run.mjs [--groups=100000] [--concurrency=32] [--settle=10]
//
// Goals (issue "Performance"): RSS per service at idle below 120 MB, and with
// 100k open alert groups below 600 MB. The floor printed beside them is the
// RSS of a bare Node.js process that has loaded nothing, measured in the same
// run. Every group's chain is one long wait, so the groups stay open and each
// holds a pending timer; nobody is paged.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { Agent, request } from 'undici';
import { DozorSystem, SEPARATE_SERVICES, TOKEN, loadFixture } from '@dozor/testing';

const { values } = parseArgs({
  options: { groups: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '32' }, settle: { type: 'string', default: '10' } },
});
const GROUPS = Number(values.groups);
const C = Number(values.concurrency);
const SETTLE_MS = Number(values.settle) * 1000;
const IDLE_GOAL_MB = 120;
const LOADED_GOAL_MB = 600;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// Floor: a Node.js process doing nothing.
const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
await sleep(1000);
const floorMb = rssMb(bare.pid);
bare.kill();

const TARGETS = [...SEPARATE_SERVICES, 'scheduler'];
const sys = await DozorSystem.open('bmem');
try {
  const config = join(sys.iso.dir, 'dozor.yaml');
  // The benchmark measures memory, not the per-integration rate limit (default 3000 per 5 minutes).
  writeFileSync(
    config,
    `users:\n  - id: alice\n    telegram_user_id: "111"\nintegrations:\n  - id: am\n    type: alertmanager\n    token: ${TOKEN}\n    rate_limit: { requests: 1000000000, per: 1m }\n    default_route:\n      escalation_chain: long\nescalation_chains:\n  - id: long\n    steps:\n      - wait: 24h\n      - notify_persons: [alice]\n`,
  );
  await sys.start(TARGETS, { DOZOR_CONFIG: config, LOG_LEVEL: 'error' });
  await sleep(SETTLE_MS);
  const idle = Object.fromEntries(TARGETS.map((t) => [t, rssMb(sys.proc(t).pid)]));

  // N new alert groups: the captured firing payload with a group key and alert name of its own.
  const base = loadFixture('firing-flapping.json').json;
  const url = `${sys.proc('ingest').url}/integrations/v1/alertmanager/${TOKEN}/`;
  const agent = new Agent({ connections: C });
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < GROUPS; i = next++) {
      const name = `Mem${i}`;
      const body = {
        ...base,
        groupKey: `{}:{alertname="${name}"}`,
        groupLabels: { alertname: name },
        commonLabels: { ...base.commonLabels, alertname: name },
        alerts: base.alerts.map((a) => ({ ...a, labels: { ...a.labels, alertname: name }, fingerprint: `${i.toString(16)}` })),
      };
      for (;;) {
        const r = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), dispatcher: agent });
        await r.body.text();
        if (r.statusCode === 200) break;
        await sleep(100); // 429 or 503: try again, as Alertmanager does
      }
    }
  };
  await Promise.all(Array.from({ length: C }, worker));
  const posted = Date.now();
  // Until the API lists them all (the projection caught up).
  for (;;) {
    const r = await request(`${sys.proc('api').url}/api/v1/alert_groups/?perpage=1`, {
      headers: { authorization: sys.env().DOZOR_API_TOKEN },
      dispatcher: agent,
    });
    const j = await r.body.json();
    if (j.count >= GROUPS) break;
    await sleep(1000);
  }
  const projected = Date.now();
  await sleep(SETTLE_MS);
  const loaded = Object.fromEntries(TARGETS.map((t) => [t, rssMb(sys.proc(t).pid)]));
  await agent.close();

  const rows = TARGETS.map((t) => ({
    service: t,
    'idle MB': Number(idle[t].toFixed(1)),
    [`with ${GROUPS} open groups MB`]: Number(loaded[t].toFixed(1)),
    'idle / floor': Number((idle[t] / floorMb).toFixed(2)),
  }));
  console.log(
    `memory per service: ${GROUPS} open alert groups (posted in ${((posted - started) / 1000).toFixed(1)} s, projected ${((projected - posted) / 1000).toFixed(1)} s later)`,
  );
  console.table(rows);
  console.log(`floor: a bare Node.js process ${floorMb.toFixed(1)} MB`);
  const idleMax = Math.max(...Object.values(idle));
  const loadedMax = Math.max(...Object.values(loaded));
  console.log(`idle: largest ${idleMax.toFixed(1)} MB, goal < ${IDLE_GOAL_MB} MB: ${idleMax < IDLE_GOAL_MB ? 'met' : 'NOT met'}`);
  console.log(
    `loaded: largest ${loadedMax.toFixed(1)} MB, goal < ${LOADED_GOAL_MB} MB with 100000 groups: ${GROUPS < 100000 ? `not judged (${GROUPS} groups)` : loadedMax < LOADED_GOAL_MB ? 'met' : 'NOT met'}`,
  );
} finally {
  await sys.stop();
}
process.exit(0);
