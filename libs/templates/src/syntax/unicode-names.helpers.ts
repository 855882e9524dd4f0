/**
 * `'\N{NAME}'` lookup: the generated table (tools/jinja2/unicode_names.py), the
 * names Unicode derives by rule (a prefix and the code point in hex, such as
 * `CJK UNIFIED IDEOGRAPH-4E00`), and Hangul syllables from their jamo, as
 * Python's `unicodedata.lookup` resolves them. Listed names are case-insensitive;
 * Hangul syllables and `CJK UNIFIED IDEOGRAPH-` (4 or 5 hex digits) are computed
 * names in CPython and must be upper case, as there.
 */
import { DERIVED_NAME_RANGES, UNICODE_NAMES } from './unicode-names.lookup.js';

const JAMO_L = 'G GG N D DD R M B BB S SS  J JJ C K T P H'.split(' ');
const JAMO_V = 'A AE YA YAE EO E YEO YE O WA WAE OE YO U WEO WE WI YU EU YI I'.split(' ');
const JAMO_T = ' G GG GS N NJ NH D L LG LM LB LS LT LP LH M B BS S SS NG J C K T P H'.split(' ');
const HANGUL_PREFIX = 'HANGUL SYLLABLE ';
const CJK_UNIFIED = 'CJK UNIFIED IDEOGRAPH-';
let hangul: Map<string, number> | undefined;

function hangulSyllable(rest: string): number | undefined {
  if (!hangul) {
    hangul = new Map();
    for (let l = 0; l < JAMO_L.length; l++)
      for (let v = 0; v < JAMO_V.length; v++)
        for (let t = 0; t < JAMO_T.length; t++) hangul.set(JAMO_L[l]! + JAMO_V[v]! + JAMO_T[t]!, 0xac00 + (l * JAMO_V.length + v) * JAMO_T.length + t);
  }
  return hangul.get(rest);
}

/** The code point of a Unicode character name, or `undefined`. */
export function lookupUnicodeName(name: string): number | undefined {
  if (name.startsWith(HANGUL_PREFIX)) return hangulSyllable(name.slice(HANGUL_PREFIX.length));
  const upper = name.toUpperCase();
  if (Object.hasOwn(UNICODE_NAMES, upper)) return UNICODE_NAMES[upper];
  for (const [prefix, lo, hi] of DERIVED_NAME_RANGES) {
    const computed = prefix === CJK_UNIFIED;
    if (!(computed ? name : upper).startsWith(prefix)) continue;
    const hex = (computed ? name : upper).slice(prefix.length);
    if (!/^[0-9A-F]{4,5}$/.test(hex)) continue;
    const cp = parseInt(hex, 16);
    if (cp < lo || cp > hi) continue;
    if (computed || hex === cp.toString(16).toUpperCase().padStart(4, '0')) return cp;
  }
  return undefined;
}
