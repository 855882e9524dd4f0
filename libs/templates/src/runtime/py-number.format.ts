/**
 * Correctly rounded decimal formatting of doubles, as Python does it
 * (round-half-even on the exact binary value), for `%f`, `%e`, `%g`,
 * `format()` and the `round` filter.
 */

/** Exact decimal value of a finite non-negative double: `digits / 10^scale`. */
function exact(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (e >= 0) return { digits: mant << BigInt(e), scale: 0 };
  return { digits: mant * 5n ** BigInt(-e), scale: -e };
}

function roundHalfEven(digits: bigint, drop: number): bigint {
  if (drop <= 0) return digits * 10n ** BigInt(-drop);
  const p = 10n ** BigInt(drop);
  const q = digits / p;
  const r = digits % p;
  const half = p / 2n;
  if (r > half || (r === half && q % 2n === 1n)) return q + 1n;
  return q;
}

/** `'%.{prec}f' % x` for finite x. */
export function fixed(x: number, prec: number): string {
  const neg = x < 0 || Object.is(x, -0);
  const { digits, scale } = exact(Math.abs(x));
  if (prec > scale) {
    // The exact value has fewer decimals than asked for: pad with zeros (no big multiplication).
    const s = digits.toString().padStart(scale + 1, '0');
    const int = scale > 0 ? s.slice(0, -scale) : s;
    return `${neg ? '-' : ''}${int}.${scale > 0 ? s.slice(-scale) : ''}${'0'.repeat(prec - scale)}`;
  }
  const q = roundHalfEven(digits, scale - prec);
  let s = q.toString();
  if (prec > 0) {
    s = s.padStart(prec + 1, '0');
    s = `${s.slice(0, -prec)}.${s.slice(-prec)}`;
  }
  return (neg ? '-' : '') + s;
}

/** Mantissa digits (prec+1 significant) and decimal exponent, for `%e` and `%g`. */
export function scientificParts(x: number, prec: number): { neg: boolean; digits: string; exp: number } {
  const neg = x < 0 || Object.is(x, -0);
  if (x === 0) return { neg, digits: '0'.repeat(prec + 1), exp: 0 };
  const { digits, scale } = exact(Math.abs(x));
  const total = digits.toString().length;
  let exp = total - 1 - scale;
  if (total <= prec + 1) return { neg, digits: digits.toString() + '0'.repeat(prec + 1 - total), exp };
  let q = roundHalfEven(digits, total - (prec + 1));
  if (q.toString().length > prec + 1) {
    q /= 10n;
    exp += 1;
  }
  return { neg, digits: q.toString(), exp };
}

export function exponential(x: number, prec: number, upper = false, alt = false): string {
  const { neg, digits, exp } = scientificParts(x, prec);
  const mant = digits.length > 1 || alt ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = `${exp < 0 ? '-' : '+'}${Math.abs(exp).toString().padStart(2, '0')}`;
  return `${neg ? '-' : ''}${mant}${upper ? 'E' : 'e'}${e}`;
}

export function general(x: number, precIn: number, upper = false, alt = false): string {
  const prec = precIn === 0 ? 1 : precIn;
  const { exp } = scientificParts(x, prec - 1);
  let s: string;
  if (exp >= -4 && exp < prec) s = fixed(x, prec - 1 - exp);
  else s = exponential(x, prec - 1, upper, alt);
  if (!alt) {
    const [m, e] = s.split(/(?=[eE])/);
    const trimmed = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    s = trimmed + (e ?? '');
  }
  return s;
}

export function nonFinite(x: number, upper: boolean): string | undefined {
  if (Number.isNaN(x)) return upper ? 'NAN' : 'nan';
  if (x === Infinity) return upper ? 'INF' : 'inf';
  if (x === -Infinity) return upper ? '-INF' : '-inf';
  return undefined;
}

/** Python's `round(x, n)` for floats. */
export function roundFloat(x: number, n: number): number {
  if (!Number.isFinite(x)) return x;
  if (n >= 0) return Number(fixed(x, Math.min(n, 340)));
  const p = 10 ** -n;
  const q = x / p;
  const r = Math.round(q);
  const tie = Math.abs(q - Math.trunc(q)) === 0.5;
  return (tie ? (Math.trunc(q) % 2 === 0 ? Math.trunc(q) : r) : r) * p;
}
