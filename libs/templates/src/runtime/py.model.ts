import { TemplateError } from './render.budget.js';

/**
 * The value model of the template runtime: Python's types as Jinja2 sees them.
 *
 * Sandbox rule: template code never reaches a JavaScript property. Dicts are
 * `Map`s, attributes are looked up in explicit tables (`py-methods.builtins.ts`),
 * and caller data is copied into this model lazily, so `constructor`,
 * `__proto__` or `prototype` are ordinary (absent) keys.
 */

/** A Python float. Python ints are plain JS numbers (always integral). */
export class PyFloat {
  constructor(readonly v: number) {}
}

export class PyTuple {
  /** `names` makes it a namedtuple (Jinja2's groupby yields `(grouper, list)`). */
  constructor(
    readonly items: readonly PyValue[],
    readonly names?: readonly string[],
  ) {}
}

/** Dict keys: str, int (bools are stored as 0/1), None, or a non-integral float. */
export type DictKey = string | number | null;

/**
 * A Python dict. Built lazily from a plain JS object: the first access copies
 * the top level; nested objects become lazy dicts in turn. Mutations (`pop`,
 * `update`) change only this copy, never the caller's data.
 */
export class PyDict {
  private m: Map<DictKey, PyValue> | undefined;
  private src: Record<string, unknown> | undefined;
  /** Converted containers read from `src`, so repeated reads return the same object. */
  private children: Map<string, PyValue> | undefined;

  constructor(init?: Map<DictKey, PyValue> | Record<string, unknown>) {
    if (init instanceof Map) this.m = init;
    else if (init) this.src = init;
    else this.m = new Map();
  }

  /** The entries; the first call copies a source object (reads before that go straight to it). */
  get map(): Map<DictKey, PyValue> {
    if (this.m === undefined) {
      const m = new Map<DictKey, PyValue>();
      const src = this.src as Record<string, unknown>;
      for (const k of Object.keys(src)) m.set(k, this.read(src, k));
      this.m = m;
      this.src = undefined;
      this.children = undefined;
    }
    return this.m;
  }

  private read(src: Record<string, unknown>, k: string): PyValue {
    const raw = src[k];
    if (raw === null || typeof raw !== 'object') return toPy(raw);
    let v = this.children?.get(k);
    if (v === undefined) {
      v = toPy(raw);
      (this.children ??= new Map()).set(k, v);
    }
    return v;
  }

  has(k: DictKey): boolean {
    if (this.m) return this.m.has(k);
    return typeof k === 'string' && Object.prototype.hasOwnProperty.call(this.src, k);
  }

  /** The value, or `undefined` (JS) when the key is absent. */
  get(k: DictKey): PyValue | undefined {
    if (this.m) return this.m.get(k);
    const src = this.src as Record<string, unknown>;
    return typeof k === 'string' && Object.prototype.hasOwnProperty.call(src, k) ? this.read(src, k) : undefined;
  }

  get size(): number {
    return this.m ? this.m.size : Object.keys(this.src as object).length;
  }
}

/** Jinja2's default `Undefined`: prints as '', is falsy and empty, raises on any other use. */
export class Undefined {
  constructor(readonly hint: string) {}
}

export type Kwargs = Map<string, PyValue>;

/** Anything callable from a template: bound methods, globals, macros. `attrs` are its attributes (`dict.fromkeys`). */
export class PyCallable {
  constructor(
    readonly name: string,
    readonly call: (args: PyValue[], kwargs: Kwargs) => PyValue,
    readonly attrs?: ReadonlyMap<string, PyValue>,
  ) {}
}

/** Objects with attributes (namespace, loop, datetime, ...). */
export abstract class PyObject {
  abstract readonly typeName: string;
  /** Returns `undefined` when there is no such attribute. */
  abstract getAttr(name: string): PyValue | undefined;
  abstract repr(): string;
  str(): string {
    return this.repr();
  }
  /** Value equality; identity by default. */
  equals(other: PyValue): boolean {
    return this === other;
  }
  /** Ordering: negative, zero, positive; `undefined` when not orderable. */
  compare(_other: PyValue): number | undefined {
    return undefined;
  }
}

export class PyNamespace extends PyObject {
  readonly typeName = 'Namespace';
  readonly attrs = new Map<string, PyValue>();
  getAttr(name: string): PyValue | undefined {
    return this.attrs.get(name);
  }
  repr(): string {
    return `<Namespace ${reprHook.repr(new PyDict(new Map(this.attrs)))}>`;
  }
}

/** `dict.keys()`, `.values()`, `.items()`: live views, as in Python. */
export class PyDictView extends PyObject {
  constructor(
    readonly kind: 'keys' | 'values' | 'items',
    readonly dict: PyDict,
  ) {
    super();
  }
  get typeName(): string {
    return `dict_${this.kind}`;
  }
  getAttr(): PyValue | undefined {
    return undefined;
  }
  list(): PyValue[] {
    const m = this.dict.map;
    switch (this.kind) {
      case 'keys':
        return [...m.keys()];
      case 'values':
        return [...m.values()];
      case 'items':
        return [...m].map(([k, v]) => new PyTuple([k, v]));
      default: {
        const never: never = this.kind;
        throw new Error(`unknown view ${String(never)}`);
      }
    }
  }
  repr(): string {
    return `${this.typeName}(${reprHook.repr(this.list())})`;
  }
}

export type PyValue = null | boolean | number | string | PyFloat | PyValue[] | PyTuple | PyDict | Undefined | PyCallable | PyObject;

/** Set by py-str.format.ts to break the import cycle (model ← repr). */
export const reprHook: { repr: (v: PyValue) => string } = {
  repr: () => '?',
};

/**
 * Copies caller data (parsed JSON, plain objects) into the model. Functions,
 * symbols and bigints are not data: they become None, so no JS callable ever
 * enters a template.
 */
export function toPy(x: unknown): PyValue {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return x;
    case 'number':
      return Number.isInteger(x) ? x : new PyFloat(x);
    case 'object':
      if (x === null) return null;
      if (Array.isArray(x)) return x.map(toPy);
      if (x instanceof Date) return null;
      return new PyDict(x as Record<string, unknown>);
    default:
      return null;
  }
}

/** Converts back to plain JSON-like data (for callers and tests). */
export function fromPy(v: PyValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof PyFloat) return v.v;
  if (Array.isArray(v)) return v.map(fromPy);
  if (v instanceof PyTuple) return v.items.map(fromPy);
  if (v instanceof PyDict) {
    const o: Record<string, unknown> = {};
    for (const [k, val] of v.map) Object.defineProperty(o, String(k), { value: fromPy(val), enumerable: true, writable: true, configurable: true });
    return o;
  }
  if (v instanceof Undefined) return undefined;
  return String(reprHook.repr(v));
}

/**
 * A Python int outside JavaScript's exact range (beyond ±(2^53 − 1)): integer
 * arithmetic that overflows it continues in BigInt, so `2 ** 64 + 1` is exact.
 * Ints within the range stay plain numbers (`intValue` normalises).
 */
export class PyBigInt extends PyObject {
  readonly typeName = 'int';
  constructor(readonly v: bigint) {
    super();
  }
  getAttr(name: string): PyValue | undefined {
    if (name === 'real' || name === 'numerator') return this;
    if (name === 'imag') return 0;
    if (name === 'denominator') return 1;
    return undefined;
  }
  /** Python's `str(int)`, refused past 4,300 digits as Python 3.11+ refuses (`sys.int_info.default_max_str_digits`). */
  repr(): string {
    const hex = (this.v < 0n ? -this.v : this.v).toString(16).length;
    if (hex > 3570) {
      // 16^3570 < 10^4300 < 16^3700: between the two, count the digits
      const s = hex > 3700 ? '' : this.v.toString();
      if (hex > 3700 || s.replace('-', '').length > 4300)
        throw new TemplateError(
          'ValueError',
          'Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit',
        );
      return s;
    }
    return this.v.toString();
  }
  override equals(other: PyValue): boolean {
    const o = exactInt(other);
    return o !== undefined && o === this.v;
  }
  override compare(other: PyValue): number | undefined {
    const o = exactInt(other);
    if (o !== undefined) return this.v < o ? -1 : this.v > o ? 1 : 0;
    if (other instanceof PyFloat) {
      if (Number.isNaN(other.v)) return undefined;
      const x = Number(this.v);
      return x < other.v ? -1 : x > other.v ? 1 : 0;
    }
    return undefined;
  }
}

/** The exact integer value of an int, bool, big int or integral float; `undefined` otherwise. */
export function exactInt(v: PyValue): bigint | undefined {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof PyBigInt) return v.v;
  if (v instanceof PyFloat && Number.isInteger(v.v)) return BigInt(v.v);
  return undefined;
}

/** A BigInt result as a template int: a plain number when it is exact as one. */
export function intValue(b: bigint): number | PyBigInt {
  return b >= -BigInt(Number.MAX_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : new PyBigInt(b);
}
