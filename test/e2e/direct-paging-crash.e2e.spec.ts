import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, topology, type DozorEvent } from '@dozor/contracts';
import { EventStore, connectNats } from '@dozor/eventstore';
import { API_TOKEN, BOB_TG, DozorProcess, DozorSystem, NATS_URL, poll, SEPARATE_SERVICES, writeChainConfig } from '@dozor/testing';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Direct paging when things go wrong, each service in its own process and
 * two routers: four concurrent retries with one Idempotency-Key open one
 * group and page once;
 * with no router the API says so (503) and records nothing; with the
 * escalator killed (-9) after the page was recorded, a new escalator pages
 * from the log, once, and a retry after that pages no one again.
 */
describe('direct paging: races, a router outage, an escalator kill', () => {
  let sys: DozorSystem;
  let nc: NatsConnection;
  let store: EventStore;

  beforeAll(async () => {
    sys = await DozorSystem.open('dpcrash');
    nc = await connectNats(NATS_URL, 'direct-paging-crash-spec');
    store = await EventStore.open(nc, { topology: topology(sys.iso.prefix) });
    await sys.start(SEPARATE_SERVICES, { DOZOR_CONFIG: writeChainConfig(sys.iso.dir, ['notify_persons: [alice]']) });
    // A second router: the concurrent retries race across replicas.
    sys.procs.set('router#2', await new DozorProcess('router', sys.proc('router').env, 'router#2').start());
  }, 180_000);

  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  const dump = () => [...sys.procs.values()].map((p) => `--- ${p.name}\n${p.tail(20)}`).join('\n');
  const page = async (body: unknown, key: string) => {
    const r = await fetch(`${sys.proc('api').url}/api/v1/escalation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const restart = async (target: string) => {
    const p = await new DozorProcess(target, sys.proc(target).env).start();
    sys.procs.set(target, p);
  };
  const escalationEvents = async (alertGroupId: string): Promise<DozorEvent[]> => {
    const out: DozorEvent[] = [];
    for await (const c of store.replay({ filter: subjects.escalation(store.topology, alertGroupId) })) out.push(...c.events);
    return out;
  };
  const finished = (alertGroupId: string) =>
    poll('the escalation finished', async () => ((await escalationEvents(alertGroupId)).some((e) => e.type === 'EscalationFinished') ? true : null), 60_000);
  const dms = (title: RegExp) =>
    sys.telegram
      .chat(BOB_TG)
      .messages()
      .filter((m) => title.test(m.text ?? '')).length;

  it('concurrent retries with one key, across two routers, open one group and page once', async () => {
    const body = { title: 'Disk full on db-2', users: [{ id: 'bob', important: false }] };
    const replies = await Promise.all([1, 2, 3, 4].map(() => page(body, 'race-db-2')));
    for (const r of replies) expect(r.status, `${JSON.stringify(r.body)}\n${dump()}`).toBe(200);
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const id = [...ids][0] as string;
    await sys.telegram.chat(BOB_TG).expectMessage(/Disk full on db-2/, { timeoutMs: 30_000 });
    await finished(id);
    expect((await escalationEvents(id)).filter((e) => e.type === 'NotificationRequested')).toHaveLength(1);
    expect(dms(/Disk full on db-2/)).toBe(1);
  }, 120_000);

  it('says so with no router, and pages once across an escalator kill -9', async () => {
    const body = { title: 'Payments failing', users: [{ id: 'bob', important: true }] };
    await Promise.all([sys.proc('router').kill9(), sys.proc('router#2').kill9()]);
    const down = await page(body, 'pay-1');
    expect(down.status).toBe(503);
    expect(String(down.body.detail)).toMatch(/No router is answering|did not answer/);
    await restart('router');

    await sys.proc('escalator').kill9();
    const up = await poll('the router answering again', async () => {
      const r = await page(body, 'pay-1');
      return r.status === 200 ? r : null;
    });
    const id = up.body.id as string;
    expect(dms(/Payments failing/)).toBe(0);
    await restart('escalator');
    await sys.telegram
      .chat(BOB_TG)
      .expectMessage(/Payments failing/, { timeoutMs: 60_000 })
      .catch((e) => {
        throw new Error(`${e}\n${dump()}`);
      });
    const retry = await page(body, 'pay-1');
    expect(retry.body.id).toBe(id);
    await finished(id);
    expect((await escalationEvents(id)).filter((e) => e.type === 'NotificationRequested')).toHaveLength(1);
    expect(dms(/Payments failing/)).toBe(1);
  }, 180_000);
});
