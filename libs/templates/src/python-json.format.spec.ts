import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pythonJsonDumps } from './python-json.format.js';
import { renderTemplateSource } from './template.engine.js';

/** The template engine's json_dumps (the Python value model) is the reference for the fast path. */
const viaTemplate = (v: unknown): string => {
  const r = renderTemplateSource('{{ payload | json_dumps }}', 'j', { payload: v });
  if (!r.ok) throw new Error(r.error.message);
  return r.output;
};

describe('pythonJsonDumps', () => {
  it('prints like Python json.dumps', () => {
    expect(pythonJsonDumps({ a: 'é<>', b: [1, 2.5, null, true], c: { d: '\u2028\x7f"\\\n' }, e: 1e-7, f: 1e16 })).toBe(
      '{"a": "\\u00e9<>", "b": [1, 2.5, null, true], "c": {"d": "\\u2028\\u007f\\"\\\\\\n"}, "e": 1e-07, "f": 10000000000000000}',
    );
    expect(pythonJsonDumps('😀')).toBe('"\\ud83d\\ude00"');
  });

  it('agrees with the template engine json_dumps on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(pythonJsonDumps(v)).toBe(viaTemplate(v));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses cycles and oversized output instead of running away', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => pythonJsonDumps(cyclic)).toThrow(RangeError);
    expect(() => pythonJsonDumps({ big: 'x'.repeat(100) }, 50)).toThrow(RangeError);
  });
});
