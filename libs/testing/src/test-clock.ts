import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { TEST_CLOCK, topology } from '@dozor/contracts';
import { NATS_URL } from './env.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Moves time for every Dozor process of one test installation (started with
 * `TestClock.env`, i.e. DOZOR_TEST_CLOCK=1, and the same subject prefix):
 * `await clock.advance('1h')`. The offset lives in a NATS KV key that the
 * processes watch, so the timer worker wakes up and fires what became due.
 * Time only moves forward.
 */
export class TestClock {
  static readonly env = { [TEST_CLOCK.env]: '1' } as const;
  private offsetMs = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
  ) {}

  static async open(prefix: string): Promise<TestClock> {
    const nc = await connect({ servers: NATS_URL, name: `test-clock-${prefix}` });
    const kv = await new Kvm(nc).create(TEST_CLOCK.bucket(topology(prefix)), { history: 1 });
    const clock = new TestClock(nc, kv);
    clock.offsetMs = Number((await kv.get(TEST_CLOCK.key))?.string() || 0);
    return clock;
  }

  /** Now as the Dozor processes see it. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the clock forward by `by`: milliseconds, or `90s`, `30m`, `1h`, `2d`. */
  async advance(by: number | string): Promise<void> {
    const ms = typeof by === 'number' ? by : parseDuration(by);
    if (!(ms > 0)) throw new Error(`the test clock only moves forward, got ${JSON.stringify(by)}`);
    this.offsetMs += ms;
    await this.kv.put(TEST_CLOCK.key, String(this.offsetMs));
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

function parseDuration(s: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(s.trim());
  if (!m) throw new Error(`${JSON.stringify(s)} is not a duration like 90s, 30m, 1h or 2d`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
