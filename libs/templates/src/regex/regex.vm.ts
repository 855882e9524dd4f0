/**
 * Pike VM: simulates all threads of the program in lock step over the input,
 * so the work is O(input length × program size) whatever the pattern. There
 * is no backtracking, hence no catastrophic case. Threads keep Python's
 * leftmost-first priority, so captures agree with `re`.
 */
import { isWordCp } from './regex.parser.js';
import { OP_ASSERT, OP_CHAR, OP_JMP, OP_MATCH, OP_SAVE, OP_SPLIT, type Program } from './regex.compiler.js';
import type { AssertKind } from './regex.ast.js';

export class RegexStepLimit extends Error {}

function cpAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}

function cpBefore(s: string, i: number): number {
  if (i <= 0) return -1;
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = s.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return (h - 0xd800) * 0x400 + (c - 0xdc00) + 0x10000;
  }
  return c;
}

function assertHolds(kind: AssertKind, ascii: boolean, s: string, p: number): boolean {
  const n = s.length;
  switch (kind) {
    case 'bot':
      return p === 0;
    case 'eot':
      return p === n;
    case 'eotnl':
      return p === n || (p === n - 1 && s.charCodeAt(p) === 10);
    case 'bol':
      return p === 0 || s.charCodeAt(p - 1) === 10;
    case 'eol':
      return p === n || s.charCodeAt(p) === 10;
    case 'wordb':
    case 'nwordb': {
      const before = p > 0 && isWordCp(cpBefore(s, p), ascii);
      const after = p < n && isWordCp(cpAt(s, p), ascii);
      return (before !== after) === (kind === 'wordb');
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown assertion ${String(never)}`);
    }
  }
}

export class PikeVm {
  /** Work done by the last call (threads stepped plus closure edges followed). */
  steps = 0;
  private readonly mark: Uint32Array;
  private gen = 1;
  private readonly stack: Int32Array;

  /** Throws RegexStepLimit past this many steps in one call. */
  maxSteps = Infinity;

  constructor(private readonly prog: Program) {
    this.mark = new Uint32Array(prog.size);
    this.stack = new Int32Array(prog.size * 2 + 4);
  }

  private nextGen(): void {
    if (++this.gen === 0xffffffff) {
      this.mark.fill(0);
      this.gen = 1;
    }
  }

  private charge(n: number): void {
    this.steps += n;
    if (this.steps > this.maxSteps) throw new RegexStepLimit(`regex exceeded ${this.maxSteps} steps`);
  }

  /** Adds the epsilon closure of `pc` at position `p` to `list` (test mode: no captures). */
  private closure(list: Int32Array, len: number, pc0: number, s: string, p: number): number {
    const { op, x, y, asserts, assertAscii } = this.prog;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = pc0;
    let edges = 0;
    while (sp > 0) {
      const pc = stack[--sp];
      if (this.mark[pc] === this.gen) continue;
      this.mark[pc] = this.gen;
      edges++;
      switch (op[pc]) {
        case OP_JMP:
          stack[sp++] = x[pc];
          break;
        case OP_SPLIT:
          stack[sp++] = y[pc];
          stack[sp++] = x[pc];
          break;
        case OP_SAVE:
          stack[sp++] = pc + 1;
          break;
        case OP_ASSERT:
          if (assertHolds(asserts[pc] as AssertKind, assertAscii[pc], s, p)) stack[sp++] = pc + 1;
          break;
        default:
          list[len++] = pc;
      }
    }
    this.charge(edges);
    return len;
  }

  /** Is there a match starting at `start` (anchored) or anywhere from `start` on? */
  test(s: string, start: number, anchored: boolean): boolean {
    const { op, matchers } = this.prog;
    this.steps = 0;
    let clist = new Int32Array(this.prog.size);
    let nlist = new Int32Array(this.prog.size);
    this.nextGen();
    let clen = this.closure(clist, 0, 0, s, start);
    for (let p = start; ;) {
      for (let i = 0; i < clen; i++) if (op[clist[i]] === OP_MATCH) return true;
      if (p >= s.length) return false;
      const cp = cpAt(s, p);
      const w = cp > 0xffff ? 2 : 1;
      this.nextGen();
      let nlen = 0;
      this.charge(clen);
      for (let i = 0; i < clen; i++) {
        const pc = clist[i];
        if (op[pc] !== OP_CHAR) continue;
        const m = matchers[pc] as NonNullable<(typeof matchers)[number]>;
        if (cp < 128 ? m.ascii[cp] === 1 : m.test(cp)) nlen = this.closure(nlist, nlen, pc + 1, s, p + w);
      }
      if (!anchored) nlen = this.closure(nlist, nlen, 0, s, p + w);
      else if (nlen === 0) return false;
      [clist, nlist] = [nlist, clist];
      clen = nlen;
      p += w;
    }
  }

  /**
   * Leftmost-first match from `start` on, with capture offsets
   * (`[start0, end0, start1, end1, ...]`, -1 when unset), or null.
   * `mustAdvance` rejects an empty match at `start` (Python's rule in `sub`).
   */
  exec(s: string, start: number, anchored: boolean, mustAdvance = false): number[] | null {
    const { op, x, y, matchers, asserts, assertAscii, slots } = this.prog;
    this.steps = 0;
    type Thread = { pc: number; caps: number[] };
    const add = (list: Thread[], pc0: number, caps0: number[], p: number): void => {
      const stack: Thread[] = [{ pc: pc0, caps: caps0 }];
      let edges = 0;
      while (stack.length > 0) {
        const t = stack.pop() as Thread;
        const pc = t.pc;
        if (this.mark[pc] === this.gen) continue;
        this.mark[pc] = this.gen;
        edges++;
        switch (op[pc]) {
          case OP_JMP:
            stack.push({ pc: x[pc], caps: t.caps });
            break;
          case OP_SPLIT:
            stack.push({ pc: y[pc], caps: t.caps }, { pc: x[pc], caps: t.caps });
            break;
          case OP_SAVE: {
            const caps = t.caps.slice();
            caps[x[pc]] = p;
            stack.push({ pc: pc + 1, caps });
            break;
          }
          case OP_ASSERT:
            if (assertHolds(asserts[pc] as AssertKind, assertAscii[pc], s, p)) stack.push({ pc: pc + 1, caps: t.caps });
            break;
          default:
            list.push(t);
        }
      }
      this.charge(edges);
    };
    const fresh = (): number[] => new Array<number>(slots).fill(-1);
    let matched: number[] | null = null;
    this.nextGen();
    let clist: Thread[] = [];
    add(clist, 0, fresh(), start);
    for (let p = start; ;) {
      const cp = p < s.length ? cpAt(s, p) : -1;
      const w = cp > 0xffff ? 2 : 1;
      this.nextGen();
      const nlist: Thread[] = [];
      this.charge(clist.length);
      for (const t of clist) {
        if (op[t.pc] === OP_MATCH) {
          if (mustAdvance && t.caps[0] === start && t.caps[1] === start) continue;
          matched = t.caps;
          break;
        }
        if (cp < 0) continue;
        const m = matchers[t.pc] as NonNullable<(typeof matchers)[number]>;
        if (cp < 128 ? m.ascii[cp] === 1 : m.test(cp)) add(nlist, t.pc + 1, t.caps, p + w);
      }
      if (cp < 0) break;
      if (!matched && !anchored) add(nlist, 0, fresh(), p + w);
      if (nlist.length === 0 && (matched || anchored)) break;
      clist = nlist;
      p += w;
    }
    return matched;
  }
}
