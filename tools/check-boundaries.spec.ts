import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./check-boundaries.mjs', import.meta.url));
const run = (root?: string) => spawnSync(process.execPath, root ? [script, root] : [script], { encoding: 'utf8' });

/** A tree of three apps (two services and the launcher) and one lib, with the given extra files. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dozor-boundaries-'));
  const base: Record<string, string> = {
    'apps/api/package.json': JSON.stringify({ name: '@dozor/api' }),
    'apps/api/src/index.ts': `import { ApiAuth } from '@dozor/platform';\n`,
    'apps/scheduler/package.json': JSON.stringify({ name: '@dozor/scheduler' }),
    'apps/scheduler/src/index.ts': `import { Runtime } from '@dozor/platform';\n`,
    'apps/dozor/package.json': JSON.stringify({ name: '@dozor/dozor' }),
    'apps/dozor/src/services.ts': `import { apiService } from '@dozor/api';\nimport { schedulerService } from '@dozor/scheduler';\n`,
    'libs/platform/src/index.ts': `export const x = 1;\n`,
  };
  for (const [path, text] of Object.entries({ ...base, ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('tools/check-boundaries.mjs', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  it('passes on the repository', () => {
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('lets the launcher import the service apps and apps import libs', () => {
    roots.push(tree({}));
    const r = run(roots[0]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('fails on an app importing another app, naming the file, the line and the package', () => {
    roots.push(
      tree({ 'apps/scheduler/src/rest/guarded.controller.ts': `import { Controller } from '@nestjs/common';\nimport { ApiTokenGuard } from '@dozor/api';\n` }),
    );
    const r = run(roots[0]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /apps\/scheduler\/src\/rest\/guarded\.controller\.ts:2: imports @dozor\/api, which apps\/scheduler may not: an app may not import another app/,
    );
  });

  it('fails on specs and dynamic imports too, and on a service importing the launcher', () => {
    roots.push(
      tree({
        'apps/api/src/api.spec.ts': `const m = await import('@dozor/scheduler');\n`,
        'apps/scheduler/src/start.ts': `export { start } from '@dozor/dozor';\n`,
      }),
    );
    const r = run(roots[0]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/apps\/api\/src\/api\.spec\.ts:1: imports @dozor\/scheduler/);
    expect(r.stderr).toMatch(/apps\/scheduler\/src\/start\.ts:1: imports @dozor\/dozor/);
  });

  it('fails on a file name that breaks the naming rule, naming the path and the rule', () => {
    const ok = `export const x = 1;\n`;
    roots.push(
      tree({
        'apps/scheduler/src/rest/timer-store.ts': ok,
        'apps/scheduler/src/rest/shiftSwaps.controller.ts': ok,
        'apps/scheduler/src/rest/schedule.stuff.ts': ok,
        'apps/scheduler/src/rest/schedule.store.ts': ok,
        'apps/scheduler/src/rest/schedule.layers.spec.ts': ok,
        'apps/scheduler/src/rest/date-text.ts': ok,
        'test/e2e/alert-path.e2e.spec.ts': ok,
      }),
    );
    const r = run(roots[0]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/apps\/scheduler\/src\/rest\/timer-store\.ts: the role goes after a dot: timer\.store \(file names are kebab-case/);
    expect(r.stderr).toMatch(/apps\/scheduler\/src\/rest\/shiftSwaps\.controller\.ts: not kebab-case/);
    expect(r.stderr).toMatch(/apps\/scheduler\/src\/rest\/schedule\.stuff\.ts: \.stuff is not a role/);
    expect(r.stderr.split('\n').filter((l) => l.includes(': '))).toHaveLength(3);
  });
});
