import { base32 } from '@dozor/contracts';

/**
 * The subject token of the aggregate that holds every group of one grouping
 * key of one integration: 20 base32 characters (100 bits) of a SHA-256. The
 * hash itself is passed in (the domain does no I/O and imports no crypto).
 */
export function aggregateKeyFromDigest(sha256: Uint8Array): string {
  return base32(sha256).slice(0, 20);
}
