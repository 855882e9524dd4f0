import { subjects, type AlertGroupCreatedData, type DozorEvent, type Topology } from '@dozor/contracts';
import { loadFixture } from './fixtures.js';
import { poll } from './poll.js';
import { TOKEN } from './scenario.js';

/** Posts an Alertmanager fixture (test/fixtures/alertmanager) to the Alertmanager integration URL; the HTTP status. */
export async function postAlertFixture(baseUrl: string, fixture: string, token = TOKEN): Promise<number> {
  const r = await fetch(`${baseUrl}/integrations/v1/alertmanager/${token}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: loadFixture(fixture).body,
  });
  await r.arrayBuffer();
  return r.status;
}

/** What `firstCreatedGroup` needs of an EventStore. */
export interface Replayer {
  readonly topology: Topology;
  replay(opts: { filter?: string }): AsyncIterable<{ subject: string; events: DozorEvent[] }>;
}

/** Waits for the first AlertGroupCreated of the installation: its alert-group subject and data. */
export async function firstCreatedGroup(store: Replayer, timeoutMs?: number): Promise<{ subject: string; id: string; data: AlertGroupCreatedData }> {
  return poll(
    'an alert group',
    async () => {
      for await (const c of store.replay({ filter: subjects.allOf(store.topology, 'alert-group') })) {
        const e = c.events.find((x) => x.type === 'AlertGroupCreated');
        if (e?.type === 'AlertGroupCreated') return { subject: c.subject, id: e.data.alertGroupId, data: e.data };
      }
      return null;
    },
    timeoutMs,
  );
}
