import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, type AlertGroupAction, type CommandReply, type DozorEvent } from '@dozor/contracts';
import { decide, evolve, initialState, type AlertGroupAggregate } from '@dozor/domain';
import { bootstrap, type RunningDozor } from '@dozor/platform';
import { ingestService } from '@dozor/ingest';
import { routerService } from '@dozor/router';
import { eventsOn, inProcessEnv, isolate, type Isolation, loadFixture, poll, TOKEN, writeConfig } from '@dozor/testing';

/**
 * Two routers act on one alert group at once. Every action event in the
 * resulting history must be what the decider allows given everything before
 * it, and every accepted command must be in the log exactly once.
 */
describe('two routers, one alert group', () => {
  let iso: Isolation;
  const nodes: RunningDozor[] = [];

  beforeAll(async () => {
    iso = isolate('conc');
    const env = inProcessEnv(iso, { DOZOR_CONFIG: writeConfig(iso.dir), ALERTMANAGER_INTEGRATION_TOKEN: TOKEN });
    nodes.push(await bootstrap([ingestService, routerService], { env }));
    nodes.push(await bootstrap([routerService], { env }));
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await iso?.cleanup();
  });

  it('keeps a consistent history under concurrent commands', async () => {
    const [a] = nodes;
    const r = await fetch(`${a!.url}/integrations/v1/alertmanager/${TOKEN}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loadFixture('firing-flapping.json').body,
    });
    expect(r.status).toBe(200);
    const topo = a!.store.topology;
    const subject = await poll('the alert group', async () => {
      for await (const c of a!.store.replay({ filter: subjects.allOf(topo, 'alert-group') }))
        if (c.events.some((e) => e.type === 'AlertGroupCreated')) return c.subject;
      return null;
    });
    const groupId = (await eventsOn(a!.store, subject)).find((e) => e.type === 'AlertGroupCreated')!.data as {
      alertGroupId: string;
    };

    const actions: AlertGroupAction[] = ['acknowledge', 'unacknowledge', 'silence', 'unsilence', 'resolve', 'unresolve'];
    const replies = await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        const action = actions[i % actions.length]!;
        const req = {
          action,
          alertGroupId: groupId.alertGroupId,
          actor: { kind: 'user', id: `u${i % 2}` },
          source: 'api',
          durationSeconds: action === 'silence' ? 600 : undefined,
        };
        // Requests spread over both routers by the queue group; send from both connections too.
        return nodes[i % 2]!.store.requests.request<CommandReply>(subjects.alertGroupCommands(topo), req, { timeoutMs: 10_000 });
      }),
    );
    const accepted = replies.filter((x) => x.ok);
    expect(accepted.length).toBeGreaterThan(0);
    for (const x of replies) if (!x.ok) expect(['invalid_transition', 'conflict']).toContain(x.code);

    // Replay: each action event must be exactly what decide() yields from the state before it.
    let state: AlertGroupAggregate = initialState();
    let actionEvents = 0;
    const toAction: Partial<Record<DozorEvent['type'], AlertGroupAction>> = {
      AlertGroupAcknowledged: 'acknowledge',
      AlertGroupUnacknowledged: 'unacknowledge',
      AlertGroupResolved: 'resolve',
      AlertGroupUnresolved: 'unresolve',
      AlertGroupSilenced: 'silence',
      AlertGroupUnsilenced: 'unsilence',
    };
    for (const c of await a!.store.readSubject(subject)) {
      for (const e of c.events) {
        const action = toAction[e.type];
        if (action && e.metadata.source === 'api') {
          actionEvents++;
          const d = decide(
            {
              type: 'ActOnAlertGroup',
              action,
              alertGroupId: groupId.alertGroupId,
              actor: e.metadata.actor,
              source: 'api',
              durationSeconds: action === 'silence' ? 600 : undefined,
              now: e.metadata.occurredAt,
            },
            state,
          );
          expect('events' in d, `${e.type} was not allowed at that point`).toBe(true);
          if ('events' in d) expect(d.events.map((x) => x.type)).toEqual([e.type]);
        }
        state = evolve(state, e);
      }
    }
    expect(actionEvents).toBe(accepted.length);
  });
});
