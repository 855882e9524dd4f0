#!/usr/bin/env node
// Routing throughput: 50 routes per integration over the real Alertmanager
// fixtures, per filter kind, with the alert passing every route (worst case)
// or matching one in the middle. Prints alerts/s and compares with two limits
// measured in the same run on the same payloads:
//   - JSON.parse of the alert body (what receiving the alert costs at least);
//   - a bare loop over 50 precompiled `===` label checks (the cheapest router).
//
//   npx tsc -b libs/domain && node bench/routing/run.mjs [--seconds=1]
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { compileRoutes, selectRoute } = await import(`${root}libs/domain/dist/index.js`);
const { pythonJsonDumps, compileTemplate, renderTemplate, buildTemplateContext, ALERTMANAGER_TELEGRAM_MESSAGE_TEMPLATE } = await import(
  `${root}libs/templates/dist/index.js`
);
const { LinearRegex } = await import(`${root}libs/templates/dist/regex/index.js`);

const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 1);
const dir = `${root}test/fixtures/alertmanager/`;
const bodies = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'headers.json')
  .sort()
  .map((f) => JSON.stringify(JSON.parse(readFileSync(dir + f, 'utf8'))));
const payloads = bodies.map((b) => JSON.parse(b));
const ROUTES = 50;

/** Runs `fn(i)` for about `seconds`, returns operations per second (median of 3 rounds). */
function rate(fn) {
  for (let i = 0; i < 2_000; i++) fn(i);
  const rounds = [];
  for (let r = 0; r < 3; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round((seconds / 3) * 1e9));
    while (process.hrtime.bigint() - start < budget) {
      for (let k = 0; k < 64; k++) fn(n++);
    }
    rounds.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return rounds.sort((a, b) => a - b)[1];
}

const filler = {
  labels: (i) => ({ kind: 'labels', matchers: [`team="team-${i}"`, 'severity=~"critical|warning"'] }),
  regex: (i) => ({ kind: 'regex', pattern: `"team": "team-${i}"` }),
  jinja2: (i) => ({ kind: 'jinja2', template: `{{ payload.commonLabels.team == "team-${i}" and payload.commonLabels.severity in ["critical", "warning"] }}` }),
  mixed: (i) => [filler.labels, filler.regex, filler.jinja2][i % 3](i),
};
const seed = { kind: 'jinja2', template: '{{ payload.commonLabels.severity == "critical" }}' };

function routes(kind, seedAt) {
  const out = [];
  for (let i = 0; i < ROUTES - 1; i++) out.push({ id: `r${i}`, filter: i === seedAt ? seed : filler[kind](i), escalationChainId: `c${i}` });
  out.push({ id: 'default', filter: null, escalationChainId: 'default' });
  return compileRoutes(out);
}

const limits = {
  'JSON.parse of the body': rate((i) => JSON.parse(bodies[i % bodies.length])),
  '50 precompiled === checks': rate((i) => {
    const labels = payloads[i % payloads.length].commonLabels;
    for (let r = 0; r < ROUTES; r++) if (labels.team === `team-${r}`) return r;
    return -1;
  }),
};

const rows = [];
for (const kind of ['labels', 'regex', 'jinja2', 'mixed']) {
  for (const [scenario, seedAt] of [
    ['all 50 routes evaluated', -1],
    ['critical alerts stop at route 25', 24],
  ]) {
    const compiled = routes(kind, seedAt);
    const alertsPerSecond = rate((i) => selectRoute(compiled, payloads[i % payloads.length]));
    rows.push({
      filters: kind,
      scenario,
      'alerts/s': Math.round(alertsPerSecond),
      'µs/alert': +(1e6 / alertsPerSecond).toFixed(1),
      'x JSON.parse': +(limits['JSON.parse of the body'] / alertsPerSecond).toFixed(1),
      'x bare loop': Math.round(limits['50 precompiled === checks'] / alertsPerSecond),
    });
  }
}

// Components, to explain the numbers above.
const dumps = rate((i) => pythonJsonDumps(payloads[i % payloads.length]));
const vmRegex = new LinearRegex('"team": "team-(7|8)\\d*"');
const jsonTexts = payloads.map((p) => pythonJsonDumps(p));
const vm = rate((i) => vmRegex.test(jsonTexts[i % jsonTexts.length]));
const evil = new LinearRegex('(a+)+$');
const evilInput = `${'a'.repeat(100_000)}b`;
const evilRate = rate(() => evil.test(evilInput));

const telegram = compileTemplate(ALERTMANAGER_TELEGRAM_MESSAGE_TEMPLATE, 'telegram_message');
const contexts = payloads.map((p) => buildTemplateContext({ payload: p, sourceLink: p.externalURL }));
const telegramRate = rate((i) => renderTemplate(telegram, contexts[i % contexts.length]));
const bomb = compileTemplate(
  '{% for a in payload.groupKey %}{% for b in payload.groupKey %}{% for c in payload.groupKey %}{% for d in payload.groupKey %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}',
  'bomb',
);
const bombStart = process.hrtime.bigint();
const bombResult = renderTemplate(bomb, contexts[0]);
const bombMs = Number(process.hrtime.bigint() - bombStart) / 1e6;

console.log(
  `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${bodies.length} fixtures, ${ROUTES} routes per integration, ~${seconds}s per measurement\n`,
);
console.log('Limits measured in this run (operations/s):');
console.table(Object.fromEntries(Object.entries(limits).map(([k, v]) => [k, Math.round(v)])));
console.log('Routing throughput:');
console.table(rows);
console.log('Components (operations/s):');
console.table({
  'payload → Python json.dumps text': Math.round(dumps),
  'regex route test on that text (VM after prefilter)': Math.round(vm),
  '(a+)+$ over 100 001 chars': +evilRate.toFixed(1),
  'default telegram message render': Math.round(telegramRate),
});
console.log(`Loop bomb stopped by the budget after ${bombResult.steps} steps (${bombResult.ok ? 'ok?' : bombResult.error.kind}) in ${bombMs.toFixed(0)} ms.`);
