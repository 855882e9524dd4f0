/**
 * Python's `str()` and `repr()`, which is what Jinja2 prints: `True`, `None`,
 * `{'a': 1}`, `['a', 'b']`, `1.0`, `1e+16`.
 */
import { budget, BudgetExceeded } from './render.budget.js';
import { PyCallable, PyDict, PyFloat, PyObject, PyTuple, Undefined, reprHook, type DictKey, type PyValue } from './py.model.js';

export function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'int';
    case 'string':
      return 'str';
    default:
      break;
  }
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof Undefined) return 'Undefined';
  if (v instanceof PyCallable) return 'builtin_function_or_method';
  return v.typeName;
}

export function intStr(n: number): string {
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}

/** Python's `repr(float)`: shortest round-trip digits, exponent outside [-4, 16). */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expStr] = Math.abs(x).toExponential().split('e');
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    if (exp >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exp - digits.length + 1)}.0`;
    return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0) as number;
      out +=
        cp <= 0xff
          ? `\\x${cp.toString(16).padStart(2, '0')}`
          : cp <= 0xffff
            ? `\\u${cp.toString(16).padStart(4, '0')}`
            : `\\U${cp.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

export function keyRepr(k: DictKey): string {
  if (k === null) return 'None';
  if (typeof k === 'string') return strRepr(k);
  return Number.isInteger(k) ? intStr(k) : floatRepr(k);
}

class Out {
  parts: string[] = [];
  len = 0;
  readonly max = budget().limits.maxValueChars;
  push(s: string): void {
    this.len += s.length;
    if (this.len > this.max) throw new BudgetExceeded(`a string of more than ${this.max} characters`);
    this.parts.push(s);
  }
}

function reprInto(v: PyValue, out: Out, seen: Set<object>): void {
  if (typeof v === 'string') return out.push(strRepr(v));
  if (Array.isArray(v) || v instanceof PyTuple || v instanceof PyDict) {
    if (seen.has(v)) return out.push(Array.isArray(v) ? '[...]' : v instanceof PyDict ? '{...}' : '(...)');
    seen.add(v);
    if (v instanceof PyDict) {
      out.push('{');
      let first = true;
      for (const [k, val] of v.map) {
        out.push(first ? keyRepr(k) : `, ${keyRepr(k)}`);
        out.push(': ');
        reprInto(val, out, seen);
        first = false;
      }
      out.push('}');
    } else {
      const items = Array.isArray(v) ? v : v.items;
      out.push(Array.isArray(v) ? '[' : '(');
      items.forEach((item, i) => {
        if (i > 0) out.push(', ');
        reprInto(item, out, seen);
      });
      out.push(Array.isArray(v) ? ']' : items.length === 1 ? ',)' : ')');
    }
    seen.delete(v);
    return;
  }
  out.push(scalarRepr(v));
}

function scalarRepr(v: PyValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return intStr(v);
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.v);
  if (v instanceof Undefined) return 'Undefined';
  if (v instanceof PyCallable) return `<built-in function ${v.name}>`;
  if (v instanceof PyObject) return v.repr();
  return '?';
}

export function pyRepr(v: PyValue): string {
  const out = new Out();
  reprInto(v, out, new Set());
  const s = out.parts.join('');
  budget().alloc(s.length);
  return s;
}

/** Python's `str()`; Jinja2's `{{ x }}` prints this (Undefined prints ''). */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Undefined) return '';
  if (v instanceof PyObject) return v.str();
  if (Array.isArray(v) || v instanceof PyTuple || v instanceof PyDict) return pyRepr(v);
  return scalarRepr(v);
}

reprHook.repr = pyRepr;
