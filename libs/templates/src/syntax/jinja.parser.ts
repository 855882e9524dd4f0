/**
 * Parses Jinja2 source with `@huggingface/jinja`'s lexer and parser, after two
 * fixes that bring its input in line with Jinja2:
 * 1. string literals keep unknown escapes (`"\d+"` is backslash-d, as in Python,
 *    where the library would reject it), and octal, `\a`, `\U` escapes decode;
 * 2. tests with arguments (`x is divisibleby 3`, `x is in [..]`) become an
 *    internal filter call, since the library's parser takes bare test names only.
 * Jinja2's defaults apply: no trim_blocks/lstrip_blocks, one trailing newline
 * dropped, `\r\n` normalised to `\n`.
 */
import { parse, tokenize } from '@huggingface/jinja';
import { TemplateError } from '../runtime/render.budget.js';
import { lookupUnicodeName } from './unicode-names.helpers.js';
import { BIG_INT_CALL, RECURSIVE_LOOP, TEST_FILTER_PREFIX, TUPLE_CALL, type ProgramNode, type Token } from './jinja.ast.js';

type LibToken = Parameters<typeof parse>[0][number];

const KEPT_ESCAPES = new Set(['n', 't', 'r', 'b', 'f', 'v', "'", '"', '\\', 'x', 'u']);
/** `\\uXXXX` escapes for the library's lexer; a code point beyond the BMP becomes its surrogate pair. */
const u = (cp: number): string =>
  String.fromCodePoint(cp)
    .split('')
    .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('');

/** Rewrites escapes inside string literals of tags so the library lexer reads them as Python would. */
export function normalizeEscapes(src: string): string {
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const open = src.indexOf('{', i);
    if (open < 0 || open + 1 >= n) {
      out += src.slice(i);
      break;
    }
    const kind = src[open + 1];
    if (kind === '#') {
      const end = src.indexOf('#}', open + 2);
      const stop = end < 0 ? n : end + 2;
      out += src.slice(i, stop);
      i = stop;
      continue;
    }
    if (kind !== '{' && kind !== '%') {
      out += src.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    out += src.slice(i, open + 2);
    i = open + 2;
    // `{%+` and `+%}` switch off lstrip_blocks/trim_blocks, which OnCall's environment does not use.
    if (kind === '%' && src[i] === '+') i++;
    let depth = 0;
    while (i < n) {
      const c = src[i];
      if (c === '"' || c === "'") {
        out += c;
        i++;
        while (i < n && src[i] !== c) {
          if (src[i] === '\\' && i + 1 < n) {
            const e = src[i + 1];
            const oct = /^[0-7]{1,3}/.exec(src.slice(i + 1, i + 4));
            if (oct) {
              out += u(parseInt(oct[0], 8));
              i += 1 + oct[0].length;
            } else if (e === 'N' && src[i + 2] === '{') {
              const close = src.indexOf('}', i + 3);
              const name = close < 0 ? '' : src.slice(i + 3, close);
              const cp = lookupUnicodeName(name);
              if (cp === undefined)
                throw new TemplateError(
                  'TemplateSyntaxError',
                  `unknown Unicode character name in \\N{${name}} (Dozor knows the blocks listed in docs/templates-and-routing.md)`,
                );
              out += u(cp);
              i = close + 1;
            } else if (e === 'a') {
              out += u(7);
              i += 2;
            } else if (e === '\n') {
              i += 2;
            } else if (e === 'U' && /^[0-9a-fA-F]{8}$/.test(src.slice(i + 2, i + 10))) {
              const s = String.fromCodePoint(Math.min(parseInt(src.slice(i + 2, i + 10), 16), 0x10ffff));
              for (let k = 0; k < s.length; k++) out += u(s.charCodeAt(k));
              i += 10;
            } else {
              out += KEPT_ESCAPES.has(e) ? `\\${e}` : `\\\\${e}`;
              i += 2;
            }
          } else out += src[i++];
        }
        if (i < n) out += src[i++];
        continue;
      }
      if (c >= '0' && c <= '9' && !/[\w.]/.test(src[i - 1] ?? '')) {
        const lit = NUMBER_LITERAL.exec(src.slice(i, i + 400));
        if (lit) {
          out += decimalLiteral(lit[0]);
          i += lit[0].length;
          continue;
        }
      }
      if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0 && src[i + 1] === '}') break;
        depth--;
      } else if (c === '%' && src[i + 1] === '}') break;
      else if (c === '+' && kind === '%' && src.startsWith('%}', i + 1)) {
        i++;
        continue;
      }
      out += c;
      i++;
    }
  }
  return out;
}

/** Jinja2's number literals: radix prefixes, `_` between digits, exponents (`007` is not one). */
const NUMBER_LITERAL = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)/;

/** A number in positional notation, `digits` or `digits.digits`, the only forms the library's lexer reads. */
function plainDecimal(x: number): string {
  const [mant, expPart] = String(x).split('e');
  if (expPart === undefined) return mant.includes('.') ? mant : `${mant}.0`;
  const exp = Number(expPart);
  const [int, frac = ''] = mant.split('.');
  const digits = int + frac;
  const point = int.length + exp;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Rewrites one number literal for the library's lexer: ints in decimal, floats with a point. */
function decimalLiteral(lit: string): string {
  const s = lit.replace(/_/g, '');
  if (/^0[xXoObB]/.test(s)) return bigLiteral(BigInt(s).toString());
  if (/[.eE]/.test(s)) {
    const x = Number(s);
    if (!Number.isFinite(x)) throw new TemplateError('TemplateSyntaxError', `number literal ${lit} is out of range`);
    return plainDecimal(x);
  }
  if (/^0\d/.test(s) && /[1-9]/.test(s)) throw new TemplateError('TemplateSyntaxError', `leading zeros in decimal integer literals are not permitted: ${lit}`);
  return bigLiteral(s.replace(/^0+(?=\d)/, ''));
}

/** An int literal past 2^53 becomes a call of the internal big-int constructor, so it stays exact. */
function bigLiteral(digits: string): string {
  return BigInt(digits) > BigInt(Number.MAX_SAFE_INTEGER) ? `${BIG_INT_CALL}("${digits}")` : digits;
}

const NOT_AN_ARG = new Set(['and', 'or', 'else', 'if', 'is', 'not', 'in']);

/** Index just past a bracketed group starting at `i` (an open bracket), or -1. */
function matchBracket(tokens: readonly Token[], i: number): number {
  const open = tokens[i].type;
  const close = open === 'OpenParen' ? 'CloseParen' : open === 'OpenSquareBracket' ? 'CloseSquareBracket' : 'CloseCurlyBracket';
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    if (tokens[j].type === open) depth++;
    else if (tokens[j].type === close && --depth === 0) return j + 1;
  }
  return -1;
}

/** End of a primary-plus-postfix test argument starting at `i`, or -1 if there is none. */
function argEnd(tokens: readonly Token[], i: number): number {
  const t = tokens[i];
  if (!t) return -1;
  let j: number;
  if (t.type === 'NumericLiteral' || t.type === 'StringLiteral') j = i + 1;
  else if (t.type === 'Identifier' && !NOT_AN_ARG.has(t.value)) j = i + 1;
  else if (t.type === 'OpenSquareBracket' || t.type === 'OpenCurlyBracket') j = matchBracket(tokens, i);
  else return -1;
  while (j > 0 && j < tokens.length) {
    if (tokens[j].type === 'Dot' && tokens[j + 1]?.type === 'Identifier') j += 2;
    else if (tokens[j].type === 'OpenSquareBracket') j = matchBracket(tokens, j);
    else break;
  }
  return j;
}

/** `x is [not] name(args)` / `x is [not] name arg` → `x | <test-filter>(args)`. */
export function rewriteTestArgs(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'Identifier' || t.value !== 'is') {
      out.push(t);
      continue;
    }
    let j = i + 1;
    const negate = tokens[j]?.type === 'Identifier' && tokens[j].value === 'not';
    if (negate) j++;
    const name = tokens[j];
    if (name?.type !== 'Identifier') {
      out.push(t);
      continue;
    }
    const marker: Token = { value: `${TEST_FILTER_PREFIX}${negate ? '!' : ''}${name.value}`, type: 'Identifier' };
    const next = tokens[j + 1];
    if (next?.type === 'OpenParen') {
      out.push({ value: '|', type: 'Pipe' }, marker);
      i = j;
      continue;
    }
    const end = argEnd(tokens, j + 1);
    if (end < 0) {
      out.push(t);
      continue;
    }
    out.push({ value: '|', type: 'Pipe' }, marker, { value: '(', type: 'OpenParen' }, ...tokens.slice(j + 1, end), { value: ')', type: 'CloseParen' });
    i = end - 1;
  }
  return out;
}

/** Tokens after which `(` calls rather than groups. */
const CALLABLE_END = new Set(['Identifier', 'CloseParen', 'CloseSquareBracket', 'CloseCurlyBracket', 'StringLiteral']);
const KEYWORDS = new Set([...NOT_AN_ARG, 'elif', 'for', 'set', 'call', 'filter', 'macro', 'recursive', 'with', 'return']);

/**
 * `()` and tuples with a trailing comma (`(x,)`, `(a, b,)`) become a call of
 * the internal tuple constructor, since the library's parser reads neither.
 */
export function rewriteTuples(tokens: Token[]): Token[] {
  const marker = new Set<number>();
  const dropped = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== 'OpenParen') continue;
    const prev = tokens[i - 1];
    if (prev && CALLABLE_END.has(prev.type) && !(prev.type === 'Identifier' && KEYWORDS.has(prev.value))) continue;
    const end = matchBracket(tokens, i);
    if (end < 0) continue;
    if (end - 1 === i + 1) marker.add(i);
    else if (tokens[end - 2].type === 'Comma') {
      marker.add(i);
      dropped.add(end - 2);
    }
  }
  if (marker.size === 0) return tokens;
  const out: Token[] = [];
  tokens.forEach((t, i) => {
    if (marker.has(i)) out.push({ value: TUPLE_CALL, type: 'Identifier' });
    if (!dropped.has(i)) out.push(t);
  });
  return out;
}

const statement = (name: string): Token[] => [
  { value: '{%', type: 'OpenStatement' },
  { value: name, type: 'Identifier' },
  { value: '%}', type: 'CloseStatement' },
];

/** Index of the `{% end<name> %}` closing the block opened by the statement at `i`, or -1. */
function matchEnd(tokens: readonly Token[], i: number, name: string): number {
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    if (tokens[j].type !== 'OpenStatement' || tokens[j + 1]?.type !== 'Identifier') continue;
    if (tokens[j + 1].value === name) depth++;
    else if (tokens[j + 1].value === `end${name}` && --depth === 0) return j;
  }
  return -1;
}

/**
 * `{% filter a | b(x) %}…{% endfilter %}` becomes nested filter blocks (the
 * library's parser takes one filter), and `{% for … recursive %}` marks its
 * iterable with the internal recursive-loop filter.
 */
export function rewriteBlockStatements(tokens: Token[]): Token[] {
  let out = tokens;
  for (let i = 0; i < out.length; i++) {
    if (out[i].type !== 'OpenStatement' || out[i + 1]?.type !== 'Identifier') continue;
    const close = out.findIndex((t, j) => j > i && t.type === 'CloseStatement');
    if (close < 0) break;
    const head = out[i + 1].value;
    if (head === 'for' && out[close - 1]?.type === 'Identifier' && out[close - 1].value === 'recursive') {
      out = [...out.slice(0, close - 1), { value: '|', type: 'Pipe' }, { value: RECURSIVE_LOOP, type: 'Identifier' }, ...out.slice(close)];
      continue;
    }
    if (head !== 'filter') continue;
    const parts: Token[][] = [[]];
    let depth = 0;
    for (let j = i + 2; j < close; j++) {
      const t = out[j];
      if (t.type === 'OpenParen' || t.type === 'OpenSquareBracket' || t.type === 'OpenCurlyBracket') depth++;
      else if (t.type === 'CloseParen' || t.type === 'CloseSquareBracket' || t.type === 'CloseCurlyBracket') depth--;
      if (t.type === 'Pipe' && depth === 0) parts.push([]);
      else parts[parts.length - 1].push(t);
    }
    if (parts.length < 2) continue;
    const end = matchEnd(out, i, 'filter');
    if (end < 0) continue;
    const open = parts
      .reverse()
      .flatMap((p) => [{ value: '{%', type: 'OpenStatement' }, { value: 'filter', type: 'Identifier' }, ...p, { value: '%}', type: 'CloseStatement' }]);
    const endTokens = parts.slice(1).flatMap(() => statement('endfilter'));
    out = [...out.slice(0, i), ...open, ...out.slice(close + 1, end), ...endTokens, ...out.slice(end)];
  }
  return out;
}

export function parseTemplate(source: string): ProgramNode {
  const src = normalizeEscapes(source.replace(/\r\n?/g, '\n'));
  try {
    const tokens = rewriteTestArgs(rewriteBlockStatements(rewriteTuples(tokenize(src, {}) as unknown as Token[])));
    return parse(tokens as unknown as LibToken[]) as unknown as ProgramNode;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new TemplateError('TemplateSyntaxError', /Cannot read properties of undefined/.test(msg) ? 'unexpected end of template' : msg);
  }
}
