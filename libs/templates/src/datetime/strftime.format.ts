/** `datetime.strftime` as CPython on glibc does it, in the C locale. */
import type { PyDateTime } from './py-datetime.model.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function dayOfYear(y: number, mo: number, d: number): number {
  const start = Date.UTC(2000, 0, 1);
  const a = new Date(start);
  a.setUTCFullYear(y, 0, 1);
  const b = new Date(start);
  b.setUTCFullYear(y, mo - 1, d);
  return Math.round((b.getTime() - a.getTime()) / 86_400_000) + 1;
}

function isoWeek(y: number, mo: number, d: number, wd: number): { year: number; week: number } {
  const t = new Date(Date.UTC(2000, 0, 1));
  t.setUTCFullYear(y, mo - 1, d + 3 - ((wd + 6) % 7));
  const year = t.getUTCFullYear();
  const week = Math.floor((dayOfYear(year, t.getUTCMonth() + 1, t.getUTCDate()) - 1) / 7) + 1;
  return { year, week };
}

export function strftime(dt: PyDateTime, fmt: string): string {
  const f = dt.fields();
  const yday = dayOfYear(f.y, f.mo, f.d);
  const h12 = f.h % 12 === 0 ? 12 : f.h % 12;
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const sp = (n: number, w = 2): string => String(n).padStart(w, ' ');

  const directive = (c: string): string | undefined => {
    switch (c) {
      case 'a':
        return DAYS[f.wd].slice(0, 3);
      case 'A':
        return DAYS[f.wd];
      case 'w':
        return String(f.wd);
      case 'u':
        return String(f.wd || 7);
      case 'd':
        return p(f.d);
      case 'e':
        return sp(f.d);
      case 'b':
      case 'h':
        return MONTHS[f.mo - 1].slice(0, 3);
      case 'B':
        return MONTHS[f.mo - 1];
      case 'm':
        return p(f.mo);
      case 'y':
        return p(f.y % 100);
      case 'Y':
        return String(f.y);
      case 'C':
        return p(Math.floor(f.y / 100));
      case 'G':
        return String(isoWeek(f.y, f.mo, f.d, f.wd).year);
      case 'g':
        return p(isoWeek(f.y, f.mo, f.d, f.wd).year % 100);
      case 'V':
        return p(isoWeek(f.y, f.mo, f.d, f.wd).week);
      case 'H':
        return p(f.h);
      case 'k':
        return sp(f.h);
      case 'I':
        return p(h12);
      case 'l':
        return sp(h12);
      case 'p':
        return f.h < 12 ? 'AM' : 'PM';
      case 'P':
        return f.h < 12 ? 'am' : 'pm';
      case 'M':
        return p(f.mi);
      case 'S':
        return p(f.s);
      case 'f':
        return p(f.us, 6);
      case 'z':
        return dt.offsetString(false);
      case 'Z':
        return dt.tz ? dt.tz.name : '';
      case 'j':
        return p(yday, 3);
      case 'U':
        return p(Math.floor((yday + 6 - f.wd) / 7));
      case 'W':
        return p(Math.floor((yday + 6 - ((f.wd + 6) % 7)) / 7));
      case 'c':
        return `${DAYS[f.wd].slice(0, 3)} ${MONTHS[f.mo - 1].slice(0, 3)} ${sp(f.d)} ${p(f.h)}:${p(f.mi)}:${p(f.s)} ${f.y}`;
      case 'x':
      case 'D':
        return `${p(f.mo)}/${p(f.d)}/${p(f.y % 100)}`;
      case 'X':
      case 'T':
        return `${p(f.h)}:${p(f.mi)}:${p(f.s)}`;
      case 'F':
        return `${f.y}-${p(f.mo)}-${p(f.d)}`;
      case 'R':
        return `${p(f.h)}:${p(f.mi)}`;
      case 'r':
        return `${p(h12)}:${p(f.mi)}:${p(f.s)} ${f.h < 12 ? 'AM' : 'PM'}`;
      case 's':
        return String(Math.floor(dt.local / 1e6));
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '%':
        return '%';
      default:
        return undefined;
    }
  };

  return fmt.replace(/%([-_0^#]?)([a-zA-Z%])/g, (all, flag: string, c: string) => {
    const v = directive(c);
    if (v === undefined) return all;
    switch (flag) {
      case '-':
        return /^[ 0]+\d/.test(v) ? v.replace(/^[ 0]+(?=\d)/, '') : v;
      case '_':
        return v.replace(/^0+(?=\d)/, (z) => ' '.repeat(z.length));
      case '^':
        return v.toUpperCase();
      default:
        return v;
    }
  });
}
