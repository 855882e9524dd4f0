import type { Topology } from './subjects.js';

/**
 * The shared test clock: with `DOZOR_TEST_CLOCK=1` every process of an
 * installation reads time as the real clock plus an offset kept in one NATS
 * KV key, so a test can move time forward for all of them at once
 * (`clock.advance('1h')`). Without the variable nothing reads the key.
 */
export const TEST_CLOCK = {
  env: 'DOZOR_TEST_CLOCK',
  /** The KV bucket of an installation's test clock. */
  bucket: (t: Topology) => `${t.prefix}-test-clock`,
  /** The key holding the offset from the real clock, in milliseconds, as a decimal string. */
  key: 'offset-ms',
} as const;
