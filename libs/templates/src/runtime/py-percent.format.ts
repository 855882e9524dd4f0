/** Python's printf-style `%` formatting and `str.format()`. */
import { budget, TemplateError, typeError, valueError } from './render.budget.js';
import { PyBigInt, PyDict, PyFloat, PyTuple, Undefined, type PyValue } from './py.model.js';
import { pyRepr, pyStr, typeName } from './py-str.format.js';
import { exponential, fixed, general, nonFinite } from './py-number.format.js';
import { undefinedError } from './py.ops.js';

interface Spec {
  fill: string;
  align: string;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision: number | undefined;
  type: string;
}

function toNumber(v: PyValue, conv: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.v;
  if (v instanceof PyBigInt) return Number(v.v);
  if (v instanceof Undefined) throw undefinedError(v);
  throw typeError(`%${conv} format: a real number is required, not ${typeName(v)}`);
}

function groupDigits(intPart: string, sep: string): string {
  return sep ? intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep) : intPart;
}

/** Formats a number per a spec; returns [sign, body] so the caller can pad. */
function formatNumber(v: PyValue, s: Spec): [string, string] {
  const t = s.type;
  let x = toNumber(v, t || 'd');
  const isInt = typeof v === 'number' || typeof v === 'boolean' || v instanceof PyBigInt;
  let body: string;
  if (v instanceof PyBigInt && 'diun xXob'.includes(t || ' ')) {
    // exact digits of a big int; x (a double) still gives the sign
    const abs = v.v < 0n ? -v.v : v.v;
    const radix = t === 'o' ? 8 : t === 'b' ? 2 : t === 'x' || t === 'X' ? 16 : 10;
    body = radix === 10 ? groupDigits(abs.toString(), s.grouping) : abs.toString(radix);
    if (t === 'X') body = body.toUpperCase();
    if (radix !== 10 && s.alt) body = `0${t}${body}`;
    const sign = v.v < 0n ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
    return [sign, body];
  }
  switch (t) {
    case 'd':
    case 'i':
    case 'u':
    case 'n':
    case '':
      if (t === '' && !isInt) {
        body = s.precision === undefined ? pyStr(v).replace('-', '') : general(Math.abs(x), s.precision, false, s.alt);
        break;
      }
      x = Math.trunc(x);
      body = groupDigits(Math.abs(x).toString(), s.grouping);
      break;
    case 'x':
    case 'X':
    case 'o':
    case 'b': {
      if (!isInt && !Number.isInteger(x)) throw typeError(`%${t} format: an integer is required, not ${typeName(v)}`);
      const radix = t === 'o' ? 8 : t === 'b' ? 2 : 16;
      body = Math.abs(x).toString(radix);
      if (t === 'X') body = body.toUpperCase();
      if (s.alt) body = `0${t}${body}`.replace('0X', '0X');
      break;
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case '%': {
      const upper = t === 'E' || t === 'F' || t === 'G';
      const nf = nonFinite(Math.abs(x), upper);
      const prec = budget().size(s.precision ?? 6, 'format precision');
      if (nf) body = nf;
      else if (t === 'e' || t === 'E') body = exponential(Math.abs(x), prec, upper, s.alt);
      else if (t === 'f' || t === 'F') body = fixed(Math.abs(x), prec);
      else if (t === '%') body = `${fixed(Math.abs(x) * 100, prec)}%`;
      else body = general(Math.abs(x), prec, upper, s.alt);
      if (s.grouping && /^\d/.test(body)) {
        const [i, ...rest] = body.split('.');
        body = [groupDigits(i, s.grouping), ...rest].join('.');
      }
      break;
    }
    default:
      throw valueError(`Unknown format code '${t}' for object of type '${typeName(v)}'`);
  }
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
  return [sign, body];
}

function pad(sign: string, body: string, s: Spec, numeric: boolean): string {
  budget().size(s.width, 'format width');
  const total = sign.length + [...body].length;
  if (total >= s.width) return sign + body;
  const n = s.width - total;
  if (numeric && s.zero && s.align === '') return sign + '0'.repeat(n) + body;
  const fill = s.fill || ' ';
  const align = s.align || (numeric ? '>' : '<');
  switch (align) {
    case '<':
      return sign + body + fill.repeat(n);
    case '>':
      return fill.repeat(n) + sign + body;
    case '^':
      return fill.repeat(Math.floor(n / 2)) + sign + body + fill.repeat(n - Math.floor(n / 2));
    case '=':
      return sign + fill.repeat(n) + body;
    default:
      return sign + body;
  }
}

const PERCENT = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/** `fmt % args`. */
export function percentFormat(fmt: string, args: PyValue): string {
  const positional = args instanceof PyTuple ? [...args.items] : [args];
  const mapping = args instanceof PyDict ? args : undefined;
  const lenient = !(args instanceof PyTuple) && (args instanceof PyDict || Array.isArray(args));
  let next = 0;
  let usedMapping = false;
  const take = (): PyValue => {
    if (next >= positional.length) throw typeError('not enough arguments for format string');
    return positional[next++];
  };
  const out = fmt.replace(PERCENT, (all, name: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conv: string) => {
    if (conv === '%' && all === '%%') return '%';
    let v: PyValue;
    const w = width === '*' ? Number(take()) : width ? Number(width) : 0;
    const p = precision === '*' ? Number(take()) : precision !== undefined ? Number(precision) : undefined;
    if (name !== undefined) {
      if (!mapping) throw typeError('format requires a mapping');
      usedMapping = true;
      const found = mapping.get(name);
      if (found === undefined) throw new TemplateError('KeyError', `'${name}'`);
      v = found;
    } else v = take();
    const spec: Spec = {
      fill: ' ',
      align: flags.includes('-') ? '<' : '',
      sign: flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '',
      alt: flags.includes('#'),
      zero: flags.includes('0') && !flags.includes('-'),
      width: w,
      grouping: '',
      precision: p,
      type: conv,
    };
    switch (conv) {
      case 's':
      case 'r':
      case 'a': {
        let s = conv === 's' ? pyStr(v) : pyRepr(v);
        if (p !== undefined) s = s.slice(0, p);
        return pad('', s, { ...spec, zero: false, align: spec.align || '>' }, false);
      }
      case 'c': {
        const c = typeof v === 'number' ? String.fromCodePoint(v) : typeof v === 'string' && [...v].length === 1 ? v : undefined;
        if (c === undefined) throw typeError('%c requires int or char');
        return pad('', c, { ...spec, align: spec.align || '>' }, false);
      }
      default: {
        const [sign, body] = formatNumber(v, conv === 'u' || conv === 'i' ? { ...spec, type: 'd' } : spec);
        return pad(sign, body, spec, true);
      }
    }
  });
  if (!mapping && !lenient && next < positional.length && !usedMapping) throw typeError('not all arguments converted during string formatting');
  budget().alloc(out.length);
  return out;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([_,])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

function parseSpec(specStr: string): Spec {
  const m = SPEC.exec(specStr);
  if (!m) throw valueError(`Invalid format specifier '${specStr}'`);
  return {
    fill: m[1] ?? (m[6] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[6] ? '=' : ''),
    sign: m[3] ?? '',
    alt: !!m[5],
    zero: !!m[6],
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8] ?? '',
    precision: m[9] !== undefined ? Number(m[9]) : undefined,
    type: m[10] ?? '',
  };
}

/** Python's `format(value, spec)`. */
export function formatSpec(v: PyValue, specStr: string): string {
  if (specStr === '') return pyStr(v);
  const s = parseSpec(specStr);
  const numeric = typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat || v instanceof PyBigInt;
  if (numeric && s.type !== 's') {
    if (typeof v === 'boolean' && s.type === '') return pad('', pyStr(v), { ...s, zero: false }, false);
    const [sign, body] = formatNumber(v, s);
    return pad(sign, body, { ...s, zero: false, align: s.align }, true);
  }
  if (s.type !== '' && s.type !== 's') throw valueError(`Unknown format code '${s.type}' for object of type '${typeName(v)}'`);
  let str = pyStr(v);
  if (s.precision !== undefined) str = [...str].slice(0, s.precision).join('');
  return pad('', str, { ...s, zero: false }, false);
}

export interface FieldAccess {
  getattr(obj: PyValue, name: string): PyValue;
  getitem(obj: PyValue, key: PyValue): PyValue;
}

/**
 * `str.format(*args, **kwargs)`; attribute access goes through the sandboxed accessors.
 * A format spec may hold replacement fields itself (`'{:{w}.{p}f}'`), one level deep
 * as in Python ("Max string recursion exceeded" beyond).
 */
export function strFormat(fmt: string, args: readonly PyValue[], kwargs: Map<string, PyValue>, access: FieldAccess): string {
  const numbering = { auto: 0, mode: '' as '' | 'auto' | 'manual' };
  const lookup = (head: string): PyValue => {
    if (head === '' || /^\d+$/.test(head)) {
      const mode = head === '' ? 'auto' : 'manual';
      if (numbering.mode && numbering.mode !== mode) {
        throw valueError(
          mode === 'auto'
            ? 'cannot switch from manual field specification to automatic field numbering'
            : 'cannot switch from automatic field numbering to manual field specification',
        );
      }
      numbering.mode = mode;
      const n = head === '' ? numbering.auto++ : Number(head);
      if (n >= args.length) throw new TemplateError('IndexError', `Replacement index ${n} out of range for positional args tuple`);
      return args[n] as PyValue;
    }
    if (!kwargs.has(head)) throw new TemplateError('KeyError', `'${head}'`);
    return kwargs.get(head) as PyValue;
  };
  const render = (text: string, depth: number): string => {
    if (depth <= 0) throw valueError('Max string recursion exceeded');
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '{' && text[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      if (c === '}' && text[i + 1] === '}') {
        out += '}';
        i += 2;
        continue;
      }
      if (c === '}') throw valueError("Single '}' encountered in format string");
      if (c !== '{') {
        out += c;
        i++;
        continue;
      }
      // the field runs to its matching '}', counting nested braces
      let level = 1;
      let end = i + 1;
      for (; end < text.length; end++) {
        if (text[end] === '{') level++;
        else if (text[end] === '}' && --level === 0) break;
      }
      if (level > 0) throw valueError(level > 1 ? "expected '}' before end of string" : "Single '{' encountered in format string");
      const field = text.slice(i + 1, end);
      i = end + 1;
      const m = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([^:]*))?(?::(.*))?$/s.exec(field);
      if (!m) throw valueError(`bad format field '${field}'`);
      const [, head, path, conv, rawSpec] = m;
      if (head.includes('{')) throw valueError("unexpected '{' in field name");
      if (conv !== undefined && !/^[rsa]$/.test(conv)) {
        throw valueError(conv.length === 1 ? `Unknown conversion specifier ${conv}` : "expected ':' after conversion specifier");
      }
      let v = lookup(head);
      for (const part of path.match(/\.[^.[]+|\[[^\]]*\]/g) ?? []) {
        if (part.startsWith('.')) v = access.getattr(v, part.slice(1));
        else {
          const k = part.slice(1, -1);
          v = access.getitem(v, /^\d+$/.test(k) ? Number(k) : k);
        }
      }
      if (conv === 'r' || conv === 'a') v = pyRepr(v);
      else if (conv === 's') v = pyStr(v);
      const spec = rawSpec !== undefined && rawSpec.includes('{') ? render(rawSpec, depth - 1) : (rawSpec ?? '');
      out += formatSpec(v, spec);
      budget().alloc(out.length);
    }
    return out;
  };
  return render(fmt, 2);
}
