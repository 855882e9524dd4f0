/**
 * The filters and globals Grafana OnCall adds to Jinja2, with OnCall's
 * semantics: most return None (printed `None`) where Python would raise
 * ValueError, AttributeError or TypeError, and raise otherwise.
 */
import { budget, BudgetExceeded, securityError, TemplateError, typeError } from '../runtime/render.budget.js';
import { PyCallable, PyDict, PyFloat, PyNamespace, PyObject, Undefined, type Kwargs, type PyValue } from '../runtime/py.model.js';
import { dictKey, iterate, num, undefinedError } from '../runtime/py.ops.js';
import { jsonDumps } from '../runtime/py-json.format.js';
import { pyJsonLoads } from '../runtime/py-json.parser.js';
import { pyStr } from '../runtime/py-str.format.js';
import { bindArgs } from '../runtime/call-args.binding.js';
import type { FilterFn } from '../runtime/jinja.runtime.js';
import { PyDateTime, PyTimedelta } from '../datetime/py-datetime.model.js';
import { strftime } from '../datetime/strftime.format.js';
import { strptime } from '../datetime/strptime.parser.js';
import { parseIso8601, UTC_ZONE } from '../datetime/iso8601.parser.js';
import { zoneAt } from '../datetime/time-zone.lookup.js';
import { cachedRegex, regexSub, RegexStepLimit, RegexSyntaxError, type LinearRegex, type StepMeter } from '../regex/regex.engine.js';

const DEFAULT_FORMAT = '%H:%M / %d-%m-%Y';

/** Marks "Python would raise one of the caught exceptions": the filter returns None. */
class Caught extends Error {}

function orNone(fn: () => PyValue): PyValue {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Caught) return null;
    throw e;
  }
}

function needStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  throw new Caught();
}

/** Meters regex work against the render budget (64 VM steps = 1 budget step). */
const meter: StepMeter = {
  remaining: () => Math.max(0, (budget().limits.maxSteps - budget().steps) * 64),
  charge: (steps) => budget().work(steps),
};

function regex(pattern: PyValue, anchor: 'none' | 'start'): LinearRegex {
  if (pattern instanceof Undefined) throw undefinedError(pattern);
  if (typeof pattern !== 'string') throw new Caught();
  try {
    return cachedRegex(pattern, { anchor });
  } catch (e) {
    if (e instanceof RegexSyntaxError) throw new TemplateError('RegexError', e.message);
    throw e;
  }
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RegexStepLimit) throw new BudgetExceeded(e.message);
    if (e instanceof RegexSyntaxError) throw new TemplateError('RegexError', e.message);
    throw e;
  }
}

const regexTest =
  (anchor: 'none' | 'start'): FilterFn =>
  (v, a, k) =>
    orNone(() => {
      const [pattern] = bindArgs(anchor === 'none' ? 'regex_search' : 'regex_match', ['value'], a, k);
      const re = regex(pattern as PyValue, anchor);
      if (v instanceof Undefined) throw new Caught();
      return guarded(() => re.test(needStr(v), meter));
    });

/** Python's `base64.b64decode` (non-strict) followed by a strict UTF-8 decode. */
export function b64decode(s: string): string | undefined {
  const bytes: number[] = [];
  let acc = 0;
  let quad = 0;
  let pads = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c > 127) return undefined;
    if (ch === '=') {
      if (quad >= 2 && quad + ++pads >= 4) {
        quad = 0;
        break;
      }
      continue;
    }
    const d = c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 71 : c >= 48 && c <= 57 ? c + 4 : ch === '+' ? 62 : ch === '/' ? 63 : -1;
    if (d < 0) continue;
    acc = (acc << 6) | d;
    quad = (quad + 1) % 4;
    if (quad === 2) bytes.push((acc >> 4) & 0xff);
    else if (quad === 3) bytes.push((acc >> 2) & 0xff);
    else if (quad === 0) bytes.push(acc & 0xff);
    if (quad === 0) acc = 0;
  }
  if (quad !== 0) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

const TIMEDELTA = /^([-+]?)(\d+)([smhdwMQy])$/;
const UNIT_US: Record<string, number> = { s: 1e6, m: 60e6, h: 3600e6, d: 86_400e6, w: 604_800e6 };

export const ONCALL_FILTERS: ReadonlyMap<string, FilterFn> = new Map<string, FilterFn>([
  [
    'datetimeformat',
    (v, a, k) => {
      const [fmt] = bindArgs('datetimeformat', ['format?'], a, k);
      if (v instanceof Undefined) throw undefinedError(v);
      if (!(v instanceof PyDateTime)) return null;
      if (typeof (fmt ?? DEFAULT_FORMAT) !== 'string') throw typeError('strftime() argument 1 must be str');
      return strftime(v, (fmt ?? DEFAULT_FORMAT) as string);
    },
  ],
  [
    'datetimeformat_as_timezone',
    (v, a, k) =>
      orNone(() => {
        const [fmt, tz] = bindArgs('datetimeformat_as_timezone', ['format?', 'tz?'], a, k);
        if (v instanceof Undefined) throw undefinedError(v);
        if (!(v instanceof PyDateTime)) throw new Caught();
        const zoneName = tz ?? 'UTC';
        if (typeof zoneName !== 'string') throw new Caught();
        const zone = zoneAt(zoneName, v.instant);
        const local = new PyDateTime(v.instant + zone.offsetSec * 1e6, zone);
        return strftime(local, needStr(fmt ?? DEFAULT_FORMAT));
      }),
  ],
  [
    'datetimeparse',
    (v, a, k) =>
      orNone(() => {
        const [fmt] = bindArgs('datetimeparse', ['format?'], a, k);
        return strptime(needStr(v), needStr(fmt ?? DEFAULT_FORMAT));
      }),
  ],
  [
    'iso8601_to_time',
    (v) =>
      orNone(() => {
        return parseIso8601(needStr(v));
      }),
  ],
  [
    'timedeltaparse',
    (v) =>
      orNone(() => {
        const m = TIMEDELTA.exec(needStr(v));
        if (!m || !(m[3] in UNIT_US)) return null;
        const amount = Number(m[2]) * (m[1] === '-' ? -1 : 1);
        return new PyTimedelta(amount * UNIT_US[m[3]]);
      }),
  ],
  [
    'timestamp_to_datetime',
    (v) =>
      orNone(() => {
        const n = num(v);
        if (n === undefined) throw new Caught();
        if (!Number.isFinite(n)) throw new Caught();
        const us = v instanceof PyFloat ? Math.round(n * 1e6) : n * 1e6;
        return new PyDateTime(us, null);
      }),
  ],
  [
    'tojson_pretty',
    (v) =>
      orNone(() => {
        try {
          return jsonDumps(v, { sortKeys: true, indent: 4, separators: [',', ': '], ensureAscii: false });
        } catch (e) {
          if (e instanceof TemplateError && (e.kind === 'TypeError' || e.kind === 'ValueError')) throw new Caught();
          throw e;
        }
      }),
  ],
  [
    'json_dumps',
    (v) =>
      orNone(() => {
        try {
          return jsonDumps(v);
        } catch (e) {
          if (e instanceof TemplateError && (e.kind === 'TypeError' || e.kind === 'ValueError')) throw new Caught();
          throw e;
        }
      }),
  ],
  [
    'regex_replace',
    (v, a, k) =>
      orNone(() => {
        const [find, replace] = bindArgs('regex_replace', ['find', 'replace'], a, k);
        const re = regex(find as PyValue, 'none');
        if (typeof replace !== 'string') throw new Caught();
        const s = needStr(v);
        return guarded(() => regexSub(re, replace, s, 0, (n) => budget().alloc(n), meter));
      }),
  ],
  ['regex_match', regexTest('start')],
  ['regex_search', regexTest('none')],
  [
    'b64decode',
    (v) =>
      orNone(() => {
        const r = b64decode(needStr(v));
        if (r === undefined) throw new Caught();
        budget().alloc(r.length);
        return r;
      }),
  ],
  [
    'parse_json',
    (v) =>
      orNone(() => {
        const s = needStr(v);
        try {
          return pyJsonLoads(s);
        } catch (e) {
          if (e instanceof TemplateError && e.kind === 'ValueError') throw new Caught();
          throw e;
        }
      }),
  ],
]);

/** `dict.fromkeys(iterable, value=None)`. */
function dictFromKeys(args: PyValue[], kwargs: Kwargs): PyValue {
  const [keys, value] = bindArgs('fromkeys', ['iterable', 'value?'], args, kwargs);
  const items = iterate(keys as PyValue);
  budget().items(items.length);
  return new PyDict(new Map(items.map((key) => [dictKey(key), value ?? null])));
}

function namespace(args: PyValue[], kwargs: Kwargs): PyValue {
  const ns = new PyNamespace();
  if (args.length > 1) throw typeError(`namespace expected at most 1 argument, got ${args.length}`);
  if (args[0] instanceof PyDict) for (const [k, v] of args[0].map) ns.attrs.set(String(k), v);
  else if (args[0] !== undefined) {
    for (const pair of iterate(args[0])) {
      const kv = iterate(pair);
      if (kv.length !== 2) throw typeError('namespace expects (key, value) pairs');
      ns.attrs.set(pyStr(kv[0]), kv[1]);
    }
  }
  for (const [k, v] of kwargs) ns.attrs.set(k, v);
  return ns;
}

class Cycler extends PyObject {
  readonly typeName = 'Cycler';
  private pos = 0;
  constructor(private readonly items: readonly PyValue[]) {
    super();
    if (items.length === 0) throw typeError('at least one item has to be provided');
  }
  getAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'current':
        return this.items[this.pos];
      case 'next':
        return new PyCallable('next', () => {
          const v = this.items[this.pos];
          this.pos = (this.pos + 1) % this.items.length;
          return v;
        });
      case 'reset':
        return new PyCallable('reset', () => {
          this.pos = 0;
          return null;
        });
      default:
        return undefined;
    }
  }
  repr(): string {
    return '<Cycler>';
  }
}

/** Globals: Jinja2's (`dict`, `namespace`, `cycler`, `joiner`), OnCall's `time`, and the restricted `range`. */
export const ONCALL_GLOBALS: Map<string, PyValue> = new Map<string, PyValue>([
  [
    'range',
    new PyCallable('range', () => {
      throw securityError("use of 'range' is restricted");
    }),
  ],
  [
    'lipsum',
    new PyCallable('lipsum', () => {
      throw securityError("use of 'lipsum' is restricted");
    }),
  ],
  [
    'dict',
    new PyCallable(
      'dict',
      (a, k) => new PyDict(new Map([...(a[0] instanceof PyDict ? a[0].map : []), ...k])),
      new Map([['fromkeys', new PyCallable('fromkeys', dictFromKeys)]]),
    ),
  ],
  ['namespace', new PyCallable('namespace', namespace)],
  ['cycler', new PyCallable('cycler', (a) => new Cycler(a))],
  [
    'joiner',
    new PyCallable('joiner', (a) => {
      const sep = a[0] === undefined ? ', ' : pyStr(a[0]);
      let used = false;
      return new PyCallable('joiner', () => {
        const r = used ? sep : '';
        used = true;
        return r;
      });
    }),
  ],
  [
    'time',
    new PyCallable('time', () => {
      const now = budget().now;
      if (now === undefined) throw new TemplateError('ValueError', 'time() is not available: the renderer was given no clock (pass `now`)');
      return new PyDateTime(Math.round(now * 1000), UTC_ZONE);
    }),
  ],
]);
