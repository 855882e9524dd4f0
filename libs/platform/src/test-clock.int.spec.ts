import { afterAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { topology } from '@dozor/contracts';
import { connectNats } from '@dozor/eventstore';
import { isolate, NATS_URL, poll, TestClock } from '@dozor/testing';
import { openTestClock } from './test-clock.js';

describe('the shared test clock', () => {
  const iso = isolate('tclock');
  const conns: NatsConnection[] = [];
  const connection = async () => {
    const nc = await connectNats(NATS_URL, 'test-clock-spec');
    conns.push(nc);
    return nc;
  };
  afterAll(async () => {
    for (const nc of conns) await nc.close();
    await iso.cleanup();
  });

  it('is off unless DOZOR_TEST_CLOCK=1, and names a wrong value', async () => {
    const nc = await connection();
    expect(await openTestClock({}, nc, topology(iso.prefix))).toBeNull();
    await expect(openTestClock({ DOZOR_TEST_CLOCK: 'yes' }, nc, topology(iso.prefix))).rejects.toThrow(/DOZOR_TEST_CLOCK must be 1/);
  });

  it('moves every process that follows it, and tells them it jumped', async () => {
    const control = await TestClock.open(iso.prefix);
    try {
      const [a, b] = await Promise.all([1, 2].map(async () => openTestClock({ DOZOR_TEST_CLOCK: '1' }, await connection(), topology(iso.prefix))));
      let jumps = 0;
      a!.onJump(() => jumps++);
      await control.advance('1h');
      await poll('both clocks an hour ahead', () => [a!, b!].every((c) => c.now().getTime() - Date.now() > 59 * 60_000));
      await poll('the jump reported', () => jumps === 1);
      // A process that starts later reads the offset before it serves anything.
      const late = await openTestClock({ DOZOR_TEST_CLOCK: '1' }, await connection(), topology(iso.prefix));
      expect(late!.now().getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
      await expect(control.advance('-5m')).rejects.toThrow(/not a duration/);
    } finally {
      await control.close();
    }
  });
});
