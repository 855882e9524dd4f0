import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot, fixturesDir, goJsonMarshal, listFixtures, loadFixture } from './fixtures.js';

describe('fixtures', () => {
  it('finds the repository root and the shared fixtures beside it', () => {
    const root = findRepoRoot();
    expect(readFileSync(path.join(root, 'nx.json'), 'utf8')).toContain('namedInputs');
    expect(fixturesDir()).toBe(path.resolve(root, 'test/fixtures/alertmanager'));
    expect(listFixtures()).toContain('firing-single.json');
  });

  it('rebuilds the exact wire body Alertmanager sent', () => {
    const headers = loadFixture<{ exampleRawBody: string; headers: Record<string, string> }>('headers.json').json;
    const fx = loadFixture('firing-single');
    expect(fx.body).toBe(headers.exampleRawBody);
    expect(Buffer.byteLength(fx.body)).toBe(Number(headers.headers['content-length']));
    expect(fx.json.groupLabels).toEqual({ alertname: 'AlwaysFiringTest', severity: 'critical' });
    expect(fx.body).toContain('-\\u003e webhook');
    expect(fx.body.endsWith('}\n')).toBe(true);
  });

  it('loads every payload fixture as one line of JSON that parses back to the same object', () => {
    for (const name of listFixtures().filter((n) => n !== 'headers.json')) {
      const fx = loadFixture(name);
      expect(fx.body.indexOf('\n')).toBe(fx.body.length - 1);
      expect(JSON.parse(fx.body)).toEqual(fx.json);
    }
  });

  it('escapes like Go', () => {
    expect(goJsonMarshal({ a: '<x> & \u2028' })).toBe('{"a":"\\u003cx\\u003e \\u0026 \\u2028"}');
  });

  it('refuses paths', () => {
    expect(() => loadFixture('../fixtures/alertmanager/resolved.json')).toThrow(/file name/);
  });
});
