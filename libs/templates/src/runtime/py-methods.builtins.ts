/**
 * The public methods of str, dict, list and tuple: the only attributes a
 * template can reach on these types. Anything else is absent (Undefined).
 */
import { budget, TemplateError, typeError, valueError } from './render.budget.js';
import { PyCallable, PyDict, PyDictView, PyFloat, PyTuple, Undefined, type Kwargs, type PyValue } from './py.model.js';
import { compare, dictKey, eq, iterate, undefinedError } from './py.ops.js';
import { typeName } from './py-str.format.js';
import { bindArgs } from './call-args.binding.js';
import { PY_SPACE, cpLength, pyCapitalize, pyReplace, pyTitle, rsplit, split, splitlines, strip } from './py-text.helpers.js';
import { strFormat, type FieldAccess } from './py-percent.format.js';

type Method = (args: PyValue[], kwargs: Kwargs) => PyValue;

/** Set by the interpreter: sandboxed attribute/item access for `str.format`. */
export const formatAccess: FieldAccess = {
  getattr: () => null,
  getitem: () => null,
};

function str(v: PyValue | undefined, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof Undefined) throw undefinedError(v);
  throw typeError(`${what} must be str, not ${typeName(v ?? null)}`);
}

function optStr(v: PyValue | undefined, what: string): string | null {
  return v === undefined || v === null ? null : str(v, what);
}

function int(v: PyValue | undefined, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
}

function affixes(v: PyValue | undefined, fn: string): string[] {
  if (typeof v === 'string') return [v];
  if (v instanceof PyTuple) return v.items.map((x) => str(x, `${fn} first arg`));
  throw typeError(`${fn} first arg must be str or a tuple of str, not ${typeName(v ?? null)}`);
}

function justify(s: string, width: number, fill: string, where: 'l' | 'r' | 'c'): string {
  const n = budget().size(width, 'width') - cpLength(s);
  if (n <= 0) return s;
  if (where === 'l') return s + fill.repeat(n);
  if (where === 'r') return fill.repeat(n) + s;
  const left = Math.floor(n / 2) + (n & width & 1);
  return fill.repeat(left) + s + fill.repeat(n - left);
}

/** `str.expandtabs`: columns restart after `\n` and `\r`; the length is charged before the string is built. */
function expandTabs(s: string, size: number): string {
  let col = 0;
  let len = 0;
  for (const c of s) {
    if (c === '\t') {
      const n = size > 0 ? size - (col % size) : 0;
      col += n;
      len += n;
    } else {
      col = c === '\n' || c === '\r' ? 0 : col + 1;
      len += c.length;
    }
  }
  budget().alloc(len);
  let out = '';
  col = 0;
  for (const c of s) {
    if (c === '\t') {
      const n = size > 0 ? size - (col % size) : 0;
      out += ' '.repeat(n);
      col += n;
    } else {
      out += c;
      col = c === '\n' || c === '\r' ? 0 : col + 1;
    }
  }
  return out;
}

function find(s: string, sub: string, start: number | undefined, end: number | undefined, last: boolean): number {
  const a = start === undefined ? 0 : start < 0 ? Math.max(0, s.length + start) : start;
  const b = end === undefined ? s.length : end < 0 ? Math.max(0, s.length + end) : Math.min(end, s.length);
  const hay = s.slice(0, b);
  const i = last ? hay.lastIndexOf(sub) : hay.indexOf(sub, a);
  return i >= a && i + sub.length <= b ? i : -1;
}

function strMethods(s: string): Record<string, Method> {
  const charPred =
    (re: RegExp): Method =>
    () =>
      s.length > 0 && [...s].every((c) => re.test(c));
  return {
    upper: () => s.toUpperCase(),
    lower: () => s.toLowerCase(),
    // Full case folding: 'ß' folds to 'ss' (upper-casing first applies the special expansions).
    casefold: () => s.toUpperCase().toLowerCase(),
    expandtabs: (a, k) => expandTabs(s, budget().size(int(bindArgs('expandtabs', ['tabsize?'], a, k)[0], 8), 'tab size')),
    format_map: (a, k) => {
      const [m] = bindArgs('format_map', ['mapping'], a, k);
      if (!(m instanceof PyDict)) throw typeError(`'${typeName(m ?? null)}' object is not a mapping`);
      return strFormat(s, [], new Map([...m.map].map(([key, v]) => [String(key), v])), formatAccess);
    },
    swapcase: () => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
    title: () => pyTitle(s),
    capitalize: () => pyCapitalize(s),
    strip: (a, k) => strip(s, optStr(bindArgs('strip', ['chars?'], a, k)[0], 'strip arg'), true, true),
    lstrip: (a, k) => strip(s, optStr(bindArgs('lstrip', ['chars?'], a, k)[0], 'lstrip arg'), true, false),
    rstrip: (a, k) => strip(s, optStr(bindArgs('rstrip', ['chars?'], a, k)[0], 'rstrip arg'), false, true),
    split: (a, k) => {
      const [sep, max] = bindArgs('split', ['sep?', 'maxsplit?'], a, k);
      const sp = optStr(sep, 'sep');
      if (sp === '') throw valueError('empty separator');
      return split(s, sp, int(max, -1));
    },
    rsplit: (a, k) => {
      const [sep, max] = bindArgs('rsplit', ['sep?', 'maxsplit?'], a, k);
      const sp = optStr(sep, 'sep');
      if (sp === '') throw valueError('empty separator');
      return rsplit(s, sp, int(max, -1));
    },
    splitlines: (a, k) => splitlines(s, !!bindArgs('splitlines', ['keepends?'], a, k)[0]),
    startswith: (a, k) => {
      const [p, st, en] = bindArgs('startswith', ['prefix', 'start?', 'end?'], a, k);
      const t = s.slice(int(st, 0), en === undefined ? undefined : int(en, s.length));
      return affixes(p, 'startswith').some((x) => t.startsWith(x));
    },
    endswith: (a, k) => {
      const [p, st, en] = bindArgs('endswith', ['suffix', 'start?', 'end?'], a, k);
      const t = s.slice(int(st, 0), en === undefined ? undefined : int(en, s.length));
      return affixes(p, 'endswith').some((x) => t.endsWith(x));
    },
    replace: (a, k) => {
      const [o, n, c] = bindArgs('replace', ['old', 'new', 'count?'], a, k);
      return pyReplace(s, str(o, 'replace() argument 1'), str(n, 'replace() argument 2'), int(c, -1));
    },
    find: (a, k) => {
      const [sub, st, en] = bindArgs('find', ['sub', 'start?', 'end?'], a, k);
      return find(s, str(sub, 'find arg'), st === undefined ? undefined : int(st, 0), en === undefined ? undefined : int(en, 0), false);
    },
    rfind: (a, k) => {
      const [sub, st, en] = bindArgs('rfind', ['sub', 'start?', 'end?'], a, k);
      return find(s, str(sub, 'rfind arg'), st === undefined ? undefined : int(st, 0), en === undefined ? undefined : int(en, 0), true);
    },
    index: (a, k) => {
      const [sub] = bindArgs('index', ['sub', 'start?', 'end?'], a, k);
      const i = s.indexOf(str(sub, 'index arg'));
      if (i < 0) throw valueError('substring not found');
      return i;
    },
    count: (a, k) => {
      const sub = str(bindArgs('count', ['sub'], a, k)[0], 'count arg');
      if (sub === '') return cpLength(s) + 1;
      return s.split(sub).length - 1;
    },
    join: (a, k) => {
      const items = iterate(bindArgs('join', ['iterable'], a, k)[0] as PyValue);
      const parts = items.map((x, i) => {
        if (typeof x !== 'string') throw typeError(`sequence item ${i}: expected str instance, ${typeName(x)} found`);
        return x;
      });
      budget().alloc(parts.reduce((n, p) => n + p.length, 0) + s.length * Math.max(0, parts.length - 1));
      return parts.join(s);
    },
    format: (a, k) => strFormat(s, a, k, formatAccess),
    center: (a, k) => {
      const [w, f] = bindArgs('center', ['width', 'fillchar?'], a, k);
      return justify(s, int(w, 0), f === undefined ? ' ' : str(f, 'fillchar'), 'c');
    },
    ljust: (a, k) => {
      const [w, f] = bindArgs('ljust', ['width', 'fillchar?'], a, k);
      return justify(s, int(w, 0), f === undefined ? ' ' : str(f, 'fillchar'), 'l');
    },
    rjust: (a, k) => {
      const [w, f] = bindArgs('rjust', ['width', 'fillchar?'], a, k);
      return justify(s, int(w, 0), f === undefined ? ' ' : str(f, 'fillchar'), 'r');
    },
    zfill: (a, k) => {
      const w = budget().size(int(bindArgs('zfill', ['width'], a, k)[0], 0), 'width');
      const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
      const body = s.slice(sign.length);
      return sign + body.padStart(w - sign.length, '0');
    },
    partition: (a, k) => {
      const sep = str(bindArgs('partition', ['sep'], a, k)[0], 'sep');
      const i = s.indexOf(sep);
      return i < 0 ? new PyTuple([s, '', '']) : new PyTuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
    },
    rpartition: (a, k) => {
      const sep = str(bindArgs('rpartition', ['sep'], a, k)[0], 'sep');
      const i = s.lastIndexOf(sep);
      return i < 0 ? new PyTuple(['', '', s]) : new PyTuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
    },
    removeprefix: (a, k) => {
      const p = str(bindArgs('removeprefix', ['prefix'], a, k)[0], 'prefix');
      return p && s.startsWith(p) ? s.slice(p.length) : s;
    },
    removesuffix: (a, k) => {
      const p = str(bindArgs('removesuffix', ['suffix'], a, k)[0], 'suffix');
      return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
    },
    isdigit: charPred(/\p{Nd}|\p{No}/u),
    isdecimal: charPred(/\p{Nd}/u),
    isnumeric: charPred(/\p{N}/u),
    isalpha: charPred(/\p{L}/u),
    isalnum: charPred(/[\p{L}\p{N}]/u),
    isspace: () => s.length > 0 && [...s].every((c) => PY_SPACE.includes(c)),
    islower: () => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
    isupper: () => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
    istitle: () => /\p{L}/u.test(s) && s === pyTitle(s),
    isidentifier: () => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(s),
  };
}

function dictMethods(d: PyDict): Record<string, Method> {
  return {
    get: (a, k) => {
      const [key, dflt] = bindArgs('get', ['key', 'default?'], a, k);
      // An undefined name is hashable in Jinja2 and never a key: `payload.get(imageUrl)` is None.
      if (key instanceof Undefined) return dflt ?? null;
      return d.get(dictKey(key as PyValue)) ?? dflt ?? null;
    },
    keys: () => new PyDictView('keys', d),
    values: () => new PyDictView('values', d),
    items: () => new PyDictView('items', d),
    copy: () => new PyDict(new Map(d.map)),
    pop: (a, k) => {
      const [key, dflt] = bindArgs('pop', ['key', 'default?'], a, k);
      const kk = dictKey(key as PyValue);
      const m = d.map;
      if (m.has(kk)) {
        const v = m.get(kk) as PyValue;
        m.delete(kk);
        return v;
      }
      if (dflt === undefined) throw new TemplateError('KeyError', typeof kk === 'string' ? `'${kk}'` : String(kk));
      return dflt;
    },
    popitem: () => {
      const m = d.map;
      if (m.size === 0) throw new TemplateError('KeyError', "'popitem(): dictionary is empty'");
      const [k, v] = [...m].at(-1) as [string, PyValue];
      m.delete(k);
      return new PyTuple([k, v]);
    },
    setdefault: (a, k) => {
      const [key, dflt] = bindArgs('setdefault', ['key', 'default?'], a, k);
      const kk = dictKey(key as PyValue);
      const m = d.map;
      if (!m.has(kk)) m.set(kk, dflt ?? null);
      return m.get(kk) as PyValue;
    },
    update: (a, k) => {
      const [other] = bindArgs('update', ['other?'], a, new Map());
      const m = d.map;
      if (other instanceof PyDict) for (const [kk, v] of other.map) m.set(kk, v);
      else if (other !== undefined && other !== null) {
        for (const pair of iterate(other)) {
          const kv = Array.isArray(pair) ? pair : pair instanceof PyTuple ? pair.items : undefined;
          if (!kv || kv.length !== 2) throw valueError('dictionary update sequence element has wrong length; 2 is required');
          m.set(dictKey(kv[0]), kv[1]);
        }
      }
      for (const [kk, v] of k) m.set(kk, v);
      budget().items(m.size);
      return null;
    },
    clear: () => {
      d.map.clear();
      return null;
    },
  };
}

function listMethods(l: PyValue[]): Record<string, Method> {
  const grow = (n: number): void => budget().items(l.length + n);
  const index = (i: number): number => (i < 0 ? l.length + i : i);
  return {
    append: (a, k) => {
      grow(1);
      l.push(bindArgs('append', ['object'], a, k)[0] as PyValue);
      return null;
    },
    extend: (a, k) => {
      const items = iterate(bindArgs('extend', ['iterable'], a, k)[0] as PyValue);
      grow(items.length);
      l.push(...items);
      return null;
    },
    insert: (a, k) => {
      const [i, v] = bindArgs('insert', ['index', 'object'], a, k);
      grow(1);
      l.splice(Math.max(0, Math.min(l.length, index(int(i, 0)))), 0, v as PyValue);
      return null;
    },
    pop: (a, k) => {
      const [i] = bindArgs('pop', ['index?'], a, k);
      if (l.length === 0) throw new TemplateError('IndexError', 'pop from empty list');
      const at = index(int(i, -1));
      if (at < 0 || at >= l.length) throw new TemplateError('IndexError', 'pop index out of range');
      return l.splice(at, 1)[0];
    },
    remove: (a, k) => {
      const v = bindArgs('remove', ['value'], a, k)[0] as PyValue;
      const at = l.findIndex((x) => eq(x, v));
      if (at < 0) throw valueError('list.remove(x): x not in list');
      l.splice(at, 1);
      return null;
    },
    index: (a, k) => {
      const v = bindArgs('index', ['value'], a, k)[0] as PyValue;
      const at = l.findIndex((x) => eq(x, v));
      if (at < 0) throw valueError('value is not in list');
      return at;
    },
    count: (a, k) => {
      const v = bindArgs('count', ['value'], a, k)[0] as PyValue;
      return l.filter((x) => eq(x, v)).length;
    },
    reverse: () => {
      l.reverse();
      return null;
    },
    sort: (a, k) => {
      const [, rev] = bindArgs('sort', ['key?', 'reverse?'], a, k);
      budget().work(l.length * Math.max(1, Math.log2(l.length + 1)));
      l.sort((x, y) => (rev === true ? compare(y, x) : compare(x, y)));
      return null;
    },
    copy: () => [...l],
    clear: () => {
      l.length = 0;
      return null;
    },
  };
}

function tupleMethods(t: PyTuple): Record<string, Method> {
  return {
    index: (a, k) => {
      const v = bindArgs('index', ['value'], a, k)[0] as PyValue;
      const at = t.items.findIndex((x) => eq(x, v));
      if (at < 0) throw valueError('tuple.index(x): x not in tuple');
      return at;
    },
    count: (a, k) => {
      const v = bindArgs('count', ['value'], a, k)[0] as PyValue;
      return t.items.filter((x) => eq(x, v)).length;
    },
  };
}

const STR_NAMES = new Set(Object.keys(strMethods('')));
const DICT_NAMES = new Set(Object.keys(dictMethods(new PyDict())));
const LIST_NAMES = new Set(Object.keys(listMethods([])));
const TUPLE_NAMES = new Set(Object.keys(tupleMethods(new PyTuple([]))));

/** Read-only attributes of numbers (`'{0.real}'.format(3)`); `undefined` for anything else. */
export function numberAttr(obj: PyValue, name: string): PyValue | undefined {
  if (typeof obj !== 'number' && !(obj instanceof PyFloat)) return undefined;
  const float = obj instanceof PyFloat;
  switch (name) {
    case 'real':
      return obj;
    case 'imag':
      return float ? new PyFloat(0) : 0;
    case 'numerator':
      return float ? undefined : obj;
    case 'denominator':
      return float ? undefined : 1;
    default:
      return undefined;
  }
}

/** A bound method of a builtin value, or `undefined` when the type has no such public method. */
export function builtinMethod(obj: PyValue, name: string): PyCallable | undefined {
  let table: Record<string, Method> | undefined;
  if (typeof obj === 'string') table = STR_NAMES.has(name) ? strMethods(obj) : undefined;
  else if (obj instanceof PyDict) table = DICT_NAMES.has(name) ? dictMethods(obj) : undefined;
  else if (Array.isArray(obj)) table = LIST_NAMES.has(name) ? listMethods(obj) : undefined;
  else if (obj instanceof PyTuple) table = TUPLE_NAMES.has(name) ? tupleMethods(obj) : undefined;
  return table ? new PyCallable(name, table[name]) : undefined;
}
