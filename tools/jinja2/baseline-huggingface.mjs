#!/usr/bin/env node
// "Before" numbers: renders the Jinja2 reference cases with plain
// `@huggingface/jinja` (its `Template` class, no Dozor runtime) and counts how
// many match Python's Jinja2, per group, then does the same with Dozor's engine
// (needs `npx tsc -b libs/templates` first).
//
//   node tools/jinja2/baseline-huggingface.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Template } from '@huggingface/jinja';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ref = JSON.parse(readFileSync(`${root}libs/templates/src/testdata/jinja2-reference.json`, 'utf8'));
const fixturesDir = `${root}test/fixtures/alertmanager/`;
const fixtures = Object.fromEntries(
  readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.json') && f !== 'headers.json')
    .map((f) => [f, JSON.parse(readFileSync(fixturesDir + f, 'utf8'))]),
);
const { compileTemplate, renderTemplate } = await import(`${root}libs/templates/dist/index.js`);

const context = (c) => ({ ...c.context, payload: structuredClone('fixture' in c.payload ? fixtures[c.payload.fixture] : ref.payloads[c.payload.inline]) });
const same = (expected, actual) => (expected.ok ? actual.ok && actual.output === expected.output : !actual.ok);

function library(c) {
  // range(100000000) makes the library build a 10^8-element array and run out of memory: a miss.
  if (c.id === 'hostile-range') return { ok: true, output: '<out of memory>' };
  try {
    return { ok: true, output: new Template(c.template).render(context(c)) };
  } catch {
    return { ok: false };
  }
}

function dozor(c) {
  const r = renderTemplate(compileTemplate(c.template, c.id), context(c), { now: ref.nowMs });
  return r.ok ? { ok: true, output: r.output } : { ok: false };
}

const groups = {
  'default: alertmanager': (c) => c.templateRef?.startsWith('ALERTMANAGER_'),
  'default: webhook, formatted_webhook': (c) => c.group === 'default' && !c.templateRef?.startsWith('ALERTMANAGER_'),
  docs: (c) => c.group === 'docs',
  feature: (c) => c.group === 'feature',
  hostile: (c) => c.group === 'hostile',
  all: () => true,
};
const rows = [];
for (const [group, pick] of Object.entries(groups)) {
  const cases = ref.cases.filter((c) => !c.deviation && pick(c));
  rows.push({
    group,
    '@huggingface/jinja': `${cases.filter((c) => same(c.expected, library(c))).length}/${cases.length}`,
    dozor: `${cases.filter((c) => same(c.expected, dozor(c))).length}/${cases.length}`,
  });
}
console.table(rows);
