/**
 * IANA time zones through `Intl` (pure: no clock, no I/O), for
 * `datetimeformat_as_timezone`. Offsets come from ICU. `%Z` abbreviations follow
 * tzdata (what Python prints): a table for common zones, ICU's US names
 * (EST, PDT, ...), else tzdata's numeric style (`+04`, `+0530`).
 */
import { TemplateError } from '../runtime/render.budget.js';
import type { TzInfo } from './py-datetime.model.js';

const CET = ['CET', 'CEST'];
const EET = ['EET', 'EEST'];
const AET = ['AEST', 'AEDT'];
const ABBREVIATIONS: Record<string, readonly string[]> = {
  'Europe/London': ['GMT', 'BST'],
  'Europe/Dublin': ['GMT', 'IST'],
  'Europe/Lisbon': ['WET', 'WEST'],
  'Europe/Moscow': ['MSK'],
  'Europe/Simferopol': ['MSK'],
  'Asia/Kolkata': ['IST'],
  'Asia/Calcutta': ['IST'],
  'Asia/Tokyo': ['JST'],
  'Asia/Seoul': ['KST'],
  'Asia/Shanghai': ['CST'],
  'Asia/Taipei': ['CST'],
  'Asia/Hong_Kong': ['HKT'],
  'Asia/Manila': ['PST'],
  'Asia/Jakarta': ['WIB'],
  'Asia/Karachi': ['PKT'],
  'Asia/Jerusalem': ['IST', 'IDT'],
  'Asia/Tel_Aviv': ['IST', 'IDT'],
  'Australia/Sydney': AET,
  'Australia/Melbourne': AET,
  'Australia/Hobart': AET,
  'Australia/Canberra': AET,
  'Australia/Brisbane': ['AEST'],
  'Australia/Adelaide': ['ACST', 'ACDT'],
  'Australia/Darwin': ['ACST'],
  'Australia/Perth': ['AWST'],
  'Pacific/Auckland': ['NZST', 'NZDT'],
  'Africa/Johannesburg': ['SAST'],
  'Africa/Cairo': EET,
  'Africa/Lagos': ['WAT'],
  'Africa/Nairobi': ['EAT'],
  'America/Halifax': ['AST', 'ADT'],
  'America/St_Johns': ['NST', 'NDT'],
};
for (const z of [
  'Berlin',
  'Paris',
  'Madrid',
  'Rome',
  'Amsterdam',
  'Brussels',
  'Vienna',
  'Stockholm',
  'Oslo',
  'Copenhagen',
  'Warsaw',
  'Prague',
  'Budapest',
  'Zurich',
  'Belgrade',
  'Luxembourg',
  'Monaco',
  'Bratislava',
  'Ljubljana',
  'Zagreb',
  'Sarajevo',
  'Skopje',
  'Tirane',
  'Malta',
  'Andorra',
  'Gibraltar',
  'Vaduz',
  'San_Marino',
  'Vatican',
]) {
  ABBREVIATIONS[`Europe/${z}`] = CET;
}
for (const z of ['Athens', 'Helsinki', 'Kiev', 'Kyiv', 'Bucharest', 'Sofia', 'Riga', 'Tallinn', 'Vilnius', 'Chisinau']) ABBREVIATIONS[`Europe/${z}`] = EET;

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = cache.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        timeZoneName: 'short',
      });
    } catch {
      throw new TemplateError('KeyError', `'${tz}'`);
    }
    if (cache.size > 256) cache.clear();
    cache.set(tz, f);
  }
  return f;
}

function offsetAt(f: Intl.DateTimeFormat, ms: number): { offsetSec: number; name: string } {
  const parts = Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
  const d = new Date(0);
  d.setUTCFullYear(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  d.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return { offsetSec: Math.round((d.getTime() - ms) / 1000), name: parts.timeZoneName ?? '' };
}

function numeric(offsetSec: number): string {
  const a = Math.abs(offsetSec);
  const hh = String(Math.floor(a / 3600)).padStart(2, '0');
  const mm = Math.floor(a / 60) % 60;
  return `${offsetSec < 0 ? '-' : '+'}${hh}${mm ? String(mm).padStart(2, '0') : ''}`;
}

/** The zone's offset and abbreviation at an instant (microseconds since the epoch). */
export function zoneAt(tz: string, instantUs: number): TzInfo {
  const f = formatter(tz);
  const ms = Math.floor(instantUs / 1e6) * 1000;
  const { offsetSec, name } = offsetAt(f, ms);
  const table = Object.prototype.hasOwnProperty.call(ABBREVIATIONS, tz) ? ABBREVIATIONS[tz] : undefined;
  if (table) {
    if (table.length === 1) return { offsetSec, name: table[0] };
    const year = new Date(ms).getUTCFullYear();
    const std = Math.min(offsetAt(f, Date.UTC(year, 0, 1)).offsetSec, offsetAt(f, Date.UTC(year, 6, 1)).offsetSec);
    return { offsetSec, name: offsetSec > std ? table[1] : table[0] };
  }
  if (/^(?:GMT|UTC)[+-]/.test(name) || name === '') return { offsetSec, name: numeric(offsetSec) };
  return { offsetSec, name };
}
