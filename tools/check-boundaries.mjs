#!/usr/bin/env node
// Fails when a package imports what its layer may not: libs/domain stays pure
// (no Nest, NATS, TypeORM, pg, no node I/O; of ours only contracts and
// templates), libs/templates imports only luxon and @huggingface/jinja (and
// contracts), libs/contracts imports nothing, only specs import
// @dozor/testing, and no app imports another app: what two services share
// lives in a lib. The launcher (apps/dozor) is the exception, since composing
// the services is its job.
//
// Usage: node tools/check-boundaries.mjs [root]   (root defaults to the repository)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = process.argv[2] ? resolve(process.argv[2]) : new URL('..', import.meta.url).pathname;
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** What pure code never imports: frameworks, transports, databases, node I/O. */
const impure = [/^@nestjs\//, /^@nats-io\//, /^nats$/, /^typeorm$/, /^pg$/, /^node:(fs|net|http|https|child_process|dgram)/, /^fastify/];
/** The launcher: the one app allowed to import the service apps. */
const LAUNCHER = 'dozor';
const apps = existsSync(join(root, 'apps'))
  ? readdirSync(join(root, 'apps'))
      .filter((d) => existsSync(join(root, 'apps', d, 'package.json')))
      .map((d) => ({ dir: d, name: JSON.parse(readFileSync(join(root, 'apps', d, 'package.json'), 'utf8')).name }))
  : [];
const appRules = apps
  .filter((a) => a.dir !== LAUNCHER)
  .map((a) => ({
    dir: `apps/${a.dir}`,
    forbid: apps.filter((o) => o.dir !== a.dir).map((o) => new RegExp(`^${escape(o.name)}$`)),
    specsMay: [],
    why: 'an app may not import another app (share it through a lib; only apps/dozor composes apps)',
  }));
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
  ...appRules,
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
  if (!existsSync(join(root, rule.dir))) continue;
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
      problems.push(`${rel}:${line}: imports ${spec}, which ${rule.dir} may not${rule.why ? `: ${rule.why}` : ''}`);
    }
  }
}
if (problems.length) {
  console.error(`module boundaries violated:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('module boundaries ok');
