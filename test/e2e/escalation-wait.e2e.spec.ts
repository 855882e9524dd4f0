import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, topology, type DozorEvent } from '@dozor/contracts';
import { EventStore, connectNats } from '@dozor/eventstore';
import {
  ALICE_TG,
  BOB_TG,
  BotApiTestServer,
  type Isolation,
  loadFixture,
  NATS_URL,
  poll,
  TestClock,
  TOKEN,
  writeChainConfig,
  DozorSystem,
  SEPARATE_SERVICES,
} from '@dozor/testing';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * A `wait: 1h` step end to end, without waiting an hour: the services run
 * on the shared test clock (DOZOR_TEST_CLOCK=1), the test moves it forward
 * by an hour, and the escalator's timer worker, in its own process, wakes up
 * and runs the next step.
 */
describe('escalation: notify alice, wait 1h, notify bob', () => {
  let sys: DozorSystem;
  let iso: Isolation;
  let telegram: BotApiTestServer;
  let clock: TestClock;
  let nc: NatsConnection;
  let store: EventStore;
  let ingestUrl = '';

  beforeAll(async () => {
    sys = await DozorSystem.open('ewait');
    ({ iso, telegram } = sys);
    clock = await TestClock.open(iso.prefix);
    nc = await connectNats(NATS_URL, 'escalation-wait-spec');
    store = await EventStore.open(nc, { topology: topology(iso.prefix) });
    const config = writeChainConfig(iso.dir, ['notify_persons: [alice]', 'wait: 1h', 'notify_persons: [bob]']);
    // Separate processes, so the clock is shown to be shared, not per process.
    await sys.start(SEPARATE_SERVICES, { ...TestClock.env, DOZOR_CONFIG: config });
    ingestUrl = sys.proc('ingest').url;
  }, 120_000);

  afterAll(async () => {
    await clock?.close();
    await nc?.close();
    await sys?.stop();
  });

  const dump = () => [...sys.procs.values()].map((p) => `--- ${p.name}\n${p.tail(15)}`).join('\n');
  const escalationEvents = async (): Promise<DozorEvent[]> => {
    const out: DozorEvent[] = [];
    for await (const c of store.replay({ filter: subjects.allOf(store.topology, 'escalation') })) out.push(...c.events);
    return out;
  };

  it('pages bob once the clock has moved an hour', async () => {
    const post = await fetch(`${ingestUrl}/integrations/v1/alertmanager/${TOKEN}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loadFixture('firing-flapping.json').body,
    });
    expect(post.status, dump()).toBe(200);

    await telegram
      .chat(ALICE_TG)
      .expectMessage(/FlappingTest/, { timeoutMs: 30_000 })
      .catch((e) => {
        throw new Error(`${e}\n${dump()}`);
      });
    const scheduled = await poll('the wait step scheduled', async () => (await escalationEvents()).find((e) => e.type === 'EscalationStepScheduled'));
    const dueIn = Date.parse((scheduled.data as { dueAt: string }).dueAt) - clock.now().getTime();
    expect(dueIn).toBeGreaterThan(55 * 60_000);
    expect(telegram.chat(BOB_TG).messages()).toHaveLength(0);

    await clock.advance('1h');

    const toBob = await telegram
      .chat(BOB_TG)
      .expectMessage(/FlappingTest/, { timeoutMs: 30_000 })
      .catch((e) => {
        throw new Error(`${e}\n${dump()}`);
      });
    expect(toBob.text).toMatch(/Flapping test alert/);
    const fired = (await escalationEvents()).filter((e) => e.type === 'TimerFired');
    expect(fired).toHaveLength(1);
  });
});
