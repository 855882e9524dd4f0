/** Compiles a regex syntax tree to a Pike-VM program (Thompson construction with priorities). */
import { RegexSyntaxError, type AssertKind, type CharMatcher, type RegexNode } from './regex.ast.js';

export const OP_CHAR = 0;
export const OP_SPLIT = 1;
export const OP_JMP = 2;
export const OP_SAVE = 3;
export const OP_ASSERT = 4;
export const OP_MATCH = 5;

/** Upper bound on program size, which bounds the work per input character. */
export const MAX_PROGRAM = 20_000;

export interface Program {
  readonly op: Uint8Array;
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly matchers: readonly (CharMatcher | undefined)[];
  readonly asserts: readonly (AssertKind | undefined)[];
  readonly assertAscii: readonly boolean[];
  readonly size: number;
  /** Capture slots: 2 per group, group 0 included. */
  readonly slots: number;
}

interface Inst {
  op: number;
  x: number;
  y: number;
  m?: CharMatcher;
  a?: AssertKind;
  ascii?: boolean;
}

export function compileProgram(node: RegexNode, groups: number): Program {
  const code: Inst[] = [];
  const emit = (i: Inst): number => {
    if (code.length >= MAX_PROGRAM) throw new RegexSyntaxError(`pattern too large (more than ${MAX_PROGRAM} instructions)`);
    code.push(i);
    return code.length - 1;
  };

  const gen = (n: RegexNode): void => {
    switch (n.t) {
      case 'empty':
        return;
      case 'char':
        emit({ op: OP_CHAR, x: 0, y: 0, m: n.m });
        return;
      case 'cat':
        for (const item of n.items) gen(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.items.forEach((item, i) => {
          if (i < n.items.length - 1) {
            const split = emit({ op: OP_SPLIT, x: 0, y: 0 });
            code[split].x = code.length;
            gen(item);
            jumps.push(emit({ op: OP_JMP, x: 0, y: 0 }));
            code[split].y = code.length;
          } else gen(item);
        });
        for (const j of jumps) code[j].x = code.length;
        return;
      }
      case 'group':
        if (n.index === null) return gen(n.node);
        emit({ op: OP_SAVE, x: 2 * n.index, y: 0 });
        gen(n.node);
        emit({ op: OP_SAVE, x: 2 * n.index + 1, y: 0 });
        return;
      case 'assert':
        emit({ op: OP_ASSERT, x: 0, y: 0, a: n.kind, ascii: n.ascii });
        return;
      case 'rep': {
        for (let i = 0; i < n.min; i++) gen(n.node);
        if (n.max === Infinity) {
          const split = emit({ op: OP_SPLIT, x: 0, y: 0 });
          gen(n.node);
          emit({ op: OP_JMP, x: split, y: 0 });
          const out = code.length;
          code[split].x = n.greedy ? split + 1 : out;
          code[split].y = n.greedy ? out : split + 1;
        } else {
          const splits: number[] = [];
          for (let i = n.min; i < n.max; i++) {
            splits.push(emit({ op: OP_SPLIT, x: 0, y: 0 }));
            gen(n.node);
          }
          const out = code.length;
          for (const s of splits) {
            code[s].x = n.greedy ? s + 1 : out;
            code[s].y = n.greedy ? out : s + 1;
          }
        }
        return;
      }
      default: {
        const never: never = n;
        throw new RegexSyntaxError(`unknown node ${JSON.stringify(never)}`);
      }
    }
  };

  emit({ op: OP_SAVE, x: 0, y: 0 });
  gen(node);
  emit({ op: OP_SAVE, x: 1, y: 0 });
  emit({ op: OP_MATCH, x: 0, y: 0 });

  const size = code.length;
  const op = new Uint8Array(size);
  const x = new Int32Array(size);
  const y = new Int32Array(size);
  code.forEach((c, i) => {
    op[i] = c.op;
    x[i] = c.x;
    y[i] = c.y;
  });
  return {
    op,
    x,
    y,
    matchers: code.map((c) => c.m),
    asserts: code.map((c) => c.a),
    assertAscii: code.map((c) => c.ascii ?? false),
    size,
    slots: 2 * (groups + 1),
  };
}
