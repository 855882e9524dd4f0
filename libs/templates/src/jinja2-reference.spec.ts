import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileTemplate, renderTemplate } from './template.engine.js';
import * as alertmanagerDefaults from './oncall-alertmanager.templates.js';
import * as webhookDefaults from './oncall-webhook.templates.js';

/** Shape of testdata/jinja2-reference.json (written by tools/jinja2/render_reference.py). */
interface ReferenceCase {
  id: string;
  group: 'default' | 'docs' | 'feature' | 'hostile';
  template: string;
  templateRef?: string;
  payload: { fixture: string } | { inline: string };
  context: Record<string, unknown>;
  expected: { ok: true; output: string } | { ok: false; error: string; message: string };
  deviation?: string;
}

interface ReferenceFile {
  jinja2: string;
  nowMs: number;
  payloads: Record<string, unknown>;
  cases: ReferenceCase[];
}

/** The render context of a case; payloads are deep-copied so templates cannot leak mutations. */
function caseContext(ref: ReferenceFile, c: ReferenceCase, fixtures: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const payload = 'fixture' in c.payload ? fixtures[c.payload.fixture] : ref.payloads[c.payload.inline];
  return { ...c.context, payload: JSON.parse(JSON.stringify(payload)) as unknown };
}

type Outcome = { ok: true; output: string } | { ok: false };

function sameOutcome(expected: ReferenceCase['expected'], actual: Outcome): boolean {
  if (!expected.ok) return !actual.ok;
  return actual.ok && actual.output === expected.output;
}

const ref = JSON.parse(readFileSync(new URL('./testdata/jinja2-reference.json', import.meta.url), 'utf8')) as ReferenceFile;
const fixturesDir = fileURLToPath(new URL('../../../test/fixtures/alertmanager/', import.meta.url));
const fixtures: Record<string, unknown> = Object.fromEntries(
  readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.json') && f !== 'headers.json')
    .map((f) => [f, JSON.parse(readFileSync(fixturesDir + f, 'utf8')) as unknown]),
);

const defaults: Record<string, unknown> = { ...alertmanagerDefaults, ...webhookDefaults };
const compiled = new Map<string, ReturnType<typeof compileTemplate>>();
function render(c: ReferenceFile['cases'][number]): ReturnType<typeof renderTemplate> {
  let t = compiled.get(c.template);
  if (!t) {
    t = compileTemplate(c.template, c.id);
    compiled.set(c.template, t);
  }
  return renderTemplate(t, caseContext(ref, c, fixtures), { now: ref.nowMs });
}

describe('Jinja2 reference (Python Jinja2 ' + ref.jinja2 + ')', () => {
  it('covers every Alertmanager fixture with every default template', () => {
    const names = Object.keys(fixtures);
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const refName of [
      'ALERTMANAGER_GROUPING_ID_TEMPLATE',
      'ALERTMANAGER_RESOLVE_CONDITION_TEMPLATE',
      'ALERTMANAGER_SOURCE_LINK_TEMPLATE',
      'ALERTMANAGER_WEB_TITLE_TEMPLATE',
      'ALERTMANAGER_WEB_MESSAGE_TEMPLATE',
      'ALERTMANAGER_TELEGRAM_TITLE_TEMPLATE',
      'ALERTMANAGER_TELEGRAM_MESSAGE_TEMPLATE',
    ]) {
      const covered = ref.cases.filter((c) => c.templateRef === refName).map((c) => ('fixture' in c.payload ? c.payload.fixture : ''));
      expect(covered.sort()).toEqual(names.sort());
    }
  });

  it('was generated from the templates the code exports (regenerate with tools/jinja2/render_reference.py)', () => {
    for (const c of ref.cases.filter((x) => x.templateRef)) {
      expect(defaults[c.templateRef as string], c.id).toBe(c.template);
    }
  });

  it('renders at least 10 distinct OnCall templates (defaults and documentation)', () => {
    const distinct = new Set(ref.cases.filter((c) => c.group === 'default' || c.group === 'docs').map((c) => c.template));
    expect(distinct.size).toBeGreaterThanOrEqual(10);
  });

  const comparable = ref.cases.filter((c) => !c.deviation);
  it.each(comparable.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const actual = render(c);
    if (c.expected.ok) {
      expect(actual.ok ? actual.output : actual.error).toBe(c.expected.output);
    } else {
      expect(actual.ok, `Jinja2 raised ${c.expected.error}: ${c.expected.message}`).toBe(false);
    }
  });

  it.each(ref.cases.filter((c) => c.deviation).map((c) => [c.id, c] as const))('documented deviation still holds: %s', (_id, c) => {
    expect(sameOutcome(c.expected, render(c))).toBe(false);
  });

  it('matches every comparable render', () => {
    const matched = comparable.filter((c) => sameOutcome(c.expected, render(c))).length;
    const byGroup = Object.fromEntries(
      (['default', 'docs', 'feature', 'hostile'] as const).map((g) => {
        const cs = comparable.filter((c) => c.group === g);
        return [g, `${cs.filter((c) => sameOutcome(c.expected, render(c))).length}/${cs.length}`];
      }),
    );
    console.log(`Jinja2 reference: ${matched}/${comparable.length} renders match`, byGroup);
    expect(matched).toBe(comparable.length);
  });
});
