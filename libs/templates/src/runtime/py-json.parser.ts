/**
 * Python's `json.loads` into the value model: `2.0` stays a float, `2` an int,
 * and `NaN`, `Infinity`, `-Infinity` are floats, as Python reads them (JS's
 * `JSON.parse` would lose the first and reject the rest). Strings decode with
 * `JSON.parse`, which applies the same escapes and rejects control characters.
 */
import { budget, valueError } from './render.budget.js';
import { PyDict, PyFloat, type DictKey, type PyValue } from './py.model.js';

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
const SPACE = /[ \t\n\r]*/y;
const MAX_DEPTH = 512;

export function pyJsonLoads(text: string): PyValue {
  budget().work(text.length);
  let i = 0;
  const fail = (what: string): never => {
    throw valueError(`${what}: line 1 column ${i + 1} (char ${i})`);
  };
  const ws = (): void => {
    SPACE.lastIndex = i;
    SPACE.exec(text);
    i = SPACE.lastIndex;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    i = re.lastIndex;
    return m[0];
  };
  const word = (w: string): boolean => {
    if (!text.startsWith(w, i)) return false;
    i += w.length;
    return true;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('maximum nesting depth exceeded');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<DictKey, PyValue>();
      ws();
      if (text[i] === '}') {
        i++;
        return new PyDict(m);
      }
      for (;;) {
        ws();
        const k = match(STRING);
        if (k === undefined) fail('Expecting property name enclosed in double quotes');
        ws();
        if (text[i++] !== ':') fail("Expecting ':' delimiter");
        m.set(JSON.parse(k as string) as string, value(depth + 1));
        ws();
        const sep = text[i++];
        if (sep === '}') return new PyDict(m);
        if (sep !== ',') fail("Expecting ',' delimiter");
      }
    }
    if (c === '[') {
      i++;
      const out: PyValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        const sep = text[i++];
        if (sep === ']') return out;
        if (sep !== ',') fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') {
      const s = match(STRING);
      if (s === undefined) return fail('Invalid string');
      return JSON.parse(s) as string;
    }
    if (word('true')) return true;
    if (word('false')) return false;
    if (word('null')) return null;
    if (word('NaN')) return new PyFloat(NaN);
    if (word('Infinity')) return new PyFloat(Infinity);
    if (word('-Infinity')) return new PyFloat(-Infinity);
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail('Expecting value');
    i = NUMBER.lastIndex;
    const n = Number(m[0]);
    return m[1] !== undefined || m[2] !== undefined ? new PyFloat(n) : n;
  };
  const v = value(0);
  ws();
  if (i < text.length) fail('Extra data');
  return v;
}
