/**
 * Parser for Python `re` syntax (and the RE2 dialect Alertmanager matchers use).
 * Constructs that need backtracking (backreferences, lookaround, atomic groups,
 * possessive quantifiers, conditionals) are rejected: the engine is linear-time.
 */
import { charMatcher, RegexSyntaxError, type CharMatcher, type RegexFlavor, type RegexNode } from './regex.ast.js';

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  a: boolean;
}

export interface ParsedRegex {
  node: RegexNode;
  groups: number;
  names: Map<string, number>;
}

type Pred = (cp: number) => boolean;

const PY_SPACE = new Set(
  [...' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000'].map(
    (c) => c.codePointAt(0) as number,
  ),
);
const UNI_WORD = /[\p{L}\p{N}_]/u;
const UNI_DIGIT = /\p{Nd}/u;

export function isWordCp(cp: number, ascii: boolean): boolean {
  if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95;
  return !ascii && UNI_WORD.test(String.fromCodePoint(cp));
}

function classPred(c: string, flags: Flags, flavor: RegexFlavor): Pred | undefined {
  const ascii = flags.a || flavor === 're2';
  switch (c) {
    case 'd':
      return ascii ? (cp) => cp >= 48 && cp <= 57 : (cp) => (cp < 128 ? cp >= 48 && cp <= 57 : UNI_DIGIT.test(String.fromCodePoint(cp)));
    case 'w':
      return (cp) => isWordCp(cp, ascii);
    case 's':
      if (flavor === 're2') return (cp) => cp === 9 || cp === 10 || cp === 12 || cp === 13 || cp === 32;
      return ascii ? (cp) => cp === 32 || (cp >= 9 && cp <= 13) : (cp) => PY_SPACE.has(cp);
    default:
      return undefined;
  }
}

const POSIX: Record<string, Pred> = {
  alnum: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  ascii: (c) => c < 128,
  blank: (c) => c === 32 || c === 9,
  cntrl: (c) => c < 32 || c === 127,
  digit: (c) => c >= 48 && c <= 57,
  graph: (c) => c > 32 && c < 127,
  lower: (c) => c >= 97 && c <= 122,
  print: (c) => c >= 32 && c < 127,
  punct: (c) => (c > 32 && c < 48) || (c > 57 && c < 65) || (c > 90 && c < 97) || (c > 122 && c < 127),
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  upper: (c) => c >= 65 && c <= 90,
  word: (c) => isWordCp(c, true),
  xdigit: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
};

function unicodeProperty(name: string): Pred {
  for (const src of [`\\p{${name}}`, `\\p{Script=${name}}`]) {
    try {
      const re = new RegExp(src, 'u');
      return (cp) => re.test(String.fromCodePoint(cp));
    } catch {
      /* try the next spelling */
    }
  }
  throw new RegexSyntaxError(`unknown Unicode class \\p{${name}}`);
}

function caseVariants(cp: number): number[] {
  const s = String.fromCodePoint(cp);
  const out = [cp];
  for (const v of [s.toLowerCase(), s.toUpperCase()]) {
    const c = v.codePointAt(0) as number;
    if ([...v].length === 1 && !out.includes(c)) out.push(c);
  }
  return out;
}

function withCase(p: Pred, flags: Flags): Pred {
  if (!flags.i) return p;
  return (cp) => p(cp) || caseVariants(cp).some((v) => v !== cp && p(v));
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7 };

class Parser {
  private i = 0;
  groups = 0;
  names = new Map<string, number>();

  constructor(
    private readonly src: string,
    private readonly flavor: RegexFlavor,
    private flags: Flags,
  ) {}

  private err(msg: string): RegexSyntaxError {
    return new RegexSyntaxError(`${msg} at position ${this.i}`);
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private eat(s: string): boolean {
    if (this.src.startsWith(s, this.i)) {
      this.i += s.length;
      return true;
    }
    return false;
  }

  parse(): RegexNode {
    this.globalFlags();
    const node = this.alternation();
    if (this.i < this.src.length) throw this.err(this.peek() === ')' ? 'unbalanced parenthesis' : 'unexpected character');
    return node;
  }

  private globalFlags(): void {
    const m = /^\(\?([aiLmsux]+)\)/.exec(this.src);
    if (!m) return;
    this.applyFlags(m[1], true);
    this.i = m[0].length;
  }

  private applyFlags(letters: string, on: boolean): void {
    for (const f of letters) {
      if (f === 'L') throw this.err('the L (locale) flag is not supported');
      if (f === 'u') continue;
      if (f === 'i' || f === 'm' || f === 's' || f === 'x' || f === 'a') this.flags = { ...this.flags, [f]: on };
      else throw this.err(`unknown flag ${f}`);
    }
  }

  private skipVerbose(): void {
    if (!this.flags.x) return;
    for (;;) {
      const c = this.peek();
      if (c !== undefined && /\s/.test(c)) this.i++;
      else if (c === '#') {
        while (this.i < this.src.length && this.src[this.i] !== '\n') this.i++;
      } else return;
    }
  }

  private alternation(): RegexNode {
    const items = [this.concatenation()];
    while (this.eat('|')) items.push(this.concatenation());
    return items.length === 1 ? items[0] : { t: 'alt', items };
  }

  private concatenation(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      this.skipVerbose();
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      const atom = this.atom();
      if (atom) items.push(this.quantifier(atom));
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? items[0] : { t: 'cat', items };
  }

  private quantifier(atom: RegexNode): RegexNode {
    this.skipVerbose();
    let min: number;
    let max: number;
    const c = this.peek();
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m || (m[1] === '' && m[2] === undefined) || (this.flavor === 're2' && m[1] === '')) return atom;
      min = m[1] === '' ? 0 : Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) throw this.err('min repeat greater than max repeat');
      if (min > 1000 || (max !== Infinity && max > 1000)) throw this.err('repeat count above 1000 is not supported');
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (atom.t === 'assert' && this.flavor === 'python') throw this.err('nothing to repeat');
    let greedy = true;
    if (this.eat('?')) greedy = false;
    else if (this.peek() === '+' && this.flavor === 'python') throw this.err('possessive quantifiers are not supported (linear-time engine)');
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?' || (next === '{' && /^\{\d*,?\d*\}/.test(this.src.slice(this.i)))) throw this.err('multiple repeat');
    return { t: 'rep', node: atom, min, max, greedy };
  }

  private atom(): RegexNode | null {
    const c = this.src[this.i++];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return { t: 'char', m: this.charClass() };
      case '.': {
        const dotall = this.flags.s;
        return { t: 'char', m: charMatcher((cp) => dotall || cp !== 10) };
      }
      case '^':
        return { t: 'assert', kind: this.flags.m ? 'bol' : 'bot', ascii: false };
      case '$':
        return { t: 'assert', kind: this.flags.m ? 'eol' : this.flavor === 'python' ? 'eotnl' : 'eot', ascii: false };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw this.err('nothing to repeat');
      default: {
        const cp = this.src.codePointAt(this.i - 1) as number;
        if (cp > 0xffff) this.i++;
        return this.literal(cp);
      }
    }
  }

  private literal(cp: number): RegexNode {
    if (this.flags.i) {
      const vs = caseVariants(cp);
      if (vs.length > 1) return { t: 'char', m: charMatcher((x) => vs.includes(x)) };
    }
    return { t: 'char', m: charMatcher((x) => x === cp, cp) };
  }

  private group(): RegexNode | null {
    if (this.eat('?')) {
      if (this.eat('#')) {
        const end = this.src.indexOf(')', this.i);
        if (end < 0) throw this.err('missing ), unterminated comment');
        this.i = end + 1;
        return null;
      }
      if (this.eat(':')) return this.groupBody(null);
      if (this.eat('P<') || (this.flavor === 're2' && this.eat('<'))) {
        const end = this.src.indexOf('>', this.i);
        const name = end < 0 ? '' : this.src.slice(this.i, end);
        if (!/^[A-Za-z_]\w*$/.test(name)) throw this.err(`bad group name '${name}'`);
        if (this.names.has(name)) throw this.err(`redefinition of group name '${name}'`);
        this.i = end + 1;
        const index = ++this.groups;
        this.names.set(name, index);
        return this.groupBody(index);
      }
      const look = /^(=|!|<=|<!|P=|>|\()/.exec(this.src.slice(this.i));
      if (look) throw this.err('lookaround, backreferences, atomic groups and conditionals are not supported (linear-time engine)');
      const fm = /^([aimsux]*)(?:-([imsx]+))?(:|\))/.exec(this.src.slice(this.i));
      if (fm) {
        if (fm[3] === ')') throw this.err('global flags not at the start of the expression');
        this.i += fm[0].length;
        const saved = this.flags;
        this.applyFlags(fm[1], true);
        if (fm[2]) this.applyFlags(fm[2], false);
        const node = this.groupBody(null, false);
        this.flags = saved;
        return node;
      }
      throw this.err('unknown extension');
    }
    return this.groupBody(++this.groups);
  }

  private groupBody(index: number | null, restore = true): RegexNode {
    const saved = this.flags;
    const node = this.alternation();
    if (restore) this.flags = saved;
    if (!this.eat(')')) throw this.err('missing ), unterminated subpattern');
    return { t: 'group', node, index };
  }

  private escapeCodePoint(c: string): number | undefined {
    if (Object.prototype.hasOwnProperty.call(ESCAPES, c)) return ESCAPES[c];
    if (c === 'x') {
      const m = /^(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{2}))/.exec(this.src.slice(this.i));
      if (!m || (m[1] !== undefined && this.flavor === 'python')) throw this.err('incomplete escape \\x');
      this.i += m[0].length;
      return parseInt(m[1] ?? m[2], 16);
    }
    if ((c === 'u' || c === 'U') && this.flavor === 'python') {
      const n = c === 'u' ? 4 : 8;
      const hex = this.src.slice(this.i, this.i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw this.err(`incomplete escape \\${c}`);
      this.i += n;
      return parseInt(hex, 16);
    }
    if (c === '0') {
      const m = /^[0-7]{0,2}/.exec(this.src.slice(this.i)) as RegExpExecArray;
      this.i += m[0].length;
      return parseInt(`0${m[0]}`, 8);
    }
    return undefined;
  }

  private escape(): RegexNode {
    const c = this.src[this.i++];
    if (c === undefined) throw this.err('bad escape (end of pattern)');
    const ascii = this.flags.a || this.flavor === 're2';
    switch (c) {
      case 'A':
        return { t: 'assert', kind: 'bot', ascii };
      case 'Z':
      case 'z':
        if (c === 'z' && this.flavor === 'python') throw this.err('bad escape \\z');
        return { t: 'assert', kind: 'eot', ascii };
      case 'b':
        return { t: 'assert', kind: 'wordb', ascii };
      case 'B':
        return { t: 'assert', kind: 'nwordb', ascii };
      default:
        break;
    }
    if (/[1-9]/.test(c)) {
      const oct = /^[0-7]{3}/.exec(this.src.slice(this.i - 1));
      if (!oct || this.flavor !== 'python') throw this.err('backreferences are not supported (linear-time engine)');
      this.i += 2;
      return this.literal(parseInt(oct[0], 8));
    }
    const cls = this.classEscape(c);
    if (cls) return { t: 'char', m: charMatcher(cls) };
    if (c === 'Q' && this.flavor === 're2') {
      const end = this.src.indexOf('\\E', this.i);
      const lit = this.src.slice(this.i, end < 0 ? undefined : end);
      this.i = end < 0 ? this.src.length : end + 2;
      return { t: 'cat', items: [...lit].map((ch) => this.literal(ch.codePointAt(0) as number)) };
    }
    const cp = this.escapeCodePoint(c);
    if (cp !== undefined) return this.literal(cp);
    if (/[A-Za-z]/.test(c)) throw this.err(`bad escape \\${c}`);
    return this.literal(c.codePointAt(0) as number);
  }

  /** `\d \w \s` and their negations, `\p{..}` in RE2. */
  private classEscape(c: string): Pred | undefined {
    const lower = c.toLowerCase();
    const base = classPred(lower, this.flags, this.flavor);
    if (base) return c === lower ? base : (cp) => !base(cp);
    if ((c === 'p' || c === 'P') && this.flavor === 're2') {
      let name: string;
      if (this.eat('{')) {
        const end = this.src.indexOf('}', this.i);
        if (end < 0) throw this.err('missing } in \\p{');
        name = this.src.slice(this.i, end);
        this.i = end + 1;
      } else name = this.src[this.i++] ?? '';
      const neg = name.startsWith('^');
      const p = unicodeProperty(neg ? name.slice(1) : name);
      return neg !== (c === 'P') ? (cp) => !p(cp) : p;
    }
    return undefined;
  }

  private charClass(): CharMatcher {
    const negated = this.eat('^');
    const preds: Pred[] = [];
    const ranges: [number, number][] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw this.err('unterminated character set');
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (c === '[' && this.src[this.i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.i));
        if (m && POSIX[m[2]] && this.flavor === 're2') {
          const p = POSIX[m[2]];
          preds.push(m[1] ? (cp) => !p(cp) : p);
          this.i += m[0].length;
          continue;
        }
      }
      const lo = this.classAtom(preds);
      if (lo === undefined) continue;
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        const hi = this.classAtom(preds);
        if (hi === undefined) throw this.err('bad character range');
        if (hi < lo) throw this.err('bad character range');
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    const inRanges: Pred = (cp) => {
      for (const [a, b] of ranges) if (cp >= a && cp <= b) return true;
      for (const p of preds) if (p(cp)) return true;
      return false;
    };
    const member = withCase(inRanges, this.flags);
    const single = !negated && preds.length === 0 && ranges.length === 1 && ranges[0][0] === ranges[0][1] && !this.flags.i ? ranges[0][0] : undefined;
    return charMatcher(negated ? (cp) => !member(cp) : member, single);
  }

  /** One class member: returns a code point, or pushes a class predicate and returns undefined. */
  private classAtom(preds: Pred[]): number | undefined {
    const c = this.src[this.i++];
    if (c !== '\\') {
      const cp = this.src.codePointAt(this.i - 1) as number;
      if (cp > 0xffff) this.i++;
      return cp;
    }
    const e = this.src[this.i++];
    if (e === undefined) throw this.err('bad escape (end of pattern)');
    const cls = this.classEscape(e);
    if (cls) {
      preds.push(cls);
      return undefined;
    }
    if (e === 'b') return 8;
    const cp = this.escapeCodePoint(e);
    if (cp !== undefined) return cp;
    if (/[1-9]/.test(e) && this.flavor === 'python') {
      const m = /^[0-7]{0,2}/.exec(this.src.slice(this.i - 1)) as RegExpExecArray;
      if (m[0].length === 3) {
        this.i += 2;
        return parseInt(m[0], 8);
      }
    }
    if (/[A-Za-z0-9]/.test(e)) throw this.err(`bad escape \\${e}`);
    return e.codePointAt(0) as number;
  }
}

export function parseRegex(pattern: string, flavor: RegexFlavor, ignoreCase = false): ParsedRegex {
  const p = new Parser(pattern, flavor, { i: ignoreCase, m: false, s: false, x: false, a: false });
  const node = p.parse();
  return { node, groups: p.groups, names: p.names };
}
