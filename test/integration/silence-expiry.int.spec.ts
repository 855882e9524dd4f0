import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, type CommandReply, type DozorEvent } from '@dozor/contracts';
import { bootstrap, type RunningDozor } from '@dozor/platform';
import { ingestService } from '@dozor/ingest';
import { routerService } from '@dozor/router';
import { escalatorService } from '@dozor/escalator';
import { openDatabase } from '@dozor/projections';
import { eventsOn, inProcessEnv, isolate, type Isolation, loadFixture, poll, TOKEN, writeConfig } from '@dozor/testing';

/** A timed silence ends by itself (a durable timer), and escalation starts over. */
describe('silence expiry', () => {
  let iso: Isolation;
  let dozor: RunningDozor;

  beforeAll(async () => {
    iso = isolate('sil');
    dozor = await bootstrap([ingestService, routerService, escalatorService], {
      env: inProcessEnv(iso, { DOZOR_CONFIG: writeConfig(iso.dir), ALERTMANAGER_INTEGRATION_TOKEN: TOKEN, DATABASE_URL: iso.databaseUrl }),
      openDatabase: (env) => openDatabase(env),
    });
  });
  afterAll(async () => {
    await dozor?.close();
    await iso?.cleanup();
  });

  it('unsilences when the silence ends and restarts escalation', async () => {
    const r = await fetch(`${dozor.url}/integrations/v1/alertmanager/${TOKEN}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loadFixture('firing-single.json').body,
    });
    expect(r.status).toBe(200);
    const t = dozor.store.topology;
    const created = await poll('the group', async () => {
      for await (const c of dozor.store.replay({ filter: subjects.allOf(t, 'alert-group') })) {
        const e = c.events.find((x) => x.type === 'AlertGroupCreated');
        if (e && e.type === 'AlertGroupCreated') return { subject: c.subject, id: e.data.alertGroupId };
      }
      return null;
    });
    await poll('escalation to start', async () => (await dozor.store.readSubject(subjects.escalation(t, created.id))).length > 0);
    const reply = await dozor.store.requests.request<CommandReply>(subjects.alertGroupCommands(t), {
      action: 'silence',
      alertGroupId: created.id,
      actor: { kind: 'user', id: 'alice' },
      source: 'api',
      durationSeconds: 2,
    });
    expect(reply).toMatchObject({ ok: true, state: 'silenced' });

    const groupEvents = async (): Promise<DozorEvent[]> => await eventsOn(dozor.store, created.subject);
    const unsilenced = await poll('the silence to end', async () => (await groupEvents()).find((e) => e.type === 'AlertGroupUnsilenced'), 20_000);
    expect(unsilenced).toMatchObject({ data: { by: 'expired' }, metadata: { source: 'system' } });
    const fired = (await groupEvents()).filter((e) => e.type === 'TimerFired');
    expect(fired).toHaveLength(1);

    const esc = await poll('escalation to restart', async () => {
      const evs = await eventsOn(dozor.store, subjects.escalation(t, created.id));
      return evs.some((e) => e.type === 'EscalationResumed') ? evs : null;
    });
    const types = esc.map((e) => e.type);
    expect(types.indexOf('EscalationPaused')).toBeLessThan(types.indexOf('EscalationResumed'));
    expect(esc.filter((e) => e.type === 'NotificationRequested')).toHaveLength(2);
  });
});
