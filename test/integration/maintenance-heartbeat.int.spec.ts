import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { aggregateKeyOf, subjects, SYSTEM_ACTORS, type DozorEvent, type EventOf } from '@dozor/contracts';
import { evolve, initialState, maintenanceGroupingKey } from '@dozor/domain';
import { start } from '@dozor/dozor';
import type { RunningDozor } from '@dozor/platform';
import { API_TOKEN, eventsOn, inProcessEnv, isolate, type Isolation, loadFixture, PG_URL, poll } from '@dozor/testing';

/**
 * Maintenance and debug mode (REST API and dozor.yaml), their expiry by a
 * durable timer, and heartbeats, end to end in one process: ingest, router,
 * escalator (timer worker) and api (projector, REST) on the real NATS and
 * Postgres. Time is a clock the test moves forward; the timer worker claims
 * with that clock, so "an hour later" takes about a second.
 */
const T = { am: 'mh-am-token-1', hbAm: 'mh-hb-am-token', hbFw: 'mh-hb-fw-token', cfg: 'mh-cfg-token' };
const CONFIG = `
users:
  - id: alice
    telegram_user_id: "4242"
integrations:
  - id: am
    name: Alertmanager
    type: alertmanager
    token: ${T.am}
    routes:
      - id: critical
        filter: '{{ payload.commonLabels.severity == "critical" }}'
        escalation_chain: page
    default_route:
      escalation_chain: page
  - id: hb-am
    name: Heartbeat AM
    type: alertmanager
    token: ${T.hbAm}
    heartbeat: { timeout: 1m }
    routes:
      - id: critical
        filter: '{{ payload.commonLabels.severity == "critical" }}'
        escalation_chain: page
  - id: hb-fw
    name: Heartbeat FW
    type: formatted_webhook
    token: ${T.hbFw}
    heartbeat: { timeout: 1m }
    default_route:
      escalation_chain: page
  - id: cfg
    type: webhook
    token: ${T.cfg}
    maintenance: { mode: maintenance, duration: 1h }
escalation_chains:
  - id: page
    steps:
      - notify_persons: [alice]
`;

describe('maintenance, debug mode and heartbeats, end to end', () => {
  let iso: Isolation;
  let dozor: RunningDozor;
  let offsetMs = 0;
  let n = 0;
  const savedToken = process.env.DOZOR_API_TOKEN;

  beforeAll(async () => {
    iso = isolate('mnt');
    const file = join(iso.dir, 'dozor.yaml');
    writeFileSync(file, CONFIG);
    // The api target reads its token from the process environment (ApiAuth.fromEnv).
    process.env.DOZOR_API_TOKEN = API_TOKEN;
    dozor = await start(['ingest', 'router', 'escalator', 'api'], {
      env: inProcessEnv(iso, { DOZOR_CONFIG: file, DATABASE_URL: iso.databaseUrl, DOZOR_API_TOKEN: API_TOKEN }),
      clock: () => new Date(Date.now() + offsetMs),
    });
  }, 60_000);
  afterAll(async () => {
    await dozor?.close();
    await iso?.cleanup();
    if (savedToken === undefined) delete process.env.DOZOR_API_TOKEN;
    else process.env.DOZOR_API_TOKEN = savedToken;
  });

  const topo = () => dozor.store.topology;
  const events = async (subject: string): Promise<DozorEvent[]> => await eventsOn(dozor.store, subject);
  const groupSubject = (integrationId: string, groupingKey: string) => subjects.alertGroup(topo(), aggregateKeyOf(integrationId, groupingKey));
  const api = async (method: string, path: string, body?: unknown, auth = true) => {
    const r = await fetch(`${dozor.url}${path}`, {
      method,
      headers: { ...(auth ? { authorization: `Bearer ${API_TOKEN}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  /** An Alertmanager fixture, made unique so that dedup never hides it. */
  const postAm = async (fixture: string, token = T.am) => {
    const r = await fetch(`${dozor.url}/integrations/v1/alertmanager/${token}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...loadFixture(fixture).json, dozorTest: ++n }),
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { receipt_id: string }).receipt_id;
  };
  /** Waits until the router decided the receipt; the subject's events and the receipt's group. */
  const decided = async (receiptId: string) =>
    poll(`receipt ${receiptId} decided`, async () => {
      for await (const c of dozor.store.replay({ filter: subjects.allOf(topo(), 'alert-group') })) {
        const e = c.events.find((x) => x.type === 'AlertAdded' && x.data.receiptId === receiptId);
        if (e && e.type === 'AlertAdded') {
          const evs = await events(c.subject);
          const created = evs.find((x): x is EventOf<'AlertGroupCreated'> => x.type === 'AlertGroupCreated' && x.data.alertGroupId === e.data.alertGroupId)!;
          const received = evs.find((x): x is EventOf<'AlertReceived'> => x.type === 'AlertReceived' && x.data.receiptId === receiptId)!;
          return { subject: c.subject, events: evs, created, received, alertGroupId: e.data.alertGroupId };
        }
      }
      return null;
    });
  const escalated = (alertGroupId: string) =>
    poll(`escalation of ${alertGroupId}`, async () => (await events(subjects.escalation(topo(), alertGroupId))).some((e) => e.type === 'EscalationStarted'));
  const integrationEvents = (id: string) => events(subjects.integration(topo(), id));
  const advance = (ms: number) => {
    offsetMs += ms;
  };

  it('dozor.yaml puts an integration in maintenance at start, as an event by the config', async () => {
    const started = await poll('maintenance from config', async () => (await integrationEvents('cfg')).find((e) => e.type === 'IntegrationMaintenanceStarted'));
    expect(started).toMatchObject({
      data: { integrationId: 'cfg', mode: 'maintenance', durationSeconds: 3600, origin: 'config' },
      metadata: { actor: SYSTEM_ACTORS.config, source: 'system' },
    });
    expect((await api('GET', '/api/v1/integrations/cfg/maintenance')).body).toMatchObject({
      id: 'cfg',
      maintenance_mode: 'maintenance',
      maintenance_origin: 'config',
    });
  });

  it('debug mode: groups as usual, escalates nothing, and expires by its durable timer', async () => {
    const on = await api('POST', '/api/v1/integrations/am/maintenance', { mode: 'debug', duration: '1h' });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ id: 'am', maintenance_mode: 'debug', maintenance_origin: 'api' });
    expect(Date.parse(on.body.maintenance_end_at as string) - Date.parse(on.body.maintenance_started_at as string)).toBe(3_600_000);

    const firing = await decided(await postAm('firing-flapping.json'));
    expect(firing.received.data.mode).toMatchObject({ mode: 'debug' });
    expect(firing.created.data).toMatchObject({ routeId: 'default', escalationChainId: null, mode: 'debug' });
    expect(firing.events.find((e) => e.type === 'RouteAssigned')).toMatchObject({
      data: { routeId: 'default', escalationChainId: 'page', escalates: false, suppressedBy: 'debug' },
    });
    const resolved = await decided(await postAm('resolved.json'));
    expect(resolved.alertGroupId).toBe(firing.alertGroupId);
    expect(resolved.events.reduce(evolve, initialState()).current?.resolved).toBe(true);

    advance(3_600_000 + 1000);
    const ended = await poll('debug mode to expire', async () => (await integrationEvents('am')).find((e) => e.type === 'IntegrationMaintenanceEnded'), 20_000);
    expect(ended).toMatchObject({ data: { mode: 'debug', by: 'expired' }, metadata: { source: 'system' } });
    expect((await integrationEvents('am')).filter((e) => e.type === 'TimerFired')).toMatchObject([{ data: { purpose: 'maintenance' } }]);

    const after = await decided(await postAm('firing-single.json'));
    expect(after.received.data.mode).toBeUndefined();
    expect(after.created.data).toMatchObject({ routeId: 'critical', escalationChainId: 'page', mode: null });
    await escalated(after.alertGroupId);
  });

  it('maintenance: every alert in one maintenance group, nothing escalated or resolved; stopping resolves the group', async () => {
    const on = await api('POST', '/api/v1/integrations/am/maintenance', { mode: 1, duration: 10800 });
    expect(on.body).toMatchObject({ maintenance_mode: 'maintenance' });
    const key = maintenanceGroupingKey(on.body.maintenance_id as string);
    const receipts = [await postAm('firing-two-alerts.json'), await postAm('firing-job-instance.json'), await postAm('resolved-job-instance.json')];
    const all = [];
    for (const r of receipts) all.push(await decided(r));
    for (const d of all) {
      expect(d.received.data.groupingKey).toBe(key);
      expect(d.alertGroupId).toBe(all[0]!.alertGroupId);
      expect(d.subject).toBe(groupSubject('am', key));
    }
    const group = all[2]!.events.reduce(evolve, initialState()).current!;
    expect(group).toMatchObject({ alertsCount: 3, resolved: false, escalationChainId: null, mode: 'maintenance', title: 'Maintenance of Alertmanager' });

    const off = await api('DELETE', '/api/v1/integrations/am/maintenance');
    expect(off).toMatchObject({ status: 200, body: { maintenance_mode: null } });
    const closed = await poll('the maintenance group to resolve', async () =>
      (await events(groupSubject('am', key))).find((e) => e.type === 'AlertGroupResolved'),
    );
    expect(closed).toMatchObject({ data: { alertGroupId: group.alertGroupId, by: 'maintenance' } });
    expect(await events(subjects.escalation(topo(), group.alertGroupId))).toEqual([]);

    const back = await decided(await postAm('firing-two-alerts.json'));
    expect(back.received.data.groupingKey).toBe('{}:{alertname="TwoInstancesTest", severity="critical"}');
    await escalated(back.alertGroupId);
  });

  it('the REST API refuses what it cannot do, with a detail', async () => {
    expect(await api('DELETE', '/api/v1/integrations/am/maintenance')).toMatchObject({
      status: 400,
      body: { detail: expect.stringMatching(/not in maintenance or debug mode/) },
    });
    expect(await api('POST', '/api/v1/integrations/am/maintenance', { mode: 'nap', duration: '1h' })).toMatchObject({
      status: 400,
      body: { detail: expect.stringMatching(/mode must be/) },
    });
    expect(await api('POST', '/api/v1/integrations/am/maintenance', { mode: 'debug', duration: '2h' })).toMatchObject({
      status: 400,
      body: { detail: expect.stringMatching(/duration must be one of 1h, 3h, 6h, 12h, 24h, forever/) },
    });
    expect(await api('POST', '/api/v1/integrations/am/maintenance', { mode: 'debug' })).toMatchObject({ status: 400 });
    expect(await api('POST', '/api/v1/integrations/nope/maintenance', { mode: 'debug', duration: '1h' })).toMatchObject({ status: 404 });
    expect((await api('POST', '/api/v1/integrations/am/maintenance', { mode: 'debug', duration: '1h' }, false)).status).toBe(401);
  });

  it('every start, stop and expiry has an audit row with actor and source', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      const rows = await poll('the audit rows', async () => {
        const r = await c.query(
          `SELECT action, target_id, actor_id, source, details FROM "${iso.schema}".audit_log WHERE target_type = 'integration' ORDER BY seq, idx`,
        );
        return r.rows.length >= 5 ? r.rows : null;
      });
      expect(rows.map((r) => [r.target_id, r.action, r.actor_id, r.source])).toEqual(
        expect.arrayContaining([
          ['cfg', 'maintenance_started', 'config', 'system'],
          ['am', 'debug_started', 'api', 'api'],
          ['am', 'debug_expired', 'timer', 'system'],
          ['am', 'maintenance_started', 'api', 'api'],
          ['am', 'maintenance_stopped', 'api', 'api'],
        ]),
      );
    } finally {
      await c.end();
    }
  });

  it('heartbeats (alertmanager): a missed one raises DozorHeartbeatMissing through routing and escalation; the next resolves it', async () => {
    const noHeartbeat = await fetch(`${dozor.url}/integrations/v1/alertmanager/${T.am}/heartbeat/`);
    expect(noHeartbeat.status).toBe(404);
    const beat = await fetch(`${dozor.url}/integrations/v1/alertmanager/${T.hbAm}/heartbeat/`);
    expect(beat.status).toBe(200);
    expect(await beat.json()).toMatchObject({ status: 'ok', next_heartbeat_due_by: expect.any(String) });

    advance(65_000);
    const missed = await poll('the heartbeat to be missed', async () => (await integrationEvents('hb-am')).find((e) => e.type === 'HeartbeatMissed'), 20_000);
    expect(missed).toMatchObject({ data: { integrationId: 'hb-am', incidentId: '1' } });
    const subject = groupSubject('hb-am', '{}:{alertname="DozorHeartbeatMissing"}');
    const created = await poll('the heartbeat alert group', async () =>
      (await events(subject)).find((e): e is EventOf<'AlertGroupCreated'> => e.type === 'AlertGroupCreated'),
    );
    expect(created.data).toMatchObject({
      routeId: 'critical',
      escalationChainId: 'page',
      commonLabels: { alertname: 'DozorHeartbeatMissing', severity: 'critical' },
    });
    await escalated(created.data.alertGroupId);

    const again = await fetch(`${dozor.url}/integrations/v1/alertmanager/${T.hbAm}/heartbeat/`, { method: 'POST' });
    expect(again.status).toBe(200);
    const resolved = await poll('the heartbeat alert to resolve', async () => (await events(subject)).find((e) => e.type === 'AlertGroupResolved'));
    expect(resolved).toMatchObject({ data: { alertGroupId: created.data.alertGroupId, by: 'source' } });
    expect((await integrationEvents('hb-am')).map((e) => e.type)).toEqual(expect.arrayContaining(['HeartbeatMissed', 'HeartbeatRestored']));
    expect((await api('GET', '/api/v1/integrations/hb-am/maintenance')).body).toMatchObject({
      heartbeat: { missing: false, last_heartbeat_time: expect.any(String) },
    });
  });

  it("heartbeats (formatted_webhook): the alert is in the integration's own format", async () => {
    expect((await fetch(`${dozor.url}/integrations/v1/formatted_webhook/${T.hbFw}/heartbeat/`, { method: 'POST' })).status).toBe(200);
    advance(65_000);
    const subject = groupSubject('hb-fw', 'dozor-heartbeat-hb-fw');
    const received = await poll(
      'the heartbeat alert',
      async () => (await events(subject)).find((e): e is EventOf<'AlertReceived'> => e.type === 'AlertReceived'),
      20_000,
    );
    expect(received.data).toMatchObject({
      integrationKind: 'formatted_webhook',
      heartbeat: { status: 'missed' },
      payload: { alert_uid: 'dozor-heartbeat-hb-fw', state: 'alerting', alertname: 'DozorHeartbeatMissing' },
    });
    const created = await poll('the group', async () => (await events(subject)).find((e): e is EventOf<'AlertGroupCreated'> => e.type === 'AlertGroupCreated'));
    expect(created.data).toMatchObject({ routeId: 'default', title: 'DozorHeartbeatMissing: Heartbeat FW' });
    expect((await fetch(`${dozor.url}/integrations/v1/formatted_webhook/${T.hbFw}/heartbeat/`)).status).toBe(200);
    await poll('the heartbeat alert to resolve', async () => (await events(subject)).find((e) => e.type === 'AlertGroupResolved'));
  });
});
