import { floatRepr, intStr } from './runtime/py-str.format.js';

const NON_ASCII = /[^\x00-\x7e]/g;
const HAS_NON_ASCII = /[^\x00-\x7e]/;
const u4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

function str(s: string): string {
  const j = JSON.stringify(s);
  return HAS_NON_ASCII.test(j) ? j.replace(NON_ASCII, u4) : j;
}

/**
 * `json.dumps(value)` as Python prints it (`", "` and `": "` separators,
 * non-ASCII escaped, floats as Python writes them): the text OnCall's regex
 * route filters search. Works on plain data without copying it; values JSON
 * cannot hold (functions, undefined, bigint) print as `null`. Throws a
 * RangeError past `maxChars` or 512 levels of nesting (cycles included).
 */
export function pythonJsonDumps(value: unknown, maxChars = 16_000_000): string {
  const parts: string[] = [];
  let len = 0;
  const push = (s: string): void => {
    len += s.length;
    if (len > maxChars) throw new RangeError(`JSON text exceeds ${maxChars} characters`);
    parts.push(s);
  };
  const walk = (v: unknown, depth: number): void => {
    if (depth > 512) throw new RangeError('JSON nesting deeper than 512 levels');
    switch (typeof v) {
      case 'string':
        return push(str(v));
      case 'number':
        if (Number.isInteger(v)) return push(intStr(v));
        return push(Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : floatRepr(v));
      case 'boolean':
        return push(v ? 'true' : 'false');
      case 'object':
        if (v === null || v instanceof Date) return push('null');
        if (Array.isArray(v)) {
          push('[');
          v.forEach((item, i) => {
            if (i > 0) push(', ');
            walk(item, depth + 1);
          });
          return push(']');
        }
        push('{');
        Object.keys(v).forEach((k, i) => {
          push(i > 0 ? `, ${str(k)}: ` : `${str(k)}: `);
          walk((v as Record<string, unknown>)[k], depth + 1);
        });
        return push('}');
      default:
        return push('null');
    }
  };
  walk(value, 0);
  return parts.join('');
}
