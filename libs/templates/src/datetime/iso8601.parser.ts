/**
 * `iso8601_to_time`: Django's `parse_datetime`, which tries Python 3.11's
 * `datetime.fromisoformat` and then a lenient regex. Returns null on failure.
 * Fractional seconds beyond microseconds are cut, as in Python.
 */
import { PyDateTime, type TzInfo } from './py-datetime.model.js';

const UTC: TzInfo = { offsetSec: 0, name: 'UTC' };

function fixedZone(sign: string, h: string, m = '0', s = '0', named = false): TzInfo {
  const off = (Number(h) * 3600 + Number(m) * 60 + Number(s)) * (sign === '-' ? -1 : 1);
  if (named) return { offsetSec: off, name: `${sign}${h.padStart(2, '0')}${m.padStart(2, '0')}` };
  if (off === 0) return UTC;
  const a = Math.abs(off);
  const hh = String(Math.floor(a / 3600)).padStart(2, '0');
  const mm = String(Math.floor(a / 60) % 60).padStart(2, '0');
  return { offsetSec: off, name: `UTC${off < 0 ? '-' : '+'}${hh}:${mm}${a % 60 ? `:${String(a % 60).padStart(2, '0')}` : ''}` };
}

const micros = (frac: string | undefined): number => (frac ? Number(frac.slice(0, 6).padEnd(6, '0')) : 0);

const FROMISO = /^(\d{4})-?(\d{2})-?(\d{2})(?:.(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)?)?$/su;
const TZ = /^([+-])(\d{2}):?(\d{2})?:?(\d{2})?/;

function fromIsoFormat(s: string): PyDateTime | null {
  const m = FROMISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, tz] = m;
  if (s.length >= 10 && (s[4] === '-') !== (s[7] === '-')) return null;
  let zone: TzInfo | null = null;
  if (tz === 'Z') zone = UTC;
  else if (tz) {
    const t = TZ.exec(tz) as RegExpExecArray;
    zone = fixedZone(t[1], t[2], t[3], t[4]);
  }
  try {
    return PyDateTime.of(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), micros(frac), zone);
  } catch {
    return null;
  }
}

const DJANGO = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseIso8601(s: string): PyDateTime | null {
  const iso = fromIsoFormat(s);
  if (iso) return iso;
  const m = DJANGO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, tz] = m;
  let zone: TzInfo | null = null;
  if (tz === 'Z') zone = UTC;
  else if (tz) zone = fixedZone(tz[0], tz.slice(1, 3), tz.length > 3 ? tz.slice(-2) : '0', '0', true);
  try {
    return PyDateTime.of(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec ?? 0), micros(frac), zone);
  } catch {
    return null;
  }
}

export { UTC as UTC_ZONE };
