/**
 * Python's `datetime.datetime` and `datetime.timedelta`, enough for OnCall's
 * date filters. Naive datetimes are taken as UTC where Python would use the
 * server's local zone (OnCall runs in UTC containers).
 */
import { PyCallable, PyFloat, PyObject, type PyValue } from '../runtime/py.model.js';
import { arithHooks, num } from '../runtime/py.ops.js';
import { typeError, valueError } from '../runtime/render.budget.js';
import { bindArgs } from '../runtime/call-args.binding.js';
import { strftime } from './strftime.format.js';
import { PyDate, PyTime } from './py-date.model.js';

const US_PER_DAY = 86_400_000_000;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export interface TzInfo {
  /** Seconds east of UTC at the instant. */
  offsetSec: number;
  /** What `%Z` prints. */
  name: string;
}

export class PyTimedelta extends PyObject {
  readonly typeName = 'timedelta';
  /** Total microseconds (exact for spans below ~285 years). */
  constructor(readonly us: number) {
    super();
  }
  get days(): number {
    return Math.floor(this.us / US_PER_DAY);
  }
  get seconds(): number {
    return Math.floor((this.us - this.days * US_PER_DAY) / 1e6);
  }
  get micros(): number {
    return this.us - this.days * US_PER_DAY - this.seconds * 1e6;
  }
  getAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'days':
        return this.days;
      case 'seconds':
        return this.seconds;
      case 'microseconds':
        return this.micros;
      case 'total_seconds':
        return new PyCallable('total_seconds', () => new PyFloat(this.us / 1e6));
      default:
        return undefined;
    }
  }
  override str(): string {
    const s = this.seconds;
    let out = `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
    if (this.days) out = `${this.days} day${Math.abs(this.days) !== 1 ? 's' : ''}, ${out}`;
    if (this.micros) out += `.${pad(this.micros, 6)}`;
    return out;
  }
  repr(): string {
    const parts = [this.days && `days=${this.days}`, this.seconds && `seconds=${this.seconds}`, this.micros && `microseconds=${this.micros}`].filter(Boolean);
    return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
  }
  override equals(o: PyValue): boolean {
    return o instanceof PyTimedelta && o.us === this.us;
  }
  override compare(o: PyValue): number | undefined {
    return o instanceof PyTimedelta ? this.us - o.us : undefined;
  }
}

export class PyDateTime extends PyObject {
  readonly typeName = 'datetime';
  /**
   * @param local microseconds since 1970-01-01T00:00 of the wall-clock fields
   * @param tz null for a naive datetime
   */
  constructor(
    readonly local: number,
    readonly tz: TzInfo | null,
  ) {
    super();
  }

  static of(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, us = 0, tz: TzInfo | null = null): PyDateTime {
    const dt = new Date(0);
    dt.setUTCFullYear(y, mo - 1, d);
    dt.setUTCHours(h, mi, s, 0);
    if (y < 1 || y > 9999 || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d || h > 23 || mi > 59 || s > 59 || us > 999_999) {
      throw valueError('datetime field out of range');
    }
    return new PyDateTime(dt.getTime() * 1000 + us, tz);
  }

  /** Instant in microseconds since the epoch (naive taken as UTC). */
  get instant(): number {
    return this.local - (this.tz?.offsetSec ?? 0) * 1e6;
  }

  fields(): { y: number; mo: number; d: number; h: number; mi: number; s: number; us: number; wd: number } {
    const ms = Math.floor(this.local / 1000);
    const us = this.local - ms * 1000;
    const t = new Date(ms);
    return {
      y: t.getUTCFullYear(),
      mo: t.getUTCMonth() + 1,
      d: t.getUTCDate(),
      h: t.getUTCHours(),
      mi: t.getUTCMinutes(),
      s: t.getUTCSeconds(),
      us: t.getUTCMilliseconds() * 1000 + us,
      wd: t.getUTCDay(),
    };
  }

  offsetString(colon: boolean): string {
    if (!this.tz) return '';
    const o = this.tz.offsetSec;
    const a = Math.abs(o);
    const hhmm = `${pad(Math.floor(a / 3600))}${colon ? ':' : ''}${pad(Math.floor(a / 60) % 60)}`;
    return `${o < 0 ? '-' : '+'}${hhmm}${a % 60 ? `${colon ? ':' : ''}${pad(a % 60)}` : ''}`;
  }

  isoformat(sep = 'T'): string {
    const f = this.fields();
    const frac = f.us ? `.${pad(f.us, 6)}` : '';
    return `${pad(f.y, 4)}-${pad(f.mo)}-${pad(f.d)}${sep}${pad(f.h)}:${pad(f.mi)}:${pad(f.s)}${frac}${this.offsetString(true)}`;
  }

  getAttr(name: string): PyValue | undefined {
    const f = this.fields();
    switch (name) {
      case 'year':
        return f.y;
      case 'month':
        return f.mo;
      case 'day':
        return f.d;
      case 'hour':
        return f.h;
      case 'minute':
        return f.mi;
      case 'second':
        return f.s;
      case 'microsecond':
        return f.us;
      case 'tzinfo':
        return this.tz ? this.tz.name : null;
      case 'strftime':
        return new PyCallable('strftime', (a, k) => {
          const [fmt] = bindArgs('strftime', ['format'], a, k);
          if (typeof fmt !== 'string') throw typeError('strftime() argument 1 must be str');
          return strftime(this, fmt);
        });
      case 'isoformat':
        return new PyCallable('isoformat', (a, k) => {
          const [sep] = bindArgs('isoformat', ['sep?', 'timespec?'], a, k);
          return this.isoformat(typeof sep === 'string' ? sep : 'T');
        });
      case 'timestamp':
        return new PyCallable('timestamp', () => new PyFloat(this.instant / 1e6));
      case 'date':
        return new PyCallable('date', () => new PyDate(f.y, f.mo, f.d));
      case 'time':
        return new PyCallable('time', () => new PyTime(f.h, f.mi, f.s, f.us));
      case 'utcoffset':
        return new PyCallable('utcoffset', () => (this.tz ? new PyTimedelta(this.tz.offsetSec * 1e6) : null));
      case 'replace':
        return new PyCallable('replace', (a, k) => this.replace(a, k));
      case 'weekday':
        return new PyCallable('weekday', () => (f.wd + 6) % 7);
      case 'isoweekday':
        return new PyCallable('isoweekday', () => f.wd || 7);
      default:
        return undefined;
    }
  }
  /** `replace(year=…, …, microsecond=…, tzinfo=None)`; a zone other than None cannot be named in a template. */
  private replace(args: PyValue[], kwargs: Map<string, PyValue>): PyDateTime {
    const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
    const given = bindArgs(
      'replace',
      names.map((n) => `${n}?`),
      args,
      kwargs,
    );
    const f = this.fields();
    const field = (i: number, current: number): number => {
      const v = given[i];
      if (v === undefined) return current;
      if (typeof v !== 'number') throw typeError(`'${names[i]}' must be an integer`);
      return v;
    };
    const tz = given[7];
    if (tz !== undefined && tz !== null) throw typeError('tzinfo argument must be None or of a tzinfo subclass');
    return PyDateTime.of(
      field(0, f.y),
      field(1, f.mo),
      field(2, f.d),
      field(3, f.h),
      field(4, f.mi),
      field(5, f.s),
      field(6, f.us),
      tz === null ? null : this.tz,
    );
  }

  override str(): string {
    return this.isoformat(' ');
  }
  repr(): string {
    const f = this.fields();
    const parts = [f.y, f.mo, f.d, f.h, f.mi];
    if (f.s || f.us) parts.push(f.s);
    if (f.us) parts.push(f.us);
    const tz = this.tz ? `, tzinfo=${this.tz.offsetSec === 0 && this.tz.name === 'UTC' ? 'datetime.timezone.utc' : `<${this.tz.name}>`}` : '';
    return `datetime.datetime(${parts.join(', ')}${tz})`;
  }
  override equals(o: PyValue): boolean {
    return o instanceof PyDateTime && !!o.tz === !!this.tz && o.instant === this.instant;
  }
  override compare(o: PyValue): number | undefined {
    if (!(o instanceof PyDateTime)) return undefined;
    if (!!o.tz !== !!this.tz) throw typeError("can't compare offset-naive and offset-aware datetimes");
    return this.instant - o.instant;
  }
}

arithHooks.push((op, a, b) => {
  if (a instanceof PyDateTime && b instanceof PyTimedelta && (op === '+' || op === '-')) {
    return new PyDateTime(a.local + (op === '+' ? b.us : -b.us), a.tz);
  }
  if (a instanceof PyTimedelta && b instanceof PyDateTime && op === '+') return new PyDateTime(b.local + a.us, b.tz);
  if (a instanceof PyDateTime && b instanceof PyDateTime && op === '-') {
    if (!!a.tz !== !!b.tz) throw typeError("can't subtract offset-naive and offset-aware datetimes");
    return new PyTimedelta(a.instant - b.instant);
  }
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) {
    if (op === '+') return new PyTimedelta(a.us + b.us);
    if (op === '-') return new PyTimedelta(a.us - b.us);
    if (op === '/') return new PyFloat(a.us / b.us);
  }
  const n = num(b);
  if (a instanceof PyTimedelta && n !== undefined) {
    if (op === '*') return new PyTimedelta(Math.round(a.us * n));
    if (op === '/') return new PyTimedelta(Math.round(a.us / n));
  }
  const m = num(a);
  if (b instanceof PyTimedelta && m !== undefined && op === '*') return new PyTimedelta(Math.round(b.us * m));
  return undefined;
});
