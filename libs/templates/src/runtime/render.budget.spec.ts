import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderTemplateSource } from '../template.engine.js';
import { DEFAULT_RENDER_LIMITS } from './render.budget.js';
import type { RenderResult } from '../template.types.js';

const L = DEFAULT_RENDER_LIMITS;
/** One charge may overshoot the step budget by the O(n) work of a value that passed the size check. */
const STEP_BOUND = L.maxSteps + Math.ceil(L.maxValueChars / 64) + 1_000;
/** `allocated` counts a charge before refusing it: at most one value over the total. */
const ALLOC_BOUND = L.maxAllocChars + L.maxValueChars;
/** Heap growth per render; generous, since the collector runs when it likes. */
const MEMORY_BOUND = 512 * 1024 * 1024;

const payload = { s: 'x'.repeat(1000), l: [1, 2, 3], n: 1.5 };
const STOPS = new Set(['BudgetExceeded', 'SecurityError']);

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

function renderMeasured(src: string): RenderResult {
  const before = memory();
  const r = renderTemplateSource(src, 'budget', { payload });
  expect(memory() - before, src).toBeLessThan(MEMORY_BOUND);
  return r;
}

function expectWithinBudget(src: string, r: RenderResult): void {
  expect(r.steps, src).toBeLessThanOrEqual(STEP_BOUND);
  expect(r.allocated, src).toBeLessThanOrEqual(ALLOC_BOUND);
  // Arguments of the wrong type may fail as Python fails; nothing may escape as an internal error.
  if (!r.ok) expect(r.error.kind, `${src}: ${r.error.message}`).not.toBe('InternalError');
}

const N = '1000000000';

/** Every filter, method and operator that takes a size: the call with 10^9, and whether it is refused. */
const SIZED: readonly (readonly [string, 'refused' | 'ok'])[] = [
  [`{{ payload.s | center(${N}) }}`, 'refused'],
  [`{{ payload.s.center(${N}) }}`, 'refused'],
  [`{{ payload.s.ljust(${N}) }}`, 'refused'],
  [`{{ payload.s.rjust(${N}, "-") }}`, 'refused'],
  [`{{ payload.s.zfill(${N}) }}`, 'refused'],
  [`{{ "a\\tb".expandtabs(${N}) }}`, 'refused'],
  [`{{ "%${N}d" % 1 }}`, 'refused'],
  [`{{ "%*d" % (${N}, 1) }}`, 'refused'],
  [`{{ "%.${N}f" % 1.5 }}`, 'refused'],
  [`{{ "%.${N}e" % 1.5 }}`, 'refused'],
  [`{{ "%.${N}g" % 1.5 }}`, 'refused'],
  [`{{ "%.${N}s" % "x" }}`, 'ok'],
  [`{{ "{:${N}}".format(1) }}`, 'refused'],
  [`{{ "{:.${N}f}".format(1.5) }}`, 'refused'],
  [`{{ "{:.${N}%}".format(1.5) }}`, 'refused'],
  [`{{ "{:.${N}e}".format(payload.n) }}`, 'refused'],
  [`{{ "{:>${N}}".format("x") }}`, 'refused'],
  [`{{ "{:{}}".format("x", ${N}) }}`, 'refused'],
  [`{{ "{:.{p}f}".format(1.5, p=${N}) }}`, 'refused'],
  [`{{ ([payload.s * 1000] * 1000) | pprint | length }}`, 'refused'],
  [`{{ "%s" | format(1) | center(${N}) }}`, 'refused'],
  [`{{ "x" * ${N} }}`, 'refused'],
  [`{{ ${N} * "x" }}`, 'refused'],
  [`{{ [1] * ${N} }}`, 'refused'],
  [`{{ (1,) * ${N} }}`, 'refused'],
  [`{{ "" * ${N} }}|{{ [] * ${N} }}`, 'ok'],
  [`{{ payload.s | truncate(${N}) | length }}`, 'ok'],
  [`{{ payload.s | wordwrap(${N}) | length }}`, 'ok'],
  [`{{ payload.s | indent(${N}) }}`, 'refused'],
  [`{{ payload.l | batch(${N}) | list }}`, 'ok'],
  [`{{ [1] | batch(${N}, 0) | list }}`, 'refused'],
  [`{{ [1] | slice(${N}) | list }}`, 'refused'],
  [`{{ range(${N}) | list }}`, 'refused'],
  [`{{ payload.l | tojson(indent=${N}) }}`, 'refused'],
  [`{{ payload.n | round(${N}) }}`, 'ok'],
  [`{{ payload.s.split("x", ${N}) | length }}`, 'ok'],
  [`{{ payload.s.replace("x", "yy", ${N}) | length }}`, 'ok'],
  [`{{ ([payload.s] * 1000) | join(payload.s * 1000) }}`, 'refused'],
  [`{{ "abc"[:${N}] }}{{ payload.l[${N}:] }}`, 'ok'],
  [`{{ 2 ** ${N} }}`, 'refused'],
  [`{{ (2 ** 64) ** ${N} }}`, 'refused'],
  [`{{ 10 ** 10 ** 9 }}|{{ (3 ** 100000) * (3 ** 100000) * 0 }}`, 'ok'],
  [`{{ (3 ** 300000) * (3 ** 300000) * (3 ** 300000) * 0 }}`, 'refused'],
  [`{{ (2 ** 64) ** 2 ** 0 }}|{{ 1 ** ${N} }}|{{ (-1) ** ${N} }}`, 'ok'],
];

describe('size arguments are charged before anything is built', () => {
  it.each(SIZED.map(([src, want]) => [src, want] as const))('%s is %s within the budget', (src, want) => {
    const r = renderMeasured(src);
    expectWithinBudget(src, r);
    if (want === 'ok') expect(r.ok ? r.ok : `${r.error.kind}: ${r.error.message}`, src).toBe(true);
    else {
      expect(r.ok, src).toBe(false);
      if (!r.ok) expect(STOPS.has(r.error.kind), `${src}: ${r.error.kind} ${r.error.message}`).toBe(true);
    }
  });

  it('no chain of sized calls with huge arguments runs past the step or allocation budget', () => {
    const huge = fc.oneof(fc.constantFrom(10 ** 9, 2 ** 31, 2 ** 53, 10 ** 7, 3_000_000), fc.integer({ min: 0, max: 10 ** 12 }));
    const receiver = fc.constantFrom('payload.s', '"ab"', 'payload.l', '[1]', '""', 'payload.n', '(1, 2)', '"a\\tb"');
    const call = fc.constantFrom(
      (n: number) => ` | center(${n})`,
      (n: number) => `.ljust(${n})`,
      (n: number) => `.rjust(${n})`,
      (n: number) => `.zfill(${n})`,
      (n: number) => `.center(${n})`,
      (n: number) => `.expandtabs(${n})`,
      (n: number) => ` | indent(${n})`,
      (n: number) => ` | truncate(${n})`,
      (n: number) => ` | wordwrap(${n})`,
      (n: number) => ` | batch(${n}, 0) | list`,
      (n: number) => ` | batch(${n}) | list`,
      (n: number) => ` | slice(${n}) | list`,
      (n: number) => ` | tojson(indent=${n})`,
      (n: number) => ` | join("-" * ${n})`,
      (n: number) => ` | string | format() | center(${n})`,
      (n: number) => ` * ${n}`,
      (n: number) => ` | list * ${n}`,
      (n: number) => ` | round(${n})`,
      (n: number) => ` | string | replace("a", "bb", ${n})`,
      (n: number) => ` | string | pprint | center(${n})`,
      (_n: number) => ` | list | pprint`,
      (n: number) => ` | length + 3 ** ${n}`,
      (n: number) => ` | length + (2 ** 64) ** ${n} * ${n}`,
    );
    const wrap = fc.constantFrom(
      (e: string) => `{{ ${e} }}`,
      (e: string) => `{{ (${e}) | length }}`,
      (e: string) => `{{ "%.${'{n}'}f" % 1.5 }}{{ ${e} }}`,
      (e: string) => `{{ "{:.${'{n}'}f}".format(1.5) }}{{ ${e} }}`,
      (e: string) => `{{ "%${'{n}'}s" % "" }}{{ ${e} }}`,
      (e: string) => `{{ "{:{}.{}}".format(1.5, ${'{n}'}, ${'{n}'}) }}{{ ${e} }}`,
    );
    fc.assert(
      fc.property(receiver, fc.array(fc.tuple(call, huge), { minLength: 1, maxLength: 3 }), wrap, huge, (recv, calls, wrapper, n) => {
        const expr = calls.reduce((e, [c, k]) => `(${e})${c(k)}`, recv);
        const src = wrapper(expr).replaceAll('{n}', String(n));
        expectWithinBudget(src, renderMeasured(src));
      }),
      { numRuns: 300 },
    );
  });
});
