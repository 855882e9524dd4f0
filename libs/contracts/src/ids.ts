/**
 * Identifier helpers. Alert group ids are `<aggregateKey>-<generation>`: the
 * aggregate key names the subject that holds every generation of a grouping key,
 * and the generation counts groups opened for it (a firing after a resolve opens
 * the next one).
 */
export function alertGroupId(aggregateKey: string, generation: number): string {
  return `${aggregateKey}-${generation}`;
}

export function parseAlertGroupId(id: string): { aggregateKey: string; generation: number } | null {
  const m = /^([a-z2-7]{8,32})-([1-9][0-9]{0,8})$/.exec(id);
  return m ? { aggregateKey: m[1]!, generation: Number(m[2]) } : null;
}

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
