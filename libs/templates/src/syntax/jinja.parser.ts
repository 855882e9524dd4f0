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
import { TEST_FILTER_PREFIX, type ProgramNode, type Token } from './jinja.ast.js';

type LibToken = Parameters<typeof parse>[0][number];

const KEPT_ESCAPES = new Set(['n', 't', 'r', 'b', 'f', 'v', "'", '"', '\\', 'x', 'u']);
const u = (cp: number): string => `\\u${cp.toString(16).padStart(4, '0')}`;

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
      if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0 && src[i + 1] === '}') break;
        depth--;
      } else if (c === '%' && src[i + 1] === '}') break;
      out += c;
      i++;
    }
  }
  return out;
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

export function parseTemplate(source: string): ProgramNode {
  const src = normalizeEscapes(source.replace(/\r\n?/g, '\n'));
  try {
    const tokens = rewriteTestArgs(tokenize(src, {}) as unknown as Token[]);
    return parse(tokens as unknown as LibToken[]) as unknown as ProgramNode;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new TemplateError('TemplateSyntaxError', /Cannot read properties of undefined/.test(msg) ? 'unexpected end of template' : msg);
  }
}
