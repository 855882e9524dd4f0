/** Jinja2 3.1's builtin filters, with its argument names and edge cases. */
import { budget, TemplateError, typeError, valueError } from '../runtime/render.budget.js';
import { PyBigInt, PyDict, PyDictView, PyFloat, PyObject, PyTuple, Undefined, type Kwargs, type PyValue } from '../runtime/py.model.js';
import { binaryArith, compare, eq, iterate, len, num, truthy, undefinedError } from '../runtime/py.ops.js';
import { pyRepr, typeName } from '../runtime/py-str.format.js';
import { htmlSafeJsonDumps } from '../runtime/py-json.format.js';
import { percentFormat } from '../runtime/py-percent.format.js';
import { roundFloat } from '../runtime/py-number.format.js';
import { pformat } from '../runtime/py-pprint.format.js';
import { pyCapitalize, pyReplace, splitlines, strip } from '../runtime/py-text.helpers.js';
import { filesizeformat, indent, striptags, toFloat, toInt, truncate, wrapParagraph } from './jinja-text.helpers.js';
import { builtinMethod } from '../runtime/py-methods.builtins.js';
import { bindArgs } from '../runtime/call-args.binding.js';
import type { FilterFn, Runtime } from '../runtime/jinja.runtime.js';
import { asInt, asList, asNumber, attrGetter, htmlEscape, ignoreCase, multiAttrGetter, softStr, urlQuote } from './filter.helpers.js';

type Bound = (PyValue | undefined)[];
const bind = (name: string, params: string[], args: PyValue[], kwargs: Kwargs): Bound => bindArgs(name, params, args, kwargs);

function pyAbs(v: PyValue): PyValue {
  if (typeof v === 'number') return Math.abs(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return new PyFloat(Math.abs(v.v));
  if (v instanceof PyBigInt) return v.v < 0n ? new PyBigInt(-v.v) : v;
  if (v instanceof Undefined) throw undefinedError(v);
  throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
}

/** Unique keys for `unique`, `groupby`: primitives through a Set, the rest by equality. */
function seenSet(): { has(v: PyValue): boolean; add(v: PyValue): void } {
  const prim = new Set<unknown>();
  const other: PyValue[] = [];
  const primKey = (v: PyValue): unknown => {
    if (typeof v === 'string') return `s${v}`;
    const n = num(v);
    if (n !== undefined) return n;
    if (v === null) return null;
    return undefined;
  };
  return {
    has: (v) => {
      const k = primKey(v);
      return k !== undefined ? prim.has(k) : other.some((o) => eq(o, v));
    },
    add: (v) => {
      const k = primKey(v);
      if (k !== undefined) prim.add(k);
      else other.push(v);
    },
  };
}

function sortBy<T>(items: T[], key: (t: T) => PyValue, reverse: boolean): T[] {
  budget().work(items.length * Math.max(1, Math.log2(items.length + 1)));
  const keyed = items.map((item) => ({ item, k: key(item) }));
  keyed.sort((a, b) => (reverse ? compare(b.k, a.k) : compare(a.k, b.k)));
  return keyed.map((x) => x.item);
}

function selectOrReject(rt: Runtime, value: PyValue, args: PyValue[], kwargs: Kwargs, keep: boolean, lookupAttr: boolean): PyValue[] {
  if (!truthy(value)) return [];
  let off = 0;
  let trans = (x: PyValue): PyValue => x;
  if (lookupAttr) {
    if (args.length === 0) throw new TemplateError('TypeError', 'Missing parameter for attribute name');
    trans = attrGetter(rt, args[0]);
    off = 1;
  }
  const testName = args[off];
  const testArgs = args.slice(off + 1);
  const test =
    testName === undefined
      ? truthy
      : (x: PyValue): boolean => {
          if (typeof testName !== 'string') throw typeError('test name must be a string');
          return rt.callTest(testName, x, testArgs);
        };
  void kwargs;
  return iterate(value).filter((item) => test(trans(item)) === keep);
}

function xmlattr(d: PyValue, autospace: boolean): string {
  if (!(d instanceof PyDict)) throw typeError('xmlattr requires a mapping');
  const items: string[] = [];
  for (const [k, v] of d.map) {
    if (v === null || v instanceof Undefined) continue;
    const key = String(k);
    if (/[\s/>=]/.test(key)) throw valueError(`Invalid character in attribute name: ${pyRepr(key)}`);
    items.push(`${htmlEscape(key)}="${htmlEscape(softStr(v))}"`);
  }
  const rv = items.join(' ');
  return autospace && rv ? ` ${rv}` : rv;
}

/**
 * `pprint.pformat` sorts dict keys (mixed key types by type name, as its safe key
 * does); `pformat` then wraps past 80 columns as Python does.
 */
function sortedForPprint(v: PyValue): PyValue {
  if (Array.isArray(v)) return v.map(sortedForPprint);
  if (v instanceof PyTuple) return new PyTuple(v.items.map(sortedForPprint), v.names);
  if (!(v instanceof PyDict)) return v;
  const byKey = (a: PyValue, b: PyValue): number => {
    const ta = typeName(a);
    const tb = typeName(b);
    if (ta !== tb && !(typeof a === 'number' && typeof b === 'number')) return ta < tb ? -1 : 1;
    return compare(a, b);
  };
  budget().work(v.size * Math.max(1, Math.log2(v.size + 1)));
  return new PyDict(new Map([...v.map].sort(([a], [b]) => byKey(a, b)).map(([k, x]) => [k, sortedForPprint(x)])));
}

export const JINJA_FILTERS: ReadonlyMap<string, FilterFn> = new Map<string, FilterFn>([
  ['abs', (v) => pyAbs(v)],
  [
    'attr',
    (v, a, k, rt) => {
      const [name] = bind('attr', ['name'], a, k);
      if (v instanceof Undefined) throw undefinedError(v);
      const n = softStr(name as PyValue);
      if (n.startsWith('_')) return new Undefined(`access to attribute '${n}' is unsafe`);
      const m = builtinMethod(v, n);
      if (m) return m;
      if (v instanceof PyObject) return v.getAttr(n) ?? new Undefined(`'${typeName(v)} object' has no attribute '${n}'`);
      void rt;
      return new Undefined(`'${typeName(v)} object' has no attribute '${n}'`);
    },
  ],
  [
    'batch',
    (v, a, k) => {
      const [count, fill] = bind('batch', ['linecount', 'fill_with?'], a, k);
      const n = asInt(count, 1, 'batch');
      if (n <= 0) throw valueError('batch size must be positive');
      const out: PyValue[] = [];
      let tmp: PyValue[] = [];
      for (const item of iterate(v)) {
        if (tmp.length === n) {
          out.push(tmp);
          tmp = [];
        }
        tmp.push(item);
      }
      if (tmp.length) {
        if (fill !== undefined && fill !== null) {
          budget().items(n - tmp.length);
          while (tmp.length < n) tmp.push(fill);
        }
        out.push(tmp);
      }
      return out;
    },
  ],
  ['capitalize', (v) => pyCapitalize(softStr(v))],
  [
    'center',
    (v, a, k, rt) => {
      const [w] = bind('center', ['width?'], a, k);
      return rt.call(builtinMethod(softStr(v), 'center') as PyValue, [w ?? 80], new Map());
    },
  ],
  ['count', (v) => len(v)],
  ['length', (v) => len(v)],
  [
    'default',
    (v, a, k) => {
      const [d, boolean] = bind('default', ['default_value?', 'boolean?'], a, k);
      return v instanceof Undefined || (truthy(boolean ?? false) && !truthy(v)) ? (d ?? '') : v;
    },
  ],
  [
    'dictsort',
    (v, a, k) => {
      const [cs, by, rev] = bind('dictsort', ['case_sensitive?', 'by?', 'reverse?'], a, k);
      if (!(v instanceof PyDict)) throw typeError(`'${typeName(v)}' object has no attribute 'items'`);
      const pos = (by ?? 'key') === 'key' ? 0 : by === 'value' ? 1 : -1;
      if (pos < 0) throw new TemplateError('ValueError', 'You can only sort by either "key" or "value"');
      const items = [...v.map].map(([kk, vv]) => new PyTuple([kk, vv]));
      return sortBy(items, (t) => (truthy(cs ?? false) ? t.items[pos] : ignoreCase(t.items[pos])), truthy(rev ?? false));
    },
  ],
  ['escape', (v) => htmlEscape(softStr(v))],
  ['forceescape', (v) => htmlEscape(softStr(v))],
  [
    'filesizeformat',
    (v, a, k) => {
      const [bin] = bind('filesizeformat', ['binary?'], a, k);
      return filesizeformat(v, truthy(bin ?? false));
    },
  ],
  [
    'first',
    (v) => {
      const items = iterate(v);
      return items.length ? items[0] : new Undefined('No first item, sequence was empty.');
    },
  ],
  [
    'last',
    (v) => {
      const items = iterate(v);
      return items.length ? items[items.length - 1] : new Undefined('No last item, sequence was empty.');
    },
  ],
  [
    'float',
    (v, a, k) => {
      const [d] = bind('float', ['default?'], a, k);
      return toFloat(v, d ?? new PyFloat(0));
    },
  ],
  [
    'int',
    (v, a, k) => {
      const [d, base] = bind('int', ['default?', 'base?'], a, k);
      return toInt(v, d ?? 0, asInt(base, 10, 'int'));
    },
  ],
  [
    'format',
    (v, a, k) => {
      if (a.length && k.size) throw new TemplateError('TypeError', "can't handle positional and keyword arguments at the same time");
      return percentFormat(softStr(v), k.size ? new PyDict(new Map(k)) : new PyTuple(a));
    },
  ],
  [
    'groupby',
    (v, a, k, rt) => {
      const [attr, dflt, cs] = bind('groupby', ['attribute', 'default?', 'case_sensitive?'], a, k);
      const caseSensitive = truthy(cs ?? false);
      const key = attrGetter(rt, attr, caseSensitive ? undefined : ignoreCase, dflt);
      const raw = attrGetter(rt, attr, undefined, dflt);
      const sorted = sortBy([...iterate(v)], key, false);
      const groups: PyTuple[] = [];
      let cur: { k: PyValue; items: PyValue[] } | undefined;
      for (const item of sorted) {
        const kk = key(item);
        if (cur && eq(cur.k, kk)) cur.items.push(item);
        else {
          if (cur) groups.push(new PyTuple([caseSensitive ? cur.k : raw(cur.items[0]), cur.items], ['grouper', 'list']));
          cur = { k: kk, items: [item] };
        }
      }
      if (cur) groups.push(new PyTuple([caseSensitive ? cur.k : raw(cur.items[0]), cur.items], ['grouper', 'list']));
      return groups;
    },
  ],
  [
    'indent',
    (v, a, k) => {
      const [w, first, blank] = bind('indent', ['width?', 'first?', 'blank?'], a, k);
      return indent(softStr(v), w ?? 4, truthy(first ?? false), truthy(blank ?? false));
    },
  ],
  [
    'items',
    (v) => {
      if (v instanceof Undefined) return [];
      if (!(v instanceof PyDict)) throw typeError('Can only get item pairs from a mapping.');
      return new PyDictView('items', v).list();
    },
  ],
  [
    'join',
    (v, a, k, rt) => {
      const [d, attr] = bind('join', ['d?', 'attribute?'], a, k);
      let items = iterate(v);
      if (attr !== undefined && attr !== null) items = items.map(attrGetter(rt, attr));
      const parts = items.map(softStr);
      const sep = softStr(d ?? '');
      budget().alloc(parts.reduce((n, p) => n + p.length, 0) + sep.length * Math.max(0, parts.length - 1));
      return parts.join(sep);
    },
  ],
  ['list', (v) => asList(v)],
  ['lower', (v) => softStr(v).toLowerCase()],
  ['upper', (v) => softStr(v).toUpperCase()],
  [
    'map',
    (v, a, k, rt) => {
      let fn: (x: PyValue) => PyValue;
      if (a.length === 0 && k.has('attribute')) {
        const rest = new Map(k);
        const attr = rest.get('attribute') as PyValue;
        rest.delete('attribute');
        const dflt = rest.get('default');
        rest.delete('default');
        if (rest.size) throw typeError(`Unexpected keyword argument '${[...rest.keys()][0]}'`);
        fn = attrGetter(rt, attr, undefined, dflt);
      } else {
        if (a.length === 0) throw typeError('map requires a filter argument');
        const name = a[0];
        if (typeof name !== 'string') throw typeError('map requires a filter name');
        const rest = a.slice(1);
        fn = (x) => rt.callFilter(name, x, rest, k);
      }
      return iterate(v).map(fn);
    },
  ],
  [
    'max',
    (v, a, k, rt) => {
      const [cs, attr] = bind('max', ['case_sensitive?', 'attribute?'], a, k);
      const items = iterate(v);
      if (!items.length) return new Undefined('No aggregated item, sequence was empty.');
      const key = attrGetter(rt, attr, truthy(cs ?? false) ? undefined : ignoreCase);
      return items.reduce((best, x) => (compare(key(x), key(best)) > 0 ? x : best));
    },
  ],
  [
    'min',
    (v, a, k, rt) => {
      const [cs, attr] = bind('min', ['case_sensitive?', 'attribute?'], a, k);
      const items = iterate(v);
      if (!items.length) return new Undefined('No aggregated item, sequence was empty.');
      const key = attrGetter(rt, attr, truthy(cs ?? false) ? undefined : ignoreCase);
      return items.reduce((best, x) => (compare(key(x), key(best)) < 0 ? x : best));
    },
  ],
  ['pprint', (v) => pformat(sortedForPprint(v))],
  [
    'random',
    () => {
      throw new TemplateError('SecurityError', "the 'random' filter is not available (renders must be deterministic)");
    },
  ],
  ['reject', (v, a, k, rt) => selectOrReject(rt, v, a, k, false, false)],
  ['rejectattr', (v, a, k, rt) => selectOrReject(rt, v, a, k, false, true)],
  ['select', (v, a, k, rt) => selectOrReject(rt, v, a, k, true, false)],
  ['selectattr', (v, a, k, rt) => selectOrReject(rt, v, a, k, true, true)],
  [
    'replace',
    (v, a, k) => {
      const [old, rep, count] = bind('replace', ['old', 'new', 'count?'], a, k);
      return pyReplace(softStr(v), softStr(old as PyValue), softStr(rep as PyValue), asInt(count, -1, 'replace'));
    },
  ],
  [
    'reverse',
    (v) => {
      if (typeof v === 'string') return Array.from(v).reverse().join('');
      return [...iterate(v)].reverse();
    },
  ],
  [
    'round',
    (v, a, k) => {
      const [p, method] = bind('round', ['precision?', 'method?'], a, k);
      const precision = asInt(p, 0, 'round');
      const m = method ?? 'common';
      if (m !== 'common' && m !== 'ceil' && m !== 'floor') throw new TemplateError('ValueError', 'method must be common, ceil or floor');
      const x = asNumber(v, 'round');
      if (m === 'common') {
        if (typeof v === 'number' || typeof v === 'boolean') return precision >= 0 ? x : roundFloat(x, precision);
        return new PyFloat(roundFloat(x, precision));
      }
      const f = m === 'ceil' ? Math.ceil : Math.floor;
      return new PyFloat(f(x * 10 ** precision) / 10 ** precision);
    },
  ],
  ['safe', (v) => v],
  [
    'slice',
    (v, a, k) => {
      const [n, fill] = bind('slice', ['slices', 'fill_with?'], a, k);
      const slices = asInt(n, 1, 'slice');
      budget().items(slices);
      const seq = iterate(v);
      const per = Math.floor(seq.length / slices);
      const extra = seq.length % slices;
      const out: PyValue[] = [];
      let offset = 0;
      for (let i = 0; i < slices; i++) {
        const start = offset + i * per;
        if (i < extra) offset++;
        const end = offset + (i + 1) * per;
        const tmp = seq.slice(start, end);
        if (fill !== undefined && fill !== null && i >= extra) tmp.push(fill);
        out.push(tmp);
      }
      return out;
    },
  ],
  [
    'sort',
    (v, a, k, rt) => {
      const [rev, cs, attr] = bind('sort', ['reverse?', 'case_sensitive?', 'attribute?'], a, k);
      const key = multiAttrGetter(rt, attr ?? null, truthy(cs ?? false) ? undefined : ignoreCase);
      return sortBy([...iterate(v)], key, truthy(rev ?? false));
    },
  ],
  ['string', (v) => softStr(v)],
  ['striptags', (v) => striptags(softStr(v))],
  [
    'sum',
    (v, a, k, rt) => {
      const [attr, start] = bind('sum', ['attribute?', 'start?'], a, k);
      let items = iterate(v);
      if (attr !== undefined && attr !== null) items = items.map(attrGetter(rt, attr));
      return items.reduce<PyValue>((acc, x) => binaryArith('+', acc, x), start ?? 0);
    },
  ],
  [
    'title',
    (v) =>
      softStr(v)
        .split(/([-\s({[<]+)/u)
        .filter((x) => x)
        .map((x) => {
          const [c = '', ...rest] = Array.from(x);
          return c.toUpperCase() + rest.join('').toLowerCase();
        })
        .join(''),
  ],
  [
    'tojson',
    (v, a, k) => {
      const [ind] = bind('tojson', ['indent?'], a, k);
      return htmlSafeJsonDumps(v, ind === undefined || ind === null ? null : asInt(ind, 0, 'tojson'));
    },
  ],
  [
    'trim',
    (v, a, k) => {
      const [chars] = bind('trim', ['chars?'], a, k);
      return strip(softStr(v), chars === undefined || chars === null ? null : softStr(chars), true, true);
    },
  ],
  [
    'truncate',
    (v, a, k) => {
      const [length, kill, end, leeway] = bind('truncate', ['length?', 'killwords?', 'end?', 'leeway?'], a, k);
      return truncate(v, asInt(length, 255, 'truncate'), truthy(kill ?? false), end === undefined ? '...' : softStr(end), asInt(leeway, 5, 'truncate'));
    },
  ],
  [
    'unique',
    (v, a, k, rt) => {
      const [cs, attr] = bind('unique', ['case_sensitive?', 'attribute?'], a, k);
      const key = attrGetter(rt, attr, truthy(cs ?? false) ? undefined : ignoreCase);
      const seen = seenSet();
      const out: PyValue[] = [];
      for (const item of iterate(v)) {
        const kk = key(item);
        if (!seen.has(kk)) {
          seen.add(kk);
          out.push(item);
        }
      }
      budget().work(out.length);
      return out;
    },
  ],
  [
    'urlencode',
    (v) => {
      if (typeof v === 'string' || (!(v instanceof PyDict) && !Array.isArray(v) && !(v instanceof PyTuple))) return urlQuote(softStr(v), '/', false);
      const items = v instanceof PyDict ? [...v.map].map(([kk, vv]) => [kk, vv] as const) : iterate(v).map((p) => iterate(p) as readonly PyValue[]);
      return items.map(([kk, vv]) => `${urlQuote(softStr(kk), '', true)}=${urlQuote(softStr(vv), '', true)}`).join('&');
    },
  ],
  [
    'urlize',
    () => {
      throw new TemplateError('SecurityError', "the 'urlize' filter is not supported");
    },
  ],
  ['wordcount', (v) => (softStr(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length],
  [
    'wordwrap',
    (v, a, k) => {
      const [w, bl, ws, bh] = bind('wordwrap', ['width?', 'break_long_words?', 'wrapstring?', 'break_on_hyphens?'], a, k);
      const width = asInt(w, 79, 'wordwrap');
      if (width <= 0) throw valueError(`invalid width ${width} (must be > 0)`);
      const sep = ws === undefined || ws === null ? '\n' : softStr(ws);
      return splitlines(softStr(v))
        .map((line) => wrapParagraph(line, width, truthy(bl ?? true), truthy(bh ?? true)).join(sep))
        .join(sep);
    },
  ],
  [
    'xmlattr',
    (v, a, k) => {
      const [auto] = bind('xmlattr', ['autospace?'], a, k);
      return xmlattr(v, truthy(auto ?? true));
    },
  ],
]);

/** Aliases Jinja2 registers under a second name. */
export const JINJA_FILTER_ALIASES: ReadonlyMap<string, string> = new Map([
  ['d', 'default'],
  ['e', 'escape'],
]);
