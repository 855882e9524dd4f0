/** Python semantics for truth, equality, ordering, arithmetic, membership, iteration. */
import { budget, BudgetExceeded, TemplateError, typeError } from './render.budget.js';
import { intValue, PyBigInt, PyDict, PyDictView, PyFloat, PyObject, PyTuple, Undefined, type DictKey, type PyValue } from './py.model.js';
import { pyStr, typeName } from './py-str.format.js';

export function undefinedError(u: Undefined): TemplateError {
  return new TemplateError('UndefinedError', u.hint);
}

export function truthy(v: PyValue): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (v === true || typeof v === 'number' || typeof v === 'string') return true;
  if (v instanceof PyFloat) return v.v !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  if (v instanceof Undefined) return false;
  if (v instanceof PyDictView) return v.dict.size > 0;
  return true;
}

/** Numeric value of int, float or bool; `undefined` for anything else. */
export function num(v: PyValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.v;
  if (v instanceof PyBigInt) return Number(v.v);
  return undefined;
}

export const isFloat = (v: PyValue): v is PyFloat => v instanceof PyFloat;

export function dictKey(v: PyValue): DictKey {
  if (typeof v === 'string' || v === null) return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.v;
  if (v instanceof Undefined) throw undefinedError(v);
  throw typeError(`unhashable type: '${typeName(v)}'`);
}

export function eq(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  if (a instanceof PyBigInt) return a.equals(b);
  if (b instanceof PyBigInt) return b.equals(a);
  const na = num(a);
  if (na !== undefined) {
    const nb = num(b);
    return nb !== undefined && na === nb;
  }
  if (typeof a === 'string' || typeof b === 'string') {
    if (typeof a === 'string' && typeof b === 'string') budget().work(Math.min(a.length, b.length));
    return false;
  }
  if (a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && seqEq(a, b);
  if (a instanceof PyTuple) return b instanceof PyTuple && seqEq(a.items, b.items);
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.size !== b.size) return false;
    const bm = b.map;
    for (const [k, v] of a.map) {
      if (!bm.has(k) || !eq(v, bm.get(k) as PyValue)) return false;
    }
    return true;
  }
  if (a instanceof Undefined) return b instanceof Undefined;
  if (a instanceof PyObject) return a.equals(b);
  return false;
}

function seqEq(a: readonly PyValue[], b: readonly PyValue[]): boolean {
  if (a.length !== b.length) return false;
  budget().work(a.length);
  for (let i = 0; i < a.length; i++) if (!eq(a[i], b[i])) return false;
  return true;
}

/** Python ordering (`<` and friends, `sort`). Throws TypeError for mixed types. */
export function compare(a: PyValue, b: PyValue): number {
  if (a instanceof PyBigInt || b instanceof PyBigInt) {
    const c = a instanceof PyBigInt ? a.compare(b) : (b as PyBigInt).compare(a);
    if (c !== undefined) return a instanceof PyBigInt ? c : -c;
  }
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    budget().work(Math.min(a.length, b.length));
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if ((Array.isArray(a) && Array.isArray(b)) || (a instanceof PyTuple && b instanceof PyTuple)) {
    const x = Array.isArray(a) ? a : (a as PyTuple).items;
    const y = Array.isArray(b) ? b : (b as PyTuple).items;
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (!eq(x[i], y[i])) return compare(x[i], y[i]);
    }
    return x.length - y.length;
  }
  if (a instanceof Undefined) throw undefinedError(a);
  if (b instanceof Undefined) throw undefinedError(b);
  if (a instanceof PyObject) {
    const c = a.compare(b);
    if (c !== undefined) return c;
  }
  throw typeError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Items of an iterable, as `for` sees them. Undefined iterates as empty. */
export function iterate(v: PyValue): readonly PyValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (v instanceof PyDict) return [...v.map.keys()];
  if (typeof v === 'string') {
    budget().items(v.length);
    return Array.from(v);
  }
  if (v instanceof Undefined) return [];
  if (v instanceof PyDictView) return v.list();
  throw typeError(`'${typeName(v)}' object is not iterable`);
}

export function len(v: PyValue): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof PyTuple) return v.items.length;
  if (v instanceof PyDict) return v.size;
  if (v instanceof PyDictView) return v.dict.size;
  if (v instanceof Undefined) return 0;
  throw typeError(`object of type '${typeName(v)}' has no len()`);
}

/** `a in b`. */
export function contains(container: PyValue, item: PyValue): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    budget().work(container.length);
    return container.includes(item);
  }
  if (container instanceof PyDict) return container.has(dictKey(item));
  if (container instanceof PyDictView && container.kind === 'keys') return container.dict.has(dictKey(item));
  const items = iterate(container);
  budget().work(items.length);
  return items.some((x) => eq(x, item));
}

export function mkNumber(n: number, float: boolean): PyValue {
  return float ? new PyFloat(n) : n;
}

/** Python's `%` on numbers: the sign follows the divisor. */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function repeat(seq: PyValue, times: PyValue): PyValue | undefined {
  if (typeof times !== 'number' && typeof times !== 'boolean') return undefined;
  const n = Math.max(0, Number(times));
  if (typeof seq === 'string') {
    budget().alloc(seq.length * n);
    return seq.length === 0 ? '' : seq.repeat(n);
  }
  if (Array.isArray(seq) || seq instanceof PyTuple) {
    const items = Array.isArray(seq) ? seq : seq.items;
    budget().items(items.length * n);
    const out: PyValue[] = [];
    if (items.length > 0) for (let i = 0; i < n; i++) out.push(...items);
    return Array.isArray(seq) ? out : new PyTuple(out);
  }
  return undefined;
}

export function binaryArith(op: string, a: PyValue, b: PyValue): PyValue {
  if (a instanceof Undefined) throw undefinedError(a);
  if (b instanceof Undefined) throw undefinedError(b);
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) {
    const f = isFloat(a) || isFloat(b);
    if (!f && INT_OPS.has(op)) {
      const r = a instanceof PyBigInt || b instanceof PyBigInt ? undefined : intArith(op, na, nb);
      if (r !== undefined) return r;
      return bigArith(op, BigInt(a instanceof PyBigInt ? a.v : na), BigInt(b instanceof PyBigInt ? b.v : nb));
    }
    switch (op) {
      case '+':
        return mkNumber(na + nb, f);
      case '-':
        return mkNumber(na - nb, f);
      case '*':
        return mkNumber(na * nb, f);
      case '/':
        if (nb === 0) throw new TemplateError('ZeroDivisionError', 'division by zero');
        return new PyFloat(na / nb);
      case '//':
        if (nb === 0) throw new TemplateError('ZeroDivisionError', 'integer division or modulo by zero');
        return mkNumber(Math.floor(na / nb), f);
      case '%':
        if (nb === 0) throw new TemplateError('ZeroDivisionError', 'integer division or modulo by zero');
        return mkNumber(pyMod(na, nb), f);
      case '**': {
        const r = na ** nb;
        if (!Number.isFinite(r)) throw new TemplateError('ValueError', 'numeric result out of range');
        return mkNumber(r, f || nb < 0);
      }
      default:
        break;
    }
  }
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') {
      budget().alloc(a.length + b.length);
      return a + b;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      budget().items(a.length + b.length);
      return [...a, ...b];
    }
    if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items]);
  }
  if (op === '*') {
    const r = repeat(a, b) ?? repeat(b, a);
    if (r !== undefined) return r;
  }
  if (a instanceof PyObject || b instanceof PyObject) {
    const r = objectArith(op, a, b);
    if (r !== undefined) return r;
  }
  throw typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

const INT_OPS = new Set(['+', '-', '*', '//', '%', '**']);

/** Int arithmetic in doubles; `undefined` when the result is not exact (past 2^53), for `bigArith`. */
function intArith(op: string, a: number, b: number): PyValue | undefined {
  let r: number;
  switch (op) {
    case '+':
      r = a + b;
      break;
    case '-':
      r = a - b;
      break;
    case '*':
      r = a * b;
      break;
    case '//':
      if (b === 0) throw new TemplateError('ZeroDivisionError', 'integer division or modulo by zero');
      r = Math.floor(a / b);
      break;
    case '%':
      if (b === 0) throw new TemplateError('ZeroDivisionError', 'integer division or modulo by zero');
      return pyMod(a, b);
    case '**':
      if (b < 0) {
        if (a === 0) throw new TemplateError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
        return new PyFloat(a ** b);
      }
      r = a ** b;
      break;
    default:
      return undefined;
  }
  return Number.isSafeInteger(r) ? r : undefined;
}

/** Bits of a BigInt's magnitude (hex digits × 4: cheap, unlike decimal). */
const bitsOf = (x: bigint): number => (x < 0n ? -x : x).toString(16).length * 4;

/**
 * The largest int a template may build, in bits (about 300,000 decimal digits).
 * Python has no such bound, but its `str()` refuses past 4,300 digits; this one
 * keeps BigInt products and powers within the render's time. Each operation is
 * charged by the size of its result, before it is computed.
 */
export const MAX_INT_BITS = 1_000_000;

function chargeInt(bits: number): void {
  if (bits > MAX_INT_BITS) throw new BudgetExceeded(`an int of about ${Math.round(bits)} bits exceeds the limit of ${MAX_INT_BITS}`);
  budget().work(bits * 4);
}

/** Python int arithmetic past 2^53, exact; the result's size is charged before it is computed. */
function bigArith(op: string, a: bigint, b: bigint): PyValue {
  switch (op) {
    case '+':
      chargeInt(Math.max(bitsOf(a), bitsOf(b)) + 1);
      return intValue(a + b);
    case '-':
      chargeInt(Math.max(bitsOf(a), bitsOf(b)) + 1);
      return intValue(a - b);
    case '*':
      chargeInt(bitsOf(a) + bitsOf(b));
      return intValue(a * b);
    case '//': {
      if (b === 0n) throw new TemplateError('ZeroDivisionError', 'integer division or modulo by zero');
      chargeInt(bitsOf(a));
      const q = a / b;
      return intValue(a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q);
    }
    case '%': {
      if (b === 0n) throw new TemplateError('ZeroDivisionError', 'integer division or modulo by zero');
      const r = a % b;
      return intValue(r !== 0n && r < 0n !== b < 0n ? r + b : r);
    }
    case '**': {
      if (b < 0n) return new PyFloat(Number(a) ** Number(b));
      const abs = a < 0n ? -a : a;
      if (abs <= 1n) return intValue(a ** b);
      chargeInt(Number(b) * (bitsOf(abs) - 3));
      return intValue(a ** b);
    }
    default:
      throw typeError(`unsupported operand type(s) for ${op}: 'int' and 'int'`);
  }
}

/** Hook for datetime arithmetic, installed by the datetime model. */
export const arithHooks: ((op: string, a: PyValue, b: PyValue) => PyValue | undefined)[] = [];

function objectArith(op: string, a: PyValue, b: PyValue): PyValue | undefined {
  for (const h of arithHooks) {
    const r = h(op, a, b);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** Jinja2's `~`: both sides through `str()`. */
export function concat(a: PyValue, b: PyValue): string {
  const x = pyStr(a);
  const y = pyStr(b);
  budget().alloc(x.length + y.length);
  return x + y;
}
