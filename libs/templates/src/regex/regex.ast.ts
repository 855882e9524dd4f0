/** Syntax tree of a regular expression, shared by the parser and the compiler. */

/** A single-code-point test. `ascii[cp]` is precomputed for cp < 128. */
export interface CharMatcher {
  readonly ascii: Uint8Array;
  readonly test: (cp: number) => boolean;
  /** Set when the matcher accepts exactly one code point (used for literal prefilters). */
  readonly literal?: number;
}

export type AssertKind = 'bot' | 'eot' | 'eotnl' | 'bol' | 'eol' | 'wordb' | 'nwordb';

export type RegexNode =
  | { readonly t: 'empty' }
  | { readonly t: 'char'; readonly m: CharMatcher }
  | { readonly t: 'cat'; readonly items: readonly RegexNode[] }
  | { readonly t: 'alt'; readonly items: readonly RegexNode[] }
  | { readonly t: 'rep'; readonly node: RegexNode; readonly min: number; readonly max: number; readonly greedy: boolean }
  | { readonly t: 'group'; readonly node: RegexNode; readonly index: number | null }
  | { readonly t: 'assert'; readonly kind: AssertKind; readonly ascii: boolean };

export type RegexFlavor = 'python' | 're2';

export class RegexSyntaxError extends Error {}

export function charMatcher(test: (cp: number) => boolean, literal?: number): CharMatcher {
  const ascii = new Uint8Array(128);
  for (let c = 0; c < 128; c++) ascii[c] = test(c) ? 1 : 0;
  return { ascii, test, literal };
}
