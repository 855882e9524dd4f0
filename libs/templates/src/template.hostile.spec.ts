import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate, renderTemplateSource } from './template.engine.js';
import { DEFAULT_RENDER_LIMITS } from './runtime/render.budget.js';
import { MAX_TEMPLATE_CHARS, type RenderResult } from './template.types.js';

const payload = { s: 'x'.repeat(1000), a: `${'a'.repeat(100_000)}b`, labels: { severity: 'critical' } };
const render = (src: string, limits = {}): RenderResult => renderTemplateSource(src, 'hostile', { payload }, limits);

function expectBudgetStop(r: RenderResult, maxSteps: number): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error.kind).toBe('BudgetExceeded');
  expect(r.error.template).toBe('hostile');
  expect(r.steps).toBeLessThanOrEqual(maxSteps + 1_000);
}

describe('hostile templates are stopped within their bounds', () => {
  it('a loop bomb (10^9 iterations) stops at the step budget', () => {
    const bomb = '{% for a in payload.s %}{% for b in payload.s %}{% for c in payload.s %}{% endfor %}{% endfor %}{% endfor %}';
    const r = render(bomb, { maxSteps: 100_000 });
    expectBudgetStop(r, 100_000);
    expect(r.steps).toBeGreaterThan(100_000);
  });

  it('the default budget stops it too', () => {
    const r = render('{% for a in payload.s %}{% for b in payload.s %}{% for c in payload.s %}{{ "" }}{% endfor %}{% endfor %}{% endfor %}');
    expectBudgetStop(r, DEFAULT_RENDER_LIMITS.maxSteps);
  });

  it('range() is restricted, as in OnCall', () => {
    const r = render('{% for i in range(100000000) %}x{% endfor %}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('SecurityError');
  });

  it('a huge string is refused before it is allocated', () => {
    for (const src of [
      '{{ "x" * 10**12 }}',
      '{{ ("ab" * 1000000) * 1000000 }}',
      '{{ payload.s | center(10**10) }}',
      '{{ "%10000000000d" % 1 }}',
      '{{ payload.s.zfill(10**12) }}',
    ]) {
      const r = render(src);
      expect(r.ok, src).toBe(false);
      if (!r.ok) expect(r.error.kind, src).toBe('BudgetExceeded');
    }
  });

  it('doubling a string or a list in a loop stops at the value and allocation limits', () => {
    expectBudgetStop(
      render('{% set ns = namespace(s="ab") %}{% for i in payload.s %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}'),
      DEFAULT_RENDER_LIMITS.maxSteps,
    );
    expectBudgetStop(render('{% set l = [1] %}{% for i in payload.s %}{% set _ = l.extend(l) %}{% endfor %}{{ l | length }}'), DEFAULT_RENDER_LIMITS.maxSteps);
    expectBudgetStop(render('{{ [1] * 10**9 }}'), DEFAULT_RENDER_LIMITS.maxSteps);
  });

  it('a flood of output is cut at the output limit, ending in ..', () => {
    const r = render('{% for a in payload.s %}{% for b in payload.s %}{{ a }}{% endfor %}{% endfor %}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.truncated).toBe(true);
    expect(r.output.length).toBe(DEFAULT_RENDER_LIMITS.maxOutputChars + 2);
    expect(r.output.endsWith('..')).toBe(true);
    expect(r.steps).toBeLessThan(200_000);
  });

  it('unbounded macro recursion stops at the call depth', () => {
    const r = render('{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/nested deeper than 64/);
  });

  it('deep nesting and oversized templates fail to compile instead of crashing', () => {
    const deep = compileTemplate(`{{ ${'('.repeat(20_000)}1${')'.repeat(20_000)} }}`, 'deep');
    expect(deep.error?.kind).toMatch(/TemplateSyntaxError|BudgetExceeded/);
    const big = compileTemplate('x'.repeat(MAX_TEMPLATE_CHARS + 1), 'big');
    expect(big.error?.message).toMatch(/at most 50000/);
    expect(renderTemplate(big, { payload }).ok).toBe(false);
  });

  it('a catastrophic regex in a filter runs in linear time', () => {
    const r = render('{{ payload.a | regex_search("(a+)+$") }} {{ payload.a | regex_replace("(a|aa)+c", "x") | length }}');
    expect(r).toMatchObject({ ok: true, output: 'False 100001' });
    expect(r.steps).toBeLessThan(100_000);
  });

  it('cannot reach constructor, prototype, process or Function', () => {
    const attempts = [
      '{{ "".constructor.constructor("return process")() }}',
      '{{ "".constructor }}',
      '{{ payload.constructor }}',
      '{{ payload.constructor.constructor("return process")() }}',
      '{{ payload["constructor"]["constructor"] }}',
      '{{ payload.__proto__ }}',
      '{{ payload.prototype }}',
      '{{ payload.toString }}',
      '{{ payload.hasOwnProperty("s") }}',
      '{{ [].constructor }}',
      '{{ (1).constructor }}',
      '{{ payload.get.constructor }}',
      '{{ "".upper.call }}',
      '{{ namespace.constructor }}',
      '{{ process }}',
      '{{ process.env }}',
      '{{ globalThis }}',
      '{{ require("fs") }}',
      '{{ "".__class__.__mro__[1].__subclasses__() }}',
      '{{ cycler.__init__.__globals__.os }}',
      '{{ lipsum.__globals__ }}',
      '{{ payload | attr("constructor") }}',
      '{{ payload | attr("__proto__") }}',
      '{{ "{0.constructor}".format(payload) }}',
      '{{ "{0.__class__}".format("") }}',
      '{{ payload.s | map("constructor") | list }}',
    ];
    for (const src of attempts) {
      const r = render(src);
      const text = r.ok ? r.output : r.error.message;
      expect(text, src).not.toMatch(/\[native code\]|function\s*\(|=>|v\d+\.\d+\.\d+|\[object |Function/);
      if (r.ok) expect(r.output, src).toBe('');
    }
  });

  it('mutations stay inside the render: no prototype pollution, caller data untouched', () => {
    const data = { labels: { a: '1' } };
    const r = renderTemplateSource(
      '{% set _ = payload.update({"__proto__": {"polluted": "yes"}}) %}{% set _ = payload.labels.update({"constructor": 1}) %}{{ payload.__proto__.polluted }} {{ payload.labels }}',
      'p',
      { payload: data },
    );
    expect(r).toMatchObject({ ok: true, output: "yes {'a': '1', 'constructor': 1}" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(data).toEqual({ labels: { a: '1' } });
  });

  it('functions in the context are not callable from templates', () => {
    const r = renderTemplateSource('{{ fn() }}', 'f', { fn: () => 'pwned', payload });
    expect(r.ok).toBe(false);
  });

  it('leaves the engine usable after every hostile render', () => {
    expect(render('{{ payload.labels.severity == "critical" }}')).toMatchObject({ ok: true, output: 'True' });
  });
});
