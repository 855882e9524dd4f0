/**
 * UTC offsets of IANA zones (from luxon) and the wall-clock <-> instant mapping.
 *
 * luxon's `IANAZone.offset` costs several microseconds (Intl formatting), so the
 * offsets of the years a computation needs are tabulated once per zone and
 * looked up by binary search. The table is a memo of a pure function: no clock,
 * no I/O. Transitions are found by sampling every 4 days and bisecting to the
 * second; a change and its reversal less than 4 days apart would be seen as
 * none (tzdb has no such pair between 1970 and 2045).
 *
 * Wall clock to instant:
 *  - a time inside a skipped interval (spring forward) maps to the end of the
 *    gap, i.e. the transition instant (02:30 on a 02:00->03:00 night is 03:00);
 *  - a time inside a repeated interval (fall back) maps to its first occurrence.
 * Both rules keep the mapping monotonic, so adjacent wall-clock intervals map to
 * adjacent instants: no gaps, no overlaps. `toInstant(local, 'second')` picks
 * the second occurrence instead; it is for the end of a shift whose start is an
 * instant inside the repeated interval, so that the end does not fall before it.
 */
import { IANAZone } from 'luxon';
import { DAY, HOUR, SECOND } from './local-time.js';

const WINDOW = 15 * HOUR; // offsets lie within ±14 h
/**
 * Offsets are sampled every 4 days. The closest transitions in tzdb between 1970
 * and 2045 are about 7 days apart (Brazil 2000, Gaza and Hebron 2040): see docs/schedules.md.
 */
const SAMPLE_STEP = 4 * DAY;
const MAX_TABLE_YEARS = 12;

interface YearTable {
  starts: number[];
  offs: number[];
}

export class ZoneClock {
  private readonly zone: IANAZone | null;
  private readonly years = new Map<number, YearTable>();
  private fromYear = 0;
  private toYear = -1; // years merged into starts/offs: [fromYear, toYear]
  private coveredFrom = 0;
  private coveredTo = 0;
  private starts: number[] = [];
  private offs: number[] = [];

  constructor(readonly name: string) {
    const utc = name === 'UTC' || name === 'Etc/UTC' || name === 'Etc/GMT' || name === 'GMT';
    this.zone = utc ? null : IANAZone.create(name);
  }

  /** Tabulate offsets for the UTC years that [fromMs, toMs) touches (each year is built once per zone). */
  cover(fromMs: number, toMs: number): void {
    if (!this.zone) return;
    const y0 = new Date(fromMs - 2 * DAY).getUTCFullYear();
    const y1 = new Date(toMs + 2 * DAY).getUTCFullYear();
    if (y0 >= this.fromYear && y1 <= this.toYear) return;
    if (y1 - y0 + 1 > MAX_TABLE_YEARS) return; // too wide to tabulate: exact lookups
    const starts: number[] = [];
    const offs: number[] = [];
    for (let y = y0; y <= y1; y++) {
      let t = this.years.get(y);
      if (!t) this.years.set(y, (t = this.buildYear(y)));
      for (let i = 0; i < t.starts.length; i++) {
        if (offs.length && offs[offs.length - 1] === t.offs[i]) continue;
        starts.push(t.starts[i]!);
        offs.push(t.offs[i]!);
      }
    }
    this.starts = starts;
    this.offs = offs;
    this.fromYear = y0;
    this.toYear = y1;
    this.coveredFrom = Date.UTC(y0, 0, 1);
    this.coveredTo = Date.UTC(y1 + 1, 0, 1);
  }

  /** Offset in ms at an instant. */
  offsetAt(utcMs: number): number {
    if (!this.zone) return 0;
    if (utcMs >= this.coveredFrom && utcMs < this.coveredTo) {
      const s = this.starts;
      let a = 0;
      let b = s.length - 1;
      while (a < b) {
        const m = (a + b + 1) >> 1;
        if (s[m]! <= utcMs) a = m;
        else b = m - 1;
      }
      return this.offs[a]!;
    }
    return this.exactOffset(utcMs);
  }

  /** Wall clock of an instant. */
  toLocal(utcMs: number): number {
    return utcMs + this.offsetAt(utcMs);
  }

  /** Instant of a wall-clock value; see the module comment for skipped and repeated times. */
  toInstant(local: number, repeated: 'first' | 'second' = 'first'): number {
    if (!this.zone) return local;
    const a = local - WINDOW;
    const b = local + WINDOW;
    const oa = this.offsetAt(a);
    const ob = this.offsetAt(b);
    if (oa === ob) return local - oa;
    const t = this.transitionIn(a, b, oa);
    const before = local - oa;
    const after = local - ob;
    if (repeated === 'second' && after >= t) return after;
    if (before < t) return before;
    if (after >= t) return after;
    return t;
  }

  /** First instant in (a, b] whose offset differs from `oa`. */
  private transitionIn(a: number, b: number, oa: number): number {
    if (a >= this.coveredFrom && b < this.coveredTo) {
      const s = this.starts;
      for (let i = 1; i < s.length; i++) if (s[i]! > a && s[i]! <= b && this.offs[i] !== oa) return s[i]!;
    }
    return this.bisect(a, b, oa);
  }

  private bisect(lo: number, hi: number, oLo: number): number {
    // invariant: offset(lo) === oLo, offset(hi) !== oLo; both whole seconds apart
    lo = Math.floor(lo / SECOND) * SECOND;
    hi = Math.ceil(hi / SECOND) * SECOND;
    while (hi - lo > SECOND) {
      const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
      if (this.exactOffset(mid) === oLo) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private exactOffset(utcMs: number): number {
    return this.zone ? Math.round(this.zone.offset(utcMs) * 60_000) : 0;
  }

  private buildYear(year: number): YearTable {
    const from = Date.UTC(year, 0, 1);
    const to = Date.UTC(year + 1, 0, 1);
    let prev = this.exactOffset(from);
    const starts = [from];
    const offs = [prev];
    const last = to - SECOND;
    for (let lo = from; ;) {
      const at = Math.min(lo + SAMPLE_STEP, last);
      // several changes between two samples (A->B->C) are found one after the other
      while (this.exactOffset(at) !== prev) {
        const change = this.bisect(lo, at, prev);
        prev = this.exactOffset(change);
        starts.push(change);
        offs.push(prev);
        lo = change;
      }
      if (at >= last) return { starts, offs };
      lo = at;
    }
  }
}

const clocks = new Map<string, ZoneClock>();

/** The clock of an IANA zone; throws RangeError for an unknown zone. */
export function zoneClock(name: string): ZoneClock {
  let c = clocks.get(name);
  if (!c) {
    if (!isValidTimeZone(name)) throw new RangeError(`unknown time zone '${name}'`);
    c = new ZoneClock(name);
    clocks.set(name, c);
  }
  return c;
}

export function isValidTimeZone(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && IANAZone.isValidZone(name);
}
