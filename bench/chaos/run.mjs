#!/usr/bin/env node
// The longer chaos run of "Paging that holds": the acceptance test of
// test/chaos/paging-chaos.e2e.spec.ts with a bigger storm and several rounds of
// crashes (every service, NATS, Postgres), every check strict. Prints the
// summary (phases, crashes, Bot API calls, injected faults) and writes it to
// $TMPDIR/dozor-chaos-last-run.json.
//
//   node bench/chaos/run.mjs [--groups=900] [--users=45] [--rounds=3] [--seed=…] [--lenient]
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: '900' },
    users: { type: 'string', default: '45' },
    rounds: { type: 'string', default: '3' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    lenient: { type: 'boolean', default: false },
  },
});
const root = fileURLToPath(new URL('../..', import.meta.url));
const report = join(tmpdir(), 'dozor-chaos-last-run.json');
const rounds = Number(values.rounds);
const env = {
  ...process.env,
  CHAOS_GROUPS: values.groups,
  CHAOS_USERS: values.users,
  CHAOS_ROUNDS: values.rounds,
  CHAOS_SEED: values.seed,
  // Each round of crashes takes about a minute on a small machine; the waits for paging scale with it.
  CHAOS_BUDGET_MS: String(240_000 + rounds * 120_000),
  CHAOS_REPORT: report,
  ...(values.lenient ? {} : { CHAOS_STRICT: '1' }),
};
const t0 = Date.now();
const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/chaos'], { cwd: root, env, stdio: 'inherit' });
console.log(`\nchaos bench: ${values.groups} groups, ${values.users} users, ${rounds} rounds, seed ${values.seed}: ${Math.round((Date.now() - t0) / 1000)} s`);
try {
  console.log(readFileSync(report, 'utf8'));
} catch {
  console.log('no report written');
}
process.exit(r.status ?? 1);
