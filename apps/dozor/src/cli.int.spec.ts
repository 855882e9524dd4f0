import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the built CLI (npm run build first); commands here need neither NATS nor Postgres. */
function dozor(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['apps/dozor/dist/main.js', ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('dozor CLI', () => {
  it('apply -f validates the file, then says apply is not supported yet and what to do instead (exit 69)', async () => {
    for (const args of [
      ['apply', '-f', 'examples/seed/dozor.yaml'],
      ['apply', '-f', 'examples/seed/dozor.yaml', '--dry-run'],
    ]) {
      const r = await dozor(...args);
      expect(r.code, r.stderr).toBe(69);
      expect(r.stderr).toMatch(/^dozor apply is not supported yet: .* examples\/seed\/dozor\.yaml is valid \(1 users, .*restart the services/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('apply with a bad file is a config error naming file and line; without -f a usage error', async () => {
    const bad = await dozor('apply', '-f', 'examples/seed/alert-always-fire.yaml');
    expect(bad.code).toBe(78);
    expect(bad.stderr).toMatch(/^config error: examples\/seed\/alert-always-fire\.yaml:2:\d+: apiVersion: unknown field/);
    const none = await dozor('apply');
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/^dozor apply needs -f <file>/);
  });

  it('an unknown option is a usage error, not a stack trace', async () => {
    const r = await dozor('--bogus');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^Unknown option '--bogus'/);
    expect(r.stderr).toMatch(/Usage:/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
