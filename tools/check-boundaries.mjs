#!/usr/bin/env node
// Fails when a library imports what its layer may not: libs/domain stays pure
// (no Nest, NATS, TypeORM, pg, no node I/O; of ours only contracts and
// templates), libs/templates imports only luxon and @huggingface/jinja (and
// contracts), libs/contracts imports nothing, and only specs import
// @dozor/testing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** What pure code never imports: frameworks, transports, databases, node I/O. */
const impure = [/^@nestjs\//, /^@nats-io\//, /^nats$/, /^typeorm$/, /^pg$/, /^node:(fs|net|http|https|child_process|dgram)/, /^fastify/];
const rules = [
  {
    dir: 'libs/domain/src',
    forbid: [...impure, /^@dozor\/(?!contracts$|templates$|templates\/regex$)/],
    specsMay: [/^@dozor\/testing$/, /^node:fs$/, /^node:url$/],
  },
  {
    // The Jinja2 engine: an allow-list, so a new dependency is a decision.
    dir: 'libs/templates/src',
    forbid: [...impure, /^(?!\.|@dozor\/contracts$|luxon$|@huggingface\/jinja$)/],
    specsMay: [/^@dozor\/testing$/, /^vitest$/, /^fast-check$/, /^node:fs$/, /^node:url$/],
  },
  { dir: 'libs/contracts/src', forbid: [/^@nestjs\//, /^@nats-io\//, /^typeorm$/, /^pg$/, /^@dozor\//], specsMay: [] },
  { dir: 'apps', forbid: [/^@dozor\/testing$/], specsMay: [/^@dozor\/testing$/] },
  { dir: 'libs', forbid: [/^@dozor\/testing$/], specsMay: [/^@dozor\/testing$/], skip: ['libs/testing'] },
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];
for (const rule of rules) {
  for (const file of files(join(root, rule.dir))) {
    const rel = relative(root, file);
    if (rule.skip?.some((s) => rel.startsWith(s))) continue;
    const isSpec = /\.spec\.ts$/.test(file) || rel.includes('/testing/');
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2];
      if (!rule.forbid.some((re) => re.test(spec))) continue;
      if (isSpec && rule.specsMay.some((re) => re.test(spec))) continue;
      const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
      problems.push(`${rel}:${line}: imports ${spec}, which ${rule.dir} may not`);
    }
  }
}
if (problems.length) {
  console.error(`module boundaries violated:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('module boundaries ok');
