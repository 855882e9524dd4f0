/** The string and number conversions behind Jinja2's text filters. */
import { budget, TemplateError, typeError, valueError } from '../runtime/render.budget.js';
import { PyFloat, type PyValue } from '../runtime/py.model.js';
import { len, num } from '../runtime/py.ops.js';
import { pyRepr, typeName } from '../runtime/py-str.format.js';
import { fixed } from '../runtime/py-number.format.js';
import { cpLength, rsplit, split, splitlines, strip } from '../runtime/py-text.helpers.js';
import { asInt, htmlUnescape } from './filter.helpers.js';

const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i;

/** Python's `float(str)`, or undefined where it raises. */
export function parsePyFloat(s: string): number | undefined {
  const t = strip(s, null, true, true);
  if (!PY_FLOAT.test(t) || !/\d|inf|nan/i.test(t)) return undefined;
  const lower = t.toLowerCase().replace(/_/g, '');
  if (lower.endsWith('nan')) return NaN;
  if (lower.includes('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(lower);
}

/** Python's `int(str, base)`, or undefined where it raises. */
export function parsePyInt(s: string, base: number): number | undefined {
  let t = strip(s, null, true, true).toLowerCase();
  let sign = 1;
  if (t.startsWith('-') || t.startsWith('+')) {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  let b = base;
  const prefix = /^0([xob])/.exec(t);
  if (prefix && (b === 0 || b === { x: 16, o: 8, b: 2 }[prefix[1] as 'x' | 'o' | 'b'])) {
    b = { x: 16, o: 8, b: 2 }[prefix[1] as 'x' | 'o' | 'b'];
    t = t.slice(2).replace(/^_/, '');
  } else if (b === 0) b = 10;
  if (b < 2 || b > 36 || !/^[0-9a-z](?:_?[0-9a-z])*$/.test(t)) return undefined;
  const digits = t.replace(/_/g, '');
  let n = 0;
  for (const c of digits) {
    const d = parseInt(c, 36);
    if (d >= b) return undefined;
    n = n * b + d;
  }
  return sign * n;
}

export function toInt(value: PyValue, dflt: PyValue, base: number): PyValue {
  if (typeof value === 'string') {
    const i = parsePyInt(value, base);
    if (i !== undefined) return i;
    const f = parsePyFloat(value);
    return f !== undefined && Number.isFinite(f) ? Math.trunc(f) : dflt;
  }
  const n = num(value);
  if (n === undefined || !Number.isFinite(n)) return dflt;
  return Math.trunc(n) || 0;
}

export function toFloat(value: PyValue, dflt: PyValue): PyValue {
  if (typeof value === 'string') {
    const f = parsePyFloat(value);
    return f === undefined ? dflt : new PyFloat(f);
  }
  const n = num(value);
  return n === undefined ? dflt : new PyFloat(n);
}

export function indent(s: string, width: PyValue, first: boolean, blank: boolean): string {
  const ind = typeof width === 'string' ? width : ' '.repeat(budget().size(asInt(width, 4, 'indent'), 'indent width'));
  const lines = splitlines(`${s}\n`);
  budget().alloc(s.length + lines.length * ind.length);
  let rv: string;
  if (blank) rv = lines.join(`\n${ind}`);
  else {
    rv = lines.shift() ?? '';
    if (lines.length) rv += `\n${lines.map((l) => (l ? ind + l : l)).join('\n')}`;
  }
  return first ? ind + rv : rv;
}

export function truncate(s: PyValue, length: number, killwords: boolean, end: string, leeway: number): PyValue {
  if (length < cpLength(end)) throw new TemplateError('ValueError', `expected length >= ${cpLength(end)}, got ${length}`);
  if (leeway < 0) throw new TemplateError('ValueError', `expected leeway >= 0, got ${leeway}`);
  if (len(s) <= length + leeway) return s;
  if (typeof s !== 'string') throw typeError(`'${typeName(s)}' object is not subscriptable`);
  const head = Array.from(s)
    .slice(0, Math.max(0, length - cpLength(end)))
    .join('');
  if (killwords) return head + end;
  return rsplit(head, ' ', 1)[0] + end;
}

/** textwrap.wrap for one paragraph (no tab expansion, whitespace kept as is). */
export function wrapParagraph(line: string, width: number, breakLong: boolean, breakHyphens: boolean): string[] {
  const chunkRe = breakHyphens ? /\s+|[^\s-]+-+(?=[^\s-])|[^\s]+/g : /\s+|\S+/g;
  const chunks: string[] = [...(line.match(chunkRe) ?? [])];
  const lines: string[] = [];
  let cur: string[] = [];
  let curLen = 0;
  const isWs = (c: string): boolean => /^\s+$/.test(c);
  chunks.reverse();
  while (chunks.length) {
    cur = [];
    curLen = 0;
    if (lines.length && isWs(chunks[chunks.length - 1])) chunks.pop();
    while (chunks.length) {
      const c = chunks[chunks.length - 1];
      if (curLen + c.length <= width) {
        cur.push(chunks.pop() as string);
        curLen += c.length;
      } else break;
    }
    if (chunks.length && chunks[chunks.length - 1].length > width) {
      const c = chunks.pop() as string;
      if (breakLong) {
        const room = Math.max(1, width - curLen);
        cur.push(c.slice(0, room));
        chunks.push(c.slice(room));
      } else if (cur.length === 0) cur.push(c);
      else chunks.push(c);
    }
    while (cur.length && isWs(cur[cur.length - 1])) cur.pop();
    if (cur.length) lines.push(cur.join(''));
  }
  return lines;
}

export function striptags(s: string): string {
  let v = s;
  for (;;) {
    const a = v.indexOf('<!--');
    const b = a < 0 ? -1 : v.indexOf('-->', a);
    if (b < 0) break;
    v = v.slice(0, a) + v.slice(b + 3);
  }
  for (;;) {
    const a = v.indexOf('<');
    const b = a < 0 ? -1 : v.indexOf('>', a);
    if (b < 0) break;
    v = v.slice(0, a) + v.slice(b + 1);
  }
  return htmlUnescape(split(v, null, -1).join(' '));
}

export function filesizeformat(value: PyValue, binary: boolean): string {
  const bytes = typeof value === 'string' ? parsePyFloat(value) : num(value);
  if (bytes === undefined) throw valueError(`could not convert string to float: ${pyRepr(value)}`);
  const base = binary ? 1024 : 1000;
  const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  for (let i = 0; i < prefixes.length; i++) {
    const unit = base ** (i + 2);
    if (bytes < unit || i === prefixes.length - 1) return `${fixed((base * bytes) / unit, 1)} ${prefixes[i]}`;
  }
  return '';
}
