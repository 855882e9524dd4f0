import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AlertmanagerPayload } from '@dozor/contracts';

/**
 * Loader for the real Alertmanager captures in `test/fixtures/alertmanager/`
 * (relative to the repository root, the folder holding `nx.json`).
 */
export interface Fixture<T = AlertmanagerPayload> {
  name: string;
  path: string;
  /** The parsed fixture (the files are pretty-printed). */
  json: T;
  /** The body as Alertmanager sends it: compact JSON with Go's HTML escaping, plus `\n`. */
  body: string;
}

/** Walks up from `from` (default: this file's folder) to the folder that contains `nx.json`. */
export function findRepoRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No nx.json found above ${from}`);
    dir = parent;
  }
}

export function fixturesDir(repoRoot: string = findRepoRoot()): string {
  return path.resolve(repoRoot, 'test/fixtures/alertmanager');
}

/** Fixture file names (`*.json`), sorted. */
export function listFixtures(): string[] {
  return readdirSync(fixturesDir())
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/**
 * Encodes like Go's `encoding/json.Marshal`, which Alertmanager uses: compact,
 * keys in the given order, `<` `>` `&` as `\u003c` `\u003e` `\u0026`, and
 * U+2028 / U+2029 escaped. No trailing newline.
 */
export function goJsonMarshal(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `loadFixture('firing-single')` or `loadFixture('firing-single.json')`. */
export function loadFixture<T = AlertmanagerPayload>(name: string): Fixture<T> {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  if (file !== path.basename(file)) throw new Error(`Fixture name must be a file name: ${name}`);
  const full = path.join(fixturesDir(), file);
  const json = JSON.parse(readFileSync(full, 'utf8')) as T;
  return { name: file, path: full, json, body: `${goJsonMarshal(json)}\n` };
}
