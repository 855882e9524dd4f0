/**
 * Linear-time regular expressions with Python `re` (or RE2) syntax: the engine
 * behind `regex_search`, `regex_match`, `regex_replace`, route regex filters and
 * Alertmanager `=~` matchers. See regex.vm.ts for the complexity argument.
 */
import { RegexSyntaxError, type RegexFlavor, type RegexNode } from './regex.ast.js';
import { parseRegex } from './regex.parser.js';
import { compileProgram } from './regex.compiler.js';
import { PikeVm } from './regex.vm.js';

export { RegexSyntaxError } from './regex.ast.js';
export { RegexStepLimit } from './regex.vm.js';

export type RegexAnchor = 'none' | 'start' | 'full';

export interface RegexOptions {
  flavor?: RegexFlavor;
  /** 'start': like `re.match`; 'full': like `re.fullmatch` / Alertmanager's anchoring. */
  anchor?: RegexAnchor;
  ignoreCase?: boolean;
}

/** Meters VM work across calls: `remaining()` caps a call, `charge()` books it. */
export interface StepMeter {
  remaining(): number;
  charge(steps: number): void;
}

/** An exact string of the node, or null if it matches anything else. */
function literalOf(n: RegexNode): string | null {
  switch (n.t) {
    case 'empty':
    case 'assert':
      return '';
    case 'char':
      return n.m.literal === undefined ? null : String.fromCodePoint(n.m.literal);
    case 'group':
      return literalOf(n.node);
    case 'cat': {
      let s = '';
      for (const i of n.items) {
        const l = literalOf(i);
        if (l === null) return null;
        s += l;
      }
      return s;
    }
    case 'rep': {
      const l = n.min === n.max ? literalOf(n.node) : null;
      return l === null ? null : l.repeat(n.min);
    }
    case 'alt':
      return null;
    default: {
      const never: never = n;
      throw new Error(`unknown node ${JSON.stringify(never)}`);
    }
  }
}

const longer = (a: string, b: string): string => (b.length > a.length ? b : a);

/** The longest literal every match must contain ('' if none is known). */
export function requiredLiteral(n: RegexNode): string {
  switch (n.t) {
    case 'char':
    case 'empty':
    case 'assert':
      return literalOf(n) ?? '';
    case 'group':
      return requiredLiteral(n.node);
    case 'rep':
      return n.min >= 1 ? requiredLiteral(n.node) : '';
    case 'alt':
      return '';
    case 'cat': {
      let best = '';
      let run = '';
      for (const item of n.items) {
        const l = literalOf(item);
        if (l !== null) run += l;
        else {
          best = longer(longer(best, run), requiredLiteral(item));
          run = '';
        }
      }
      return longer(best, run);
    }
    default: {
      const never: never = n;
      throw new Error(`unknown node ${JSON.stringify(never)}`);
    }
  }
}

export class LinearRegex {
  readonly groups: number;
  readonly names: ReadonlyMap<string, number>;
  /** Every match contains this string; inputs without it are rejected by `indexOf`. */
  readonly prefilter: string;
  readonly programSize: number;
  private readonly vm: PikeVm;
  private readonly anchor: RegexAnchor;

  constructor(
    readonly source: string,
    opts: RegexOptions = {},
  ) {
    const flavor = opts.flavor ?? 'python';
    this.anchor = opts.anchor ?? 'none';
    const parsed = parseRegex(source, flavor, opts.ignoreCase ?? false);
    const node: RegexNode = this.anchor === 'full' ? { t: 'cat', items: [parsed.node, { t: 'assert', kind: 'eot', ascii: false }] } : parsed.node;
    const prog = compileProgram(node, parsed.groups);
    this.groups = parsed.groups;
    this.names = parsed.names;
    this.prefilter = requiredLiteral(parsed.node);
    this.programSize = prog.size;
    this.vm = new PikeVm(prog);
  }

  /** VM steps used by the last call: at most about (input length + 1) × 2 × program size. */
  get lastSteps(): number {
    return this.vm.steps;
  }

  private metered<T>(meter: StepMeter | undefined, run: () => T): T {
    this.vm.maxSteps = meter ? meter.remaining() : Infinity;
    this.vm.steps = 0;
    try {
      return run();
    } finally {
      meter?.charge(this.vm.steps);
    }
  }

  test(s: string, meter?: StepMeter): boolean {
    if (this.prefilter && !s.includes(this.prefilter)) {
      this.vm.steps = 0;
      return false;
    }
    return this.metered(meter, () => this.vm.test(s, 0, this.anchor !== 'none'));
  }

  exec(s: string, start = 0, mustAdvance = false, meter?: StepMeter): number[] | null {
    if (this.prefilter && !s.includes(this.prefilter, start)) {
      this.vm.steps = 0;
      return null;
    }
    return this.metered(meter, () => this.vm.exec(s, start, this.anchor !== 'none', mustAdvance));
  }
}

type Piece = string | number;

const REPL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\' };

/** Parses a Python `re.sub` replacement template. */
export function parseReplacement(repl: string, re: LinearRegex): Piece[] {
  const out: Piece[] = [];
  let lit = '';
  const group = (g: number): void => {
    if (g > re.groups) throw new RegexSyntaxError(`invalid group reference ${g}`);
    out.push(lit, g);
    lit = '';
  };
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c !== '\\') {
      lit += c;
      continue;
    }
    const e = repl[++i];
    if (e === undefined) throw new RegexSyntaxError('bad escape (end of pattern)');
    if (e === 'g') {
      const m = /^<([^>]*)>/.exec(repl.slice(i + 1));
      if (!m) throw new RegexSyntaxError('missing < in \\g');
      i += m[0].length;
      if (/^\d+$/.test(m[1])) group(Number(m[1]));
      else {
        const n = re.names.get(m[1]);
        if (n === undefined) throw new RegexSyntaxError(`unknown group name '${m[1]}'`);
        group(n);
      }
    } else if (e === '0' || /^[0-7]{3}/.test(repl.slice(i, i + 3))) {
      const m = /^[0-7]{1,3}/.exec(repl.slice(i)) as RegExpExecArray;
      lit += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length - 1;
    } else if (/\d/.test(e)) {
      const m = /^\d\d?/.exec(repl.slice(i)) as RegExpExecArray;
      i += m[0].length - 1;
      group(Number(m[0]));
    } else if (Object.prototype.hasOwnProperty.call(REPL_ESCAPES, e)) lit += REPL_ESCAPES[e];
    else if (/[A-Za-z]/.test(e)) throw new RegexSyntaxError(`bad escape \\${e}`);
    else lit += `\\${e}`;
  }
  out.push(lit);
  return out;
}

/** `re.sub(pattern, repl, s, count)`. `onGrow` is told the output size so callers can bound it. */
export function regexSub(re: LinearRegex, repl: string, s: string, count = 0, onGrow: (n: number) => void = () => undefined, meter?: StepMeter): string {
  const pieces = parseReplacement(repl, re);
  let out = '';
  let pos = 0;
  let last = 0;
  let mustAdvance = false;
  let n = 0;
  while (pos <= s.length && (count <= 0 || n < count)) {
    const m = re.exec(s, pos, mustAdvance, meter);
    if (!m) break;
    let rep = '';
    for (const p of pieces) rep += typeof p === 'string' ? p : m[2 * p] >= 0 ? s.slice(m[2 * p], m[2 * p + 1]) : '';
    out += s.slice(last, m[0]) + rep;
    onGrow(out.length);
    last = m[1];
    mustAdvance = m[1] === m[0];
    pos = m[1];
    n++;
  }
  return out + s.slice(last);
}

const cache = new Map<string, LinearRegex>();

/** Compiles with a small cache (patterns in templates repeat on every render). */
export function cachedRegex(pattern: string, opts: RegexOptions = {}): LinearRegex {
  const key = `${opts.flavor ?? 'python'}|${opts.anchor ?? 'none'}|${opts.ignoreCase ? 'i' : ''}|${pattern}`;
  let re = cache.get(key);
  if (!re) {
    re = new LinearRegex(pattern, opts);
    if (cache.size >= 512) cache.delete(cache.keys().next().value as string);
    cache.set(key, re);
  }
  return re;
}
