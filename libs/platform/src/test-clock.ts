import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { TEST_CLOCK, type Topology } from '@dozor/contracts';

/** A clock that can jump: the test clock; the real clock never does. */
export interface SharedClock {
  now(): Date;
  /** Called after the clock jumped forward, so sleepers re-check what is due. */
  onJump(listener: () => void): void;
}

/**
 * Opens the shared test clock when `DOZOR_TEST_CLOCK=1`, else returns null
 * (production reads the real clock and never touches the KV bucket). The
 * offset is read before any service starts and then followed with a KV
 * watch, so every process of a test run agrees on the time within one
 * message delivery.
 */
export async function openTestClock(env: NodeJS.ProcessEnv, nc: NatsConnection, topology: Topology): Promise<SharedClock | null> {
  const flag = env[TEST_CLOCK.env];
  if (!flag) return null;
  if (flag !== '1') throw new Error(`${TEST_CLOCK.env} must be 1 (or unset), got ${JSON.stringify(flag)}`);
  const kv = await new Kvm(nc).create(TEST_CLOCK.bucket(topology), { history: 1 });
  let offsetMs = parseOffset((await kv.get(TEST_CLOCK.key))?.string());
  const listeners: (() => void)[] = [];
  const watch = await kv.watch({ key: TEST_CLOCK.key });
  void (async () => {
    for await (const e of watch) {
      const next = e.operation === 'PUT' ? parseOffset(e.string()) : 0;
      if (next === offsetMs) continue;
      offsetMs = next;
      for (const l of listeners) l();
    }
  })().catch(() => undefined);
  return {
    now: () => new Date(Date.now() + offsetMs),
    onJump: (l) => void listeners.push(l),
  };
}

function parseOffset(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`test clock offset ${JSON.stringify(raw)} in KV key ${TEST_CLOCK.key} is not a number of milliseconds`);
  return n;
}
