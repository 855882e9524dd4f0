#!/usr/bin/env node
// Fails when a package imports what its layer may not: libs/domain stays pure
// (no Nest, NATS, TypeORM, pg, no node I/O; of ours only contracts and
// templates), libs/templates imports only luxon and @huggingface/jinja (and
// contracts), libs/contracts imports nothing, only specs import
// @dozor/testing, and no app imports another app: what two services share
// lives in a lib. The launcher (apps/dozor) is the exception, since composing
// the services is its job. It also keeps one file-naming style (see "Naming"
// in docs/architecture.md): kebab-case words, a role as a dot suffix from
// ROLES (`timer.store.ts`, never `timer-store.ts`), tests as `.spec.ts`,
// `.int.spec.ts` or `.e2e.spec.ts`.
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

function* files(dir, ending = /\.ts$/) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p, ending);
    else if (ending.test(p)) yield p;
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
/** The roles a file's job may name, as a dot suffix: `alert-group.decider.ts`, `timer.store.ts`. */
const ROLES = new Set(
  (
    'ast binding budget builtins client commands compiler config context controller decider decorator defaults engine entity filter filters format guard handler helpers interpreter loader lookup matcher middleware model ' +
    'module names ops parser payloads projection read-model repository runtime selector serializer service state store sync templates test-functions text transformer transport types vm worker writer'
  ).split(' '),
);
/** Roles that are also plain nouns: `date-text.ts` holds texts of dates, it is not the dates' text role. */
const NOUNS = new Set(['text']);
const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;
for (const dir of ['apps', 'libs', 'test', 'bench', 'tools']) {
  if (!existsSync(join(root, dir))) continue;
  for (const file of files(join(root, dir), /\.(ts|mts|mjs|js)$/)) {
    const rel = relative(root, file);
    const [name, ...roles] = rel
      .split('/')
      .pop()
      .replace(/(\.(int|e2e))?\.spec\.ts$|\.(ts|mts|mjs|js)$/, '')
      .split('.');
    const fail = (why) => problems.push(`${rel}: ${why} (file names are kebab-case, a role as a dot suffix from the list in tools/check-boundaries.mjs)`);
    // A spec may name the aspect it covers: `config.integrations.spec.ts`.
    const role = /\.spec\.ts$/.test(rel) ? undefined : roles.find((r) => !ROLES.has(r));
    const dashRole = name.split('-').pop();
    if (![name, ...roles].every((part) => kebab.test(part))) fail('not kebab-case');
    else if (role !== undefined) fail(`.${role} is not a role`);
    else if (roles.length === 0 && name.includes('-') && ROLES.has(dashRole) && !NOUNS.has(dashRole))
      fail(`the role goes after a dot: ${name.slice(0, -dashRole.length - 1)}.${dashRole}`);
  }
}
if (problems.length) {
  console.error(`module boundaries or file names violated:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('module boundaries and file names ok');
