/** Python string helpers: whitespace, splitting, case, code-point length. */
import { budget } from './render.budget.js';

/** Characters for which Python's `str.isspace()` is true. */
export const PY_SPACE =
  ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

const isSpace = (c: string): boolean => PY_SPACE.includes(c);

export function cpLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

export function strip(s: string, chars: string | null, left: boolean, right: boolean): string {
  const set = chars === null ? isSpace : (c: string): boolean => chars.includes(c);
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set(s[a])) a++;
  if (right) while (b > a && set(s[b - 1])) b--;
  return s.slice(a, b);
}

/** `str.split(sep=None, maxsplit=-1)`. */
export function split(s: string, sep: string | null, maxsplit: number): string[] {
  budget().work(s.length);
  if (sep === null) {
    const out: string[] = [];
    let i = 0;
    while (i < s.length) {
      while (i < s.length && isSpace(s[i])) i++;
      if (i >= s.length) break;
      if (maxsplit >= 0 && out.length >= maxsplit) {
        out.push(strip(s.slice(i), null, false, true));
        break;
      }
      let j = i;
      while (j < s.length && !isSpace(s[j])) j++;
      out.push(s.slice(i, j));
      i = j;
    }
    return out;
  }
  const parts = s.split(sep);
  if (maxsplit >= 0 && parts.length > maxsplit + 1) return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
  return parts;
}

/** `str.rsplit(sep=None, maxsplit=-1)`. */
export function rsplit(s: string, sep: string | null, maxsplit: number): string[] {
  if (maxsplit < 0) return split(s, sep, -1);
  if (sep === null) {
    const out: string[] = [];
    let i = s.length;
    while (i > 0) {
      while (i > 0 && isSpace(s[i - 1])) i--;
      if (i <= 0) break;
      if (out.length >= maxsplit) {
        out.unshift(strip(s.slice(0, i), null, true, false));
        break;
      }
      let j = i;
      while (j > 0 && !isSpace(s[j - 1])) j--;
      out.unshift(s.slice(j, i));
      i = j;
    }
    return out;
  }
  const parts = s.split(sep);
  if (parts.length > maxsplit + 1) return [parts.slice(0, parts.length - maxsplit).join(sep), ...parts.slice(parts.length - maxsplit)];
  return parts;
}

const LINE_BREAK = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;

/** `str.splitlines(keepends=False)`. */
export function splitlines(s: string, keepends = false): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of s.matchAll(LINE_BREAK)) {
    const end = (m.index as number) + m[0].length;
    out.push(s.slice(last, keepends ? end : m.index));
    last = end;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

const isCased = (c: string): boolean => c.toLowerCase() !== c.toUpperCase();

/** `str.title()`. */
export function pyTitle(s: string): string {
  let out = '';
  let prevCased = false;
  for (const c of s) {
    if (isCased(c)) {
      out += prevCased ? c.toLowerCase() : c.toUpperCase();
      prevCased = true;
    } else {
      out += c;
      prevCased = false;
    }
  }
  return out;
}

/** `str.capitalize()`. */
export function pyCapitalize(s: string): string {
  const [first = '', ...rest] = s;
  return first.toUpperCase() + rest.join('').toLowerCase();
}

/** `str.replace(old, new, count=-1)`, including the empty `old` case. */
export function pyReplace(s: string, old: string, rep: string, count: number): string {
  if (count === 0) return s;
  let n = 0;
  if (old === '') {
    const chars = [...s];
    const slots = count < 0 ? chars.length + 1 : Math.min(count, chars.length + 1);
    budget().alloc(s.length + slots * rep.length);
    let out = '';
    for (let i = 0; i < chars.length; i++) out += (i < slots ? rep : '') + chars[i];
    return out + (slots > chars.length ? rep : '');
  }
  let idx = s.indexOf(old);
  while (idx >= 0 && (count < 0 || n < count)) {
    n++;
    idx = s.indexOf(old, idx + old.length);
  }
  budget().alloc(s.length + n * Math.max(0, rep.length - old.length));
  if (count < 0) return s.split(old).join(rep);
  let out = '';
  let from = 0;
  for (let i = 0; i < n; i++) {
    const at = s.indexOf(old, from);
    out += s.slice(from, at) + rep;
    from = at + old.length;
  }
  return out + s.slice(from);
}
