/** Python's `json.dumps`, byte for byte: separators, `ensure_ascii`, `sort_keys`, `indent`. */
import { budget, BudgetExceeded, typeError, valueError } from './render.budget.js';
import { PyBigInt, PyDict, PyFloat, PyTuple, type DictKey, type PyValue } from './py.model.js';
import { floatRepr, intStr, typeName } from './py-str.format.js';

export interface JsonDumpsOptions {
  sortKeys?: boolean;
  indent?: number | string | null;
  separators?: readonly [string, string] | null;
  ensureAscii?: boolean;
}

const ESC: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
const u4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

export function jsonString(s: string, ensureAscii: boolean): string {
  const re = ensureAscii ? /["\\\n\r\t\b\f]|[^ -~]/g : /["\\\n\r\t\b\f\x00-\x1f]/g;
  return `"${s.replace(re, (c) => ESC[c] ?? u4(c))}"`;
}

function floatJson(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return floatRepr(x);
}

function keyJson(k: DictKey, ensureAscii: boolean): string {
  if (typeof k === 'string') return jsonString(k, ensureAscii);
  if (k === null) return '"null"';
  return `"${Number.isInteger(k) ? intStr(k) : floatJson(k)}"`;
}

function sortedEntries(d: PyDict): [DictKey, PyValue][] {
  const entries = [...d.map];
  const kinds = new Set(entries.map(([k]) => (k === null ? 'null' : typeof k)));
  if (kinds.size > 1) throw typeError("'<' not supported between instances of mixed key types");
  return entries.sort(([a], [b]) => ((a as string | number) < (b as string | number) ? -1 : (a as string | number) > (b as string | number) ? 1 : 0));
}

export function jsonDumps(value: PyValue, opts: JsonDumpsOptions = {}): string {
  const ensureAscii = opts.ensureAscii ?? true;
  const indent =
    opts.indent === undefined || opts.indent === null ? null : typeof opts.indent === 'number' ? ' '.repeat(budget().size(opts.indent, 'indent')) : opts.indent;
  const [itemSep, keySep] = opts.separators ?? (indent !== null ? [',', ': '] : [', ', ': ']);
  const max = budget().limits.maxValueChars;
  const parts: string[] = [];
  let len = 0;
  const push = (s: string): void => {
    len += s.length;
    if (len > max) throw new BudgetExceeded(`a string of more than ${max} characters`);
    parts.push(s);
  };
  const seen = new Set<object>();
  const nl = (level: number): void => {
    if (indent !== null) push(`\n${indent.repeat(level)}`);
  };

  const walk = (v: PyValue, level: number): void => {
    if (v === null) return push('null');
    if (v === true) return push('true');
    if (v === false) return push('false');
    if (typeof v === 'number') return push(intStr(v));
    if (typeof v === 'string') return push(jsonString(v, ensureAscii));
    if (v instanceof PyFloat) return push(floatJson(v.v));
    if (v instanceof PyBigInt) return push(v.repr());
    if (Array.isArray(v) || v instanceof PyTuple || v instanceof PyDict) {
      if (seen.has(v)) throw valueError('Circular reference detected');
      seen.add(v);
      if (v instanceof PyDict) {
        const entries = opts.sortKeys ? sortedEntries(v) : [...v.map];
        if (entries.length === 0) push('{}');
        else {
          push('{');
          entries.forEach(([k, val], i) => {
            if (i > 0) push(itemSep);
            nl(level + 1);
            push(keyJson(k, ensureAscii));
            push(keySep);
            walk(val, level + 1);
          });
          nl(level);
          push('}');
        }
      } else {
        const items = Array.isArray(v) ? v : v.items;
        if (items.length === 0) push('[]');
        else {
          push('[');
          items.forEach((item, i) => {
            if (i > 0) push(itemSep);
            nl(level + 1);
            walk(item, level + 1);
          });
          nl(level);
          push(']');
        }
      }
      seen.delete(v);
      return;
    }
    throw typeError(`Object of type ${typeName(v)} is not JSON serializable`);
  };
  walk(value, 0);
  const s = parts.join('');
  budget().alloc(s.length);
  return s;
}

/** Jinja2's `tojson`: sorted keys, then `<>&'` escaped for HTML. */
export function htmlSafeJsonDumps(value: PyValue, indent: number | null = null): string {
  return jsonDumps(value, { sortKeys: true, indent }).replace(/[<>&']/g, u4);
}
