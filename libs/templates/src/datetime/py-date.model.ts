/**
 * Python's `datetime.date` and `datetime.time`, what `datetime.date()` and
 * `datetime.time()` return. `strftime` formats through a naive datetime, as
 * Python does (midnight for a date, 1900-01-01 for a time).
 */
import { PyCallable, PyObject, type PyValue } from '../runtime/py.model.js';
import { typeError } from '../runtime/render.budget.js';
import { bindArgs } from '../runtime/call-args.binding.js';
import { strftime } from './strftime.format.js';
import { PyDateTime } from './py-datetime.model.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function strftimeMethod(dt: () => PyDateTime): PyCallable {
  return new PyCallable('strftime', (a, k) => {
    const [fmt] = bindArgs('strftime', ['format'], a, k);
    if (typeof fmt !== 'string') throw typeError('strftime() argument 1 must be str');
    return strftime(dt(), fmt);
  });
}

export class PyDate extends PyObject {
  readonly typeName = 'date';
  constructor(
    readonly y: number,
    readonly mo: number,
    readonly d: number,
  ) {
    super();
  }
  private midnight(): PyDateTime {
    return PyDateTime.of(this.y, this.mo, this.d);
  }
  getAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'year':
        return this.y;
      case 'month':
        return this.mo;
      case 'day':
        return this.d;
      case 'isoformat':
        return new PyCallable('isoformat', () => this.str());
      case 'strftime':
        return strftimeMethod(() => this.midnight());
      case 'weekday':
        return new PyCallable('weekday', () => (this.midnight().fields().wd + 6) % 7);
      case 'isoweekday':
        return new PyCallable('isoweekday', () => this.midnight().fields().wd || 7);
      default:
        return undefined;
    }
  }
  override str(): string {
    return `${pad(this.y, 4)}-${pad(this.mo)}-${pad(this.d)}`;
  }
  repr(): string {
    return `datetime.date(${this.y}, ${this.mo}, ${this.d})`;
  }
  override equals(o: PyValue): boolean {
    return o instanceof PyDate && o.str() === this.str();
  }
  override compare(o: PyValue): number | undefined {
    return o instanceof PyDate ? (this.str() < o.str() ? -1 : this.str() > o.str() ? 1 : 0) : undefined;
  }
}

export class PyTime extends PyObject {
  readonly typeName = 'time';
  constructor(
    readonly h: number,
    readonly mi: number,
    readonly s: number,
    readonly us: number,
  ) {
    super();
  }
  getAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'hour':
        return this.h;
      case 'minute':
        return this.mi;
      case 'second':
        return this.s;
      case 'microsecond':
        return this.us;
      case 'tzinfo':
        return null;
      case 'isoformat':
        return new PyCallable('isoformat', () => this.str());
      case 'strftime':
        return strftimeMethod(() => PyDateTime.of(1900, 1, 1, this.h, this.mi, this.s, this.us));
      default:
        return undefined;
    }
  }
  override str(): string {
    return `${pad(this.h)}:${pad(this.mi)}:${pad(this.s)}${this.us ? `.${pad(this.us, 6)}` : ''}`;
  }
  repr(): string {
    const parts = [this.h, this.mi];
    if (this.s || this.us) parts.push(this.s);
    if (this.us) parts.push(this.us);
    return `datetime.time(${parts.join(', ')})`;
  }
  private key(): number {
    return ((this.h * 60 + this.mi) * 60 + this.s) * 1e6 + this.us;
  }
  override equals(o: PyValue): boolean {
    return o instanceof PyTime && o.key() === this.key();
  }
  override compare(o: PyValue): number | undefined {
    return o instanceof PyTime ? this.key() - o.key() : undefined;
  }
}
