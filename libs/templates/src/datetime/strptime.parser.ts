/** `datetime.strptime` (C locale). Returns null where Python raises ValueError. */
import { PyDateTime, type TzInfo } from './py-datetime.model.js';
import { UTC_ZONE } from './iso8601.parser.js';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const alt = (names: string[]): string => [...names, ...names.map((n) => n.slice(0, 3))].sort((a, b) => b.length - a.length).join('|');

const DIRECTIVES: Record<string, string> = {
  d: '(?<d>3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])',
  f: '(?<f>[0-9]{1,6})',
  H: '(?<H>2[0-3]|[0-1]\\d|\\d)',
  I: '(?<I>1[0-2]|0[1-9]|[1-9])',
  j: '(?<j>36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])',
  m: '(?<m>1[0-2]|0[1-9]|[1-9])',
  M: '(?<M>[0-5]\\d|\\d)',
  S: '(?<S>6[0-1]|[0-5]\\d|\\d)',
  w: '(?<w>[0-6])',
  u: '(?<u>[1-7])',
  y: '(?<y>\\d\\d)',
  Y: '(?<Y>\\d\\d\\d\\d)',
  z: '(?<z>[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|Z)',
  Z: '(?<Z>utc|gmt)',
  a: `(?<a>${alt(DAYS)})`,
  A: `(?<A>${alt(DAYS)})`,
  b: `(?<b>${alt(MONTHS)})`,
  B: `(?<B>${alt(MONTHS)})`,
  p: '(?<p>am|pm)',
  '%': '%',
};

const cache = new Map<string, RegExp | null>();

function compileFormat(fmt: string): RegExp | null {
  let re = '';
  const used = new Set<string>();
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '%') {
      const d = fmt[++i];
      const pat = d === undefined ? undefined : DIRECTIVES[d];
      if (pat === undefined) return null;
      const name = d === 'A' ? 'a' : d === 'B' ? 'b' : d;
      if (used.has(name) && d !== '%') re += `(?:${pat.replace(/\(\?<\w+>/, '(?:')})`;
      else re += pat.replace(/\(\?<A>/, '(?<a>').replace(/\(\?<B>/, '(?<b>');
      used.add(name);
    } else if (/\s/.test(c)) {
      re += '\\s+';
      while (/\s/.test(fmt[i + 1] ?? '')) i++;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`, 'i');
  } catch {
    return null;
  }
}

export function strptime(value: string, fmt: string): PyDateTime | null {
  let re = cache.get(fmt);
  if (re === undefined) {
    re = compileFormat(fmt);
    if (cache.size > 256) cache.clear();
    cache.set(fmt, re);
  }
  if (!re) return null;
  const m = re.exec(value);
  if (!m) return null;
  const g = m.groups ?? {};
  let year = 1900;
  if (g.Y) year = Number(g.Y);
  else if (g.y) year = Number(g.y) + (Number(g.y) <= 68 ? 2000 : 1900);
  let month = 1;
  if (g.m) month = Number(g.m);
  else if (g.b) month = MONTHS.findIndex((n) => n.startsWith(g.b.toLowerCase().slice(0, 3))) + 1;
  let day = g.d ? Number(g.d) : 1;
  let hour = g.H ? Number(g.H) : 0;
  if (g.I) {
    hour = Number(g.I) % 12;
    if (g.p && g.p.toLowerCase() === 'pm') hour += 12;
  }
  const minute = g.M ? Number(g.M) : 0;
  const second = g.S ? Number(g.S) : 0;
  const us = g.f ? Number(g.f.padEnd(6, '0')) : 0;
  if (g.j && !g.m && !g.d) {
    const t = new Date(0);
    t.setUTCFullYear(year, 0, Number(g.j));
    month = t.getUTCMonth() + 1;
    day = t.getUTCDate();
  }
  let tz: TzInfo | null = null;
  if (g.z) {
    if (g.z.toUpperCase() === 'Z') tz = UTC_ZONE;
    else {
      const z = g.z.replace(/:/g, '');
      const off = (Number(z.slice(1, 3)) * 3600 + Number(z.slice(3, 5)) * 60 + Number(z.slice(5, 7) || 0)) * (z[0] === '-' ? -1 : 1);
      const a = Math.abs(off);
      const name =
        off === 0 ? 'UTC' : `UTC${off < 0 ? '-' : '+'}${String(Math.floor(a / 3600)).padStart(2, '0')}:${String(Math.floor(a / 60) % 60).padStart(2, '0')}`;
      tz = { offsetSec: off, name };
    }
  }
  try {
    return PyDateTime.of(year, month, day, hour, minute, second, us, tz);
  } catch {
    return null;
  }
}
