/** Helpers shared by the filter tables. */
import { budget, typeError } from '../runtime/render.budget.js';
import { PyFloat, Undefined, type PyValue } from '../runtime/py.model.js';
import { pyStr, typeName } from '../runtime/py-str.format.js';
import { iterate, undefinedError } from '../runtime/py.ops.js';
import type { Runtime } from '../runtime/jinja.runtime.js';

/** Jinja2's `soft_str`. */
export const softStr = (v: PyValue): string => pyStr(v);

export function asInt(v: PyValue | undefined, dflt: number, what: string): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Undefined) throw undefinedError(v);
  throw typeError(`${what}: '${typeName(v)}' object cannot be interpreted as an integer`);
}

export function asNumber(v: PyValue, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.v;
  if (v instanceof Undefined) throw undefinedError(v);
  throw typeError(`${what}: must be real number, not ${typeName(v)}`);
}

export const asList = (v: PyValue): PyValue[] => {
  const items = iterate(v);
  budget().items(items.length);
  return [...items];
};

/** Lowercases strings (Jinja2's `ignore_case` postprocessor). */
export const ignoreCase = (v: PyValue): PyValue => (typeof v === 'string' ? v.toLowerCase() : v);

function attributeParts(attr: PyValue | undefined): PyValue[] {
  if (attr === undefined || attr === null) return [];
  if (typeof attr === 'string') return attr.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  return [attr];
}

/** Jinja2's `make_attrgetter`. */
export function attrGetter(rt: Runtime, attr: PyValue | undefined, post?: (v: PyValue) => PyValue, dflt?: PyValue): (item: PyValue) => PyValue {
  const parts = attributeParts(attr);
  return (item) => {
    let v = item;
    for (const p of parts) {
      v = rt.getitem(v, p);
      if (dflt !== undefined && dflt !== null && v instanceof Undefined) v = dflt;
    }
    return post ? post(v) : v;
  };
}

/** Jinja2's `make_multi_attrgetter`. */
export function multiAttrGetter(rt: Runtime, attr: PyValue | undefined, post?: (v: PyValue) => PyValue): (item: PyValue) => PyValue[] {
  const split = typeof attr === 'string' ? attr.split(',') : [attr];
  const getters = split.map((a) => attrGetter(rt, a, post));
  return (item) => getters.map((g) => g(item));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** markupsafe's `escape`. */
export const htmlEscape = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '\u00a9',
  reg: '\u00ae',
  hellip: '\u2026',
  mdash: '\u2014',
  ndash: '\u2013',
};

/** `html.unescape` for numeric and common named references. */
export function htmlUnescape(s: string): string {
  return s.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[A-Za-z]+);/g, (all, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return Object.prototype.hasOwnProperty.call(ENTITIES, ref) ? ENTITIES[ref] : all;
  });
}

/** `urllib.parse.quote(s, safe)`; `plus` turns spaces into `+` (quote_plus). */
export function urlQuote(s: string, safe: string, plus: boolean): string {
  const bytes = new TextEncoder().encode(s);
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.\-~]/.test(c) || (b < 128 && safe.includes(c))) out += c;
    else if (plus && c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
