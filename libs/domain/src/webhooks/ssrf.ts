/**
 * Which addresses an outgoing webhook may reach. Pure: the sender resolves
 * the host name and asks about every address it got, so a name that
 * resolves to one public and one private address is refused, and the
 * connection is then made to an address that was checked (no second lookup
 * that could answer differently).
 *
 * Refused unless allow-listed: loopback, private (RFC 1918, unique local
 * fc00::/7, CGNAT 100.64/10), link-local (169.254/16 with the cloud metadata
 * address, fe80::/10), unspecified, multicast, broadcast and reserved ranges.
 * IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, compatible
 * ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that address.
 */

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved' | 'invalid';

/** One entry of DOZOR_WEBHOOK_ALLOW: a CIDR (or a single address) or a host name. */
export type AllowEntry = { kind: 'cidr'; family: 4 | 6; bits: bigint; prefix: number } | { kind: 'host'; host: string };

/** An IPv4 address as a number, or null. Only the dotted-quad form (what a resolver returns). */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith('0'))) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** An IPv6 address as a 128-bit number, or null. Accepts `::`, an embedded dotted quad and a zone (`%eth0`, ignored). */
export function parseIpv6(text: string): bigint | null {
  let t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (!t.includes(':')) return null;
  const lastColon = t.lastIndexOf(':');
  const maybeV4 = t.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    // a:b::1.2.3.4 → a:b::102:304
    const v4 = parseIpv4(maybeV4);
    if (v4 === null) return null;
    t = `${t.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const group = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length;
  let groups: number[];
  if (halves.length === 2) {
    if (known > 7) return null;
    groups = [...head, ...new Array<number>(8 - known).fill(0), ...rest];
  } else {
    if (known !== 8) return null;
    groups = head;
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

type Range4 = [string, number, AddressClass];
const V4_RANGES: Range4[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function inV4(n: number, base: number, prefix: number): boolean {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (n & mask) >>> 0 === (base & mask) >>> 0;
}

function classifyV4(n: number): AddressClass {
  for (const [base, prefix, cls] of V4_RANGES) if (inV4(n, parseIpv4(base)!, prefix)) return cls;
  return 'public';
}

const inV6 = (n: bigint, base: bigint, prefix: number): boolean => (prefix === 0 ? true : n >> BigInt(128 - prefix) === base >> BigInt(128 - prefix));
const V6 = (t: string): bigint => parseIpv6(t)!;

/** The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), or null. */
export function embeddedIpv4(n: bigint): number | null {
  const low32 = Number(n & 0xffffffffn);
  if (inV6(n, V6('::ffff:0:0'), 96)) return low32;
  if (inV6(n, V6('64:ff9b::'), 96)) return low32;
  if (inV6(n, V6('2002::'), 16)) return Number((n >> 80n) & 0xffffffffn);
  // IPv4-compatible (deprecated ::a.b.c.d); :: and ::1 are not.
  if (n >> 32n === 0n && n > 1n) return low32;
  return null;
}

function classifyV6(n: bigint): AddressClass {
  if (n === 0n) return 'unspecified';
  if (n === 1n) return 'loopback';
  const v4 = embeddedIpv4(n);
  if (v4 !== null) return classifyV4(v4);
  if (inV6(n, V6('fe80::'), 10)) return 'link-local';
  if (inV6(n, V6('fc00::'), 7)) return 'private';
  if (inV6(n, V6('fec0::'), 10)) return 'private';
  if (inV6(n, V6('ff00::'), 8)) return 'multicast';
  if (inV6(n, V6('100::'), 64)) return 'reserved';
  if (inV6(n, V6('2001:db8::'), 32)) return 'reserved';
  if (inV6(n, V6('2001::'), 23)) return 'reserved';
  // Global unicast is 2000::/3; the rest is unassigned.
  if (inV6(n, V6('2000::'), 3)) return 'public';
  return 'reserved';
}

/** The class of an IP address in text form (IPv4 dotted quad or any IPv6 form). */
export function classifyAddress(text: string): AddressClass {
  const v4 = parseIpv4(text);
  if (v4 !== null) return classifyV4(v4);
  const v6 = parseIpv6(text);
  if (v6 !== null) return classifyV6(v6);
  return 'invalid';
}

/** Reads DOZOR_WEBHOOK_ALLOW: comma-separated CIDRs, addresses or host names. Throws naming a bad entry. */
export function parseAllowList(text: string | undefined | null): AllowEntry[] {
  if (!text) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry): AllowEntry => {
      const [addr, prefixText, extra] = entry.split('/');
      if (extra !== undefined) throw new Error(`DOZOR_WEBHOOK_ALLOW: ${JSON.stringify(entry)} is not a CIDR, address or host name`);
      const v4 = parseIpv4(addr!);
      const v6 = v4 === null ? parseIpv6(addr!) : null;
      if (v4 !== null || v6 !== null) {
        const max = v4 !== null ? 32 : 128;
        const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
        if (!(prefix >= 0 && prefix <= max)) throw new Error(`DOZOR_WEBHOOK_ALLOW: bad prefix length in ${JSON.stringify(entry)}`);
        return v4 !== null ? { kind: 'cidr', family: 4, bits: BigInt(v4), prefix } : { kind: 'cidr', family: 6, bits: v6!, prefix };
      }
      if (prefixText !== undefined || !/^[A-Za-z0-9.-]+$/.test(addr!)) {
        throw new Error(`DOZOR_WEBHOOK_ALLOW: ${JSON.stringify(entry)} is not a CIDR, address or host name`);
      }
      return { kind: 'host', host: addr!.toLowerCase().replace(/\.$/, '') };
    });
}

function inCidr(address: string, e: Extract<AllowEntry, { kind: 'cidr' }>): boolean {
  const v4 = parseIpv4(address);
  let n: bigint | null = null;
  let family: 4 | 6;
  if (v4 !== null) {
    n = BigInt(v4);
    family = 4;
  } else {
    n = parseIpv6(address);
    if (n === null) return false;
    family = 6;
    const embedded = embeddedIpv4(n);
    // A mapped form of an allowed IPv4 address is the same target.
    if (e.family === 4 && embedded !== null) {
      n = BigInt(embedded);
      family = 4;
    }
  }
  if (family !== e.family) return false;
  const width = BigInt(family === 4 ? 32 : 128);
  const shift = width - BigInt(e.prefix);
  return n >> shift === e.bits >> shift;
}

/** Whether a host name is allow-listed by name (case-insensitive, without the trailing dot). */
export function hostAllowed(host: string, allow: readonly AllowEntry[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allow.some((e) => e.kind === 'host' && e.host === h);
}

/** Null when the address may be reached, else why not (for the timeline). */
export function addressRefusal(address: string, allow: readonly AllowEntry[]): string | null {
  const cls = classifyAddress(address);
  if (cls === 'public') return null;
  if (allow.some((e) => e.kind === 'cidr' && inCidr(address, e))) return null;
  return cls === 'invalid' ? `${address} is not an IP address` : `${address} is a ${cls} address (not allowed for outgoing webhooks; see DOZOR_WEBHOOK_ALLOW)`;
}
