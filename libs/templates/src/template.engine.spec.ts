import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildTemplateContext, capRendered, compileTemplate, renderTemplate, renderTemplateSource, unknownNames, MAX_TITLE_CHARS } from './index.js';

describe('compileTemplate / renderTemplate', () => {
  it('never throws: a template that does not compile carries its error, and renders return it', () => {
    for (const src of ['{{ x ', '{% if %}', '{% for x %}', '{% endif %}', '{% raw %}{% endraw %}', 42 as unknown as string]) {
      const t = compileTemplate(src, 'web_title');
      expect(t.error, String(src)).not.toBeNull();
      expect(t.error?.template).toBe('web_title');
      const r = renderTemplate(t, { payload: {} });
      expect(r).toMatchObject({ ok: false, error: { template: 'web_title' } });
    }
  });

  it('renders with Python semantics: True/False/None and Python reprs', () => {
    const payload = { commonLabels: { severity: 'critical' }, n: null, l: ['a', 'b'], d: { a: 1 } };
    const r = renderTemplateSource(
      '{{ payload.commonLabels.severity == "critical" }} {{ payload.n }} {{ payload.l }} {{ payload.d }} {{ payload.missing }}|',
      't',
      { payload },
    );
    expect(r).toMatchObject({ ok: true, output: "True None ['a', 'b'] {'a': 1} |", truncated: false });
  });

  it('reports errors with the template name and the Jinja2 error kind', () => {
    const r = renderTemplateSource('{{ payload.a.b.c }}', 'telegram_message', { payload: {} });
    expect(r).toMatchObject({ ok: false, error: { template: 'telegram_message', kind: 'UndefinedError', message: "'dict object' has no attribute 'a'" } });
  });

  it('time() uses the clock it is given and fails without one', () => {
    const now = Date.UTC(2026, 10, 24, 1, 0, 0);
    expect(renderTemplateSource('{{ time() }}', 't', {}, { now })).toMatchObject({ ok: true, output: '2026-11-24 01:00:00+00:00' });
    expect(renderTemplateSource('{{ time() }}', 't', {})).toMatchObject({ ok: false, error: { kind: 'ValueError' } });
  });

  it('cuts output at the limit, ending in ..', () => {
    const r = renderTemplateSource('{{ payload }}', 't', { payload: 'x'.repeat(100) }, { maxOutputChars: 10 });
    expect(r).toMatchObject({ ok: true, output: 'xxxxxxxxxx..', truncated: true });
  });

  it('caps titles for the caller', () => {
    expect(capRendered('short', MAX_TITLE_CHARS)).toBe('short');
    const long = capRendered('y'.repeat(600), MAX_TITLE_CHARS);
    expect(long).toBe(`${'y'.repeat(500)}..`);
    expect(capRendered(`${'a'.repeat(9)}😀😀`, 10)).toBe(`${'a'.repeat(9)}..`);
  });

  it('reports the work a render took', () => {
    const r = renderTemplateSource('{% for x in payload %}{{ x }}{% endfor %}', 't', { payload: [1, 2, 3] });
    expect(r.ok && r.steps).toBeGreaterThan(5);
  });

  it('builds the context under OnCall names and Dozor names', () => {
    const ctx = buildTemplateContext({
      payload: { a: 1 },
      labels: { team: 'sre' },
      integrationName: 'AM',
      sourceLink: 'http://src',
      groupingId: 'g',
      alertGroupId: 'AG1',
      alertGroupLink: 'http://dozor/ag/AG1',
    });
    const r = renderTemplateSource(
      '{{ payload.a }} {{ labels.team }} {{ integration_name }} {{ source_link }} {{ grouping_id }} {{ alert_group_id }} {{ alert_group_link }} {{ grafana_oncall_incident_id }} {{ grafana_oncall_link }} {{ amixr_incident_id }}',
      't',
      ctx,
    );
    expect(r).toMatchObject({ ok: true, output: '1 sre AM http://src g AG1 http://dozor/ag/AG1 AG1 http://dozor/ag/AG1 AG1' });
    expect(renderTemplateSource('{{ source_link }}|{{ grouping_id }}|', 't', buildTemplateContext({ payload: {} }))).toMatchObject({
      ok: true,
      output: 'None||',
    });
  });

  it('a compiled template renders many times without leaking state between renders', () => {
    const t = compileTemplate('{% set _ = payload.l.append(1) %}{{ payload.l | length }}', 't');
    const payload = { l: [] as number[] };
    expect(renderTemplate(t, { payload })).toMatchObject({ output: '1' });
    expect(renderTemplate(t, { payload })).toMatchObject({ output: '1' });
    expect(payload.l).toEqual([]);
  });

  it('fails on an unknown filter or test only where one is reached (Jinja2 >= 3.0), and names them for warnings', () => {
    const t = compileTemplate('{% if payload.x %}{{ payload.x | nope }}{{ 1 is nopetest }}{% endif %}ok', 'web_title');
    expect(t.error).toBeNull();
    expect(unknownNames(t)).toEqual({ filters: ['nope'], tests: ['nopetest'] });
    expect(renderTemplate(t, { payload: {} })).toMatchObject({ ok: true, output: 'ok' });
    expect(renderTemplate(t, { payload: { x: 1 } })).toMatchObject({ ok: false, error: { template: 'web_title', message: "No filter named 'nope'." } });
  });

  it('never throws on arbitrary template soup', () => {
    const fragments = [
      '{{',
      '}}',
      '{%',
      '%}',
      '{#',
      '#}',
      ' for ',
      ' in ',
      ' if ',
      ' else ',
      ' endif ',
      ' endfor ',
      ' set ',
      '=',
      'x',
      'payload',
      '.',
      '(',
      ')',
      '[',
      ']',
      '"a"',
      "'b'",
      '1',
      '|',
      'upper',
      ' is ',
      ' not ',
      'defined',
      ',',
      ':',
      '{',
      '}',
      '-',
      '*',
      '%',
      '~',
      ' and ',
      'macro',
      'endmacro',
      'call',
      '\\',
      '\n',
      ' ',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 40 }), (parts) => {
        const r = renderTemplate(compileTemplate(parts.join(''), 'soup'), { payload: { a: 1, x: [1, 2] } }, { maxSteps: 10_000 });
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2_000 },
    );
  });
});
