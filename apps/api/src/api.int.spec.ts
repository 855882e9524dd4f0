import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { subjects, topology, SYSTEM_ACTORS, type Actor, type AlertGroupCommandRequest, type CommandReply, type NewEvent, type Source } from '@dozor/contracts';
import { EventStore, ExpectedVersion, connectNats } from '@dozor/eventstore';
import { openDatabase, rebuildProjections, type Database } from '@dozor/projections';
import { JsonLogger } from '@dozor/telemetry';
import { ApiAuth } from '@dozor/platform';
import { NATS_URL, dropSchemas, openedGroupEvents, pgUrlWithSchema } from '@dozor/testing';
import { ApiModule } from './index.js';

const tag = randomBytes(4).toString('hex');
const TOKEN = 'secret-token-0123456789';
const alice: Actor = { kind: 'user', id: 'alice', name: 'alice' };

/** Appends the history of one alert group. */
async function group(
  store: EventStore,
  key: string,
  o: { integrationId: string; routeId: string; title: string; then?: { events: NewEvent[]; actor: Actor; source: Source }[] },
): Promise<string> {
  const id = `${key}-1`;
  const labels = { alertname: o.title, severity: 'warning' };
  const payload = {
    receiver: 'r',
    status: 'firing' as const,
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://am',
    version: '4',
    groupKey: `{}:{alertname="${o.title}"}`,
    truncatedAlerts: 0,
    alerts: [
      {
        status: 'firing' as const,
        labels,
        annotations: {},
        startsAt: '2026-11-24T00:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://vm/graph',
        fingerprint: 'f1',
      },
    ],
  };
  await store.append(
    subjects.alertGroup(store.topology, key),
    openedGroupEvents(key, {
      payload,
      title: o.title,
      severity: 'warning',
      group: { integrationId: o.integrationId, routeId: o.routeId, escalationChainId: null },
      alert: { alertId: `r-${key}`, firing: ['f1@0'], receivedAt: '2026-11-24T00:00:01.000Z' },
    }),
    { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.router, source: 'system' },
  );
  for (const t of o.then ?? []) {
    const subject = t.events[0]!.type.startsWith('Notification') ? subjects.notification(store.topology, id) : subjects.alertGroup(store.topology, key);
    await store.append(subject, t.events, { expected: ExpectedVersion.any, actor: t.actor, source: t.source });
  }
  return id;
}

/**
 * What the host application provides (Dozor's launcher does the same with a
 * global core module). Decorators are applied as functions: spec files are
 * outside the tsconfig that enables decorator syntax for the transform.
 */
function hostModule(store: EventStore, ds: DataSource, auth: ApiAuth): DynamicModule {
  class HostModule {}
  Global()(HostModule);
  Module({})(HostModule);
  return {
    module: HostModule,
    providers: [
      { provide: EventStore, useValue: store },
      { provide: DataSource, useValue: ds },
      { provide: ApiAuth, useValue: auth },
    ],
    exports: [EventStore, DataSource, ApiAuth],
  };
}

async function startApi(store: EventStore, ds: DataSource, auth: ApiAuth): Promise<NestFastifyApplication> {
  class Root {}
  Module({ imports: [hostModule(store, ds, auth), ApiModule] })(Root);
  // OnCall's documented URLs end in a slash; Nest registers routes without it,
  // so the host's Fastify must be created with routerOptions.ignoreTrailingSlash.
  const adapter = new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true } });
  const app = await NestFactory.create<NestFastifyApplication>(Root, adapter, { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('REST API /api/v1/alert_groups', () => {
  let nc: NatsConnection;
  let store: EventStore;
  let db: Database;
  let app: NestFastifyApplication;
  let responder: Subscription | null = null;
  const schema = `api_${tag}`;
  const requests: AlertGroupCommandRequest[] = [];
  const ids: Record<'firing' | 'acked' | 'resolved' | 'silenced', string> = { firing: '', acked: '', resolved: '', silenced: '' };

  const respond = () => {
    responder = nc.subscribe(subjects.alertGroupCommands(store.topology), {
      callback: (_err, msg) => {
        const req = msg.json<AlertGroupCommandRequest>();
        requests.push(req);
        const fail = (code: Extract<CommandReply, { ok: false }>['code'], message: string) =>
          msg.respond(JSON.stringify({ ok: false, code, message } satisfies CommandReply));
        if (req.alertGroupId.startsWith('slow')) return; // never answers
        if (req.alertGroupId.startsWith('missing')) return fail('not_found', `alert group ${req.alertGroupId} not found`);
        if (req.alertGroupId.startsWith('closed')) return fail('invalid_transition', `${req.alertGroupId} is already resolved`);
        if (req.alertGroupId.startsWith('busy')) return fail('conflict', 'lost the race too often');
        if (req.alertGroupId.startsWith('down')) return fail('unavailable', 'event log unavailable');
        const state = {
          acknowledge: 'acknowledged',
          unacknowledge: 'firing',
          resolve: 'resolved',
          unresolve: 'firing',
          silence: 'silenced',
          unsilence: 'firing',
        }[req.action];
        msg.respond(JSON.stringify({ ok: true, alertGroupId: req.alertGroupId, state, events: ['X'] } satisfies CommandReply));
      },
    });
  };

  const get = (url: string, token: string | null = TOKEN) => app.inject({ method: 'GET', url, headers: token === null ? {} : { authorization: token } });
  const post = (url: string, body?: unknown) =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    nc = await connectNats(NATS_URL, 'api-spec');
    store = await EventStore.open(nc, { topology: topology(`t${tag}api`) });
    const quiet = new JsonLogger('projections', 'error', () => undefined);
    db = await openDatabase({ DATABASE_URL: pgUrlWithSchema(schema) }, { logger: quiet });

    ids.firing = await group(store, 'firingaaaa', {
      integrationId: 'int-am',
      routeId: 'route-a',
      title: 'Firing',
      then: [
        {
          events: [
            {
              type: 'NotificationDispatching',
              data: { alertGroupId: 'firingaaaa-1', notificationId: 'n1', userId: 'alice', chatId: '-1009876543210', attempt: 1, dispatchId: 'd1' },
            },
            {
              type: 'NotificationRetrying',
              data: {
                alertGroupId: 'firingaaaa-1',
                notificationId: 'n1',
                userId: 'alice',
                chatId: '-1009876543210',
                reason: 'Bad Gateway',
                errorCode: 502,
                retryAfterMs: 500,
                attempt: 1,
              },
            },
            {
              type: 'NotificationSent',
              data: {
                alertGroupId: 'firingaaaa-1',
                notificationId: 'n1',
                userId: 'alice',
                channel: 'telegram',
                chatId: '-1009876543210',
                messageId: 77,
                dispatchId: 'd1',
              },
            },
          ],
          actor: SYSTEM_ACTORS.telegram,
          source: 'telegram',
        },
      ],
    });
    ids.acked = await group(store, 'ackedaaaaa', {
      integrationId: 'int-am',
      routeId: 'route-b',
      title: 'Acked',
      then: [{ events: [{ type: 'AlertGroupAcknowledged', data: { alertGroupId: 'ackedaaaaa-1' } }], actor: alice, source: 'telegram' }],
    });
    ids.resolved = await group(store, 'resolvedaa', {
      integrationId: 'int-other',
      routeId: 'route-a',
      title: 'Resolved',
      then: [{ events: [{ type: 'AlertGroupResolved', data: { alertGroupId: 'resolvedaa-1', by: 'source' } }], actor: SYSTEM_ACTORS.router, source: 'system' }],
    });
    ids.silenced = await group(store, 'silencedaa', {
      integrationId: 'int-am',
      routeId: 'route-a',
      title: 'Silenced',
      then: [
        { events: [{ type: 'AlertGroupSilenced', data: { alertGroupId: 'silencedaa-1', until: null, durationSeconds: null } }], actor: alice, source: 'api' },
      ],
    });
    await rebuildProjections(store, db.dataSource, { logger: quiet });

    app = await startApi(store, db.dataSource, new ApiAuth(TOKEN, { commandTimeoutMs: 300 }));
    respond();
    await nc.flush();
  });

  afterAll(async () => {
    responder?.unsubscribe();
    await app?.close();
    await db?.close();
    await dropSchemas([schema]);
    await store?.deleteStream();
    await nc?.close();
  });

  describe('authentication', () => {
    it('answers 401 with a JSON detail without a token or with a wrong one', async () => {
      const none = await get('/api/v1/alert_groups', null);
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({ detail: expect.stringMatching(/Authorization header/) });
      const wrong = await get('/api/v1/alert_groups', 'Bearer nope');
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ detail: 'Invalid token.' });
      expect((await get('/api/v1/alert_groups', `${TOKEN}x`)).statusCode).toBe(401);
    });

    it('takes the token bare, as OnCall does, or as a Bearer token', async () => {
      expect((await get('/api/v1/alert_groups', TOKEN)).statusCode).toBe(200);
      expect((await get('/api/v1/alert_groups', `Bearer ${TOKEN}`)).statusCode).toBe(200);
    });

    it('is off with 503 when no API token is configured', async () => {
      const off = await startApi(store, db.dataSource, new ApiAuth(undefined));
      try {
        const r = await off.inject({ method: 'GET', url: '/api/v1/alert_groups', headers: { authorization: TOKEN } });
        expect(r.statusCode).toBe(503);
        expect(r.json().detail).toMatch(/set DOZOR_API_TOKEN/i);
      } finally {
        await off.close();
      }
    });
  });

  it('answers /api with an index of the API, without a token (/ is the console)', async () => {
    const r = await app.inject({ method: 'GET', url: '/api' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ name: 'Dozor', api: '/api/v1/', routes: expect.arrayContaining(['GET /api/v1/alert_groups/']) });
  });

  describe('GET /api/v1/alert_groups', () => {
    it('serves OnCall’s URLs with a trailing slash', async () => {
      expect((await get('/api/v1/alert_groups/?state=new')).json().results.map((g: { id: string }) => g.id)).toEqual([ids.firing]);
      expect((await get(`/api/v1/alert_groups/${ids.acked}/`)).json().id).toBe(ids.acked);
      expect((await post(`/api/v1/alert_groups/${ids.acked}/resolve/`)).statusCode).toBe(200);
    });

    it('lists in Grafana OnCall’s shape, newest first', async () => {
      const r = await get('/api/v1/alert_groups');
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(Object.keys(body)).toEqual(['count', 'next', 'previous', 'results', 'current_page_number', 'page_size', 'total_pages']);
      expect(body).toMatchObject({ count: 4, next: null, previous: null, current_page_number: 1, page_size: 50, total_pages: 1 });
      expect(body.results.map((g: { id: string }) => g.id)).toEqual([ids.silenced, ids.resolved, ids.acked, ids.firing]);
      const firing = body.results[3];
      expect(firing).toEqual({
        id: ids.firing,
        integration_id: 'int-am',
        team_id: null,
        route_id: 'route-a',
        alerts_count: 1,
        state: 'new',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        resolved_at: null,
        resolved_by: null,
        acknowledged_at: null,
        acknowledged_by: null,
        labels: [
          { key: { id: 'alertname', name: 'alertname' }, value: { id: 'Firing', name: 'Firing' } },
          { key: { id: 'severity', name: 'severity' }, value: { id: 'warning', name: 'warning' } },
        ],
        title: 'Firing',
        permalinks: { slack: null, slack_app: null, telegram: 'https://t.me/c/9876543210/77', web: null },
        silenced_at: null,
        silenced_until: null,
        last_alert: {
          id: 'r-firingaaaa',
          alert_group_id: ids.firing,
          created_at: '2026-11-24T00:00:01.000Z',
          payload: expect.objectContaining({ status: 'firing', groupKey: '{}:{alertname="Firing"}' }),
        },
      });
      const acked = body.results[2];
      expect(acked).toMatchObject({ state: 'acknowledged', acknowledged_by: 'alice', acknowledged_at: expect.any(String) });
      expect(body.results[1]).toMatchObject({ state: 'resolved', resolved_by: null, resolved_at: expect.any(String) });
      expect(body.results[0]).toMatchObject({ state: 'silenced', silenced_at: expect.any(String), silenced_until: null });
    });

    it('filters by state (OnCall names; firing is accepted for new), integration, route and id', async () => {
      const idsOf = async (qs: string) => ((await get(`/api/v1/alert_groups?${qs}`)).json().results as { id: string }[]).map((g) => g.id);
      expect(await idsOf('state=new')).toEqual([ids.firing]);
      expect(await idsOf('state=firing')).toEqual([ids.firing]);
      expect(await idsOf('state=Acknowledged')).toEqual([ids.acked]);
      expect(await idsOf('state=resolved')).toEqual([ids.resolved]);
      expect(await idsOf('state=silenced')).toEqual([ids.silenced]);
      expect(await idsOf('integration_id=int-other')).toEqual([ids.resolved]);
      expect(await idsOf('route_id=route-a&integration_id=int-am')).toEqual([ids.silenced, ids.firing]);
      expect(await idsOf(`id=${ids.acked}`)).toEqual([ids.acked]);
      expect(await idsOf('id=nothing-1')).toEqual([]);
      const bad = await get('/api/v1/alert_groups?state=open');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().detail).toMatch(/state must be one of: new, acknowledged, resolved, silenced/);
    });

    it('paginates with page and perpage, with absolute next and previous links', async () => {
      const p1 = (await get('/api/v1/alert_groups?perpage=3&route_id=')).json();
      expect(p1).toMatchObject({ count: 4, current_page_number: 1, page_size: 3, total_pages: 2, previous: null });
      expect(p1.results).toHaveLength(3);
      expect(p1.next).toBe('http://localhost/api/v1/alert_groups?perpage=3&route_id=&page=2');
      const p2 = (await get('/api/v1/alert_groups?perpage=3&route_id=&page=2')).json();
      expect(p2).toMatchObject({ current_page_number: 2, next: null, previous: 'http://localhost/api/v1/alert_groups?perpage=3&route_id=' });
      expect(p2.results.map((g: { id: string }) => g.id)).toEqual([ids.firing]);
      const beyond = await get('/api/v1/alert_groups?page=3&perpage=3');
      expect(beyond.statusCode).toBe(400);
      expect(beyond.json().detail).toMatch(/^Invalid page: page 3 is past the last page, 2/);
      for (const bad of ['page=0', 'page=-1', 'page=last', 'page=1.5', 'page=abc', 'perpage=abc', 'perpage=0', 'perpage=-5']) {
        const r = await get(`/api/v1/alert_groups?${bad}`);
        expect(r.statusCode, bad).toBe(400);
        expect(r.json().detail, bad).toMatch(new RegExp(`^Invalid ${bad.split('=')[0]}: `));
      }
      expect((await get('/api/v1/alert_groups?perpage=1000')).json().page_size).toBe(100);
      const empty = (await get('/api/v1/alert_groups?id=nothing-1&page=1')).json();
      expect(empty).toEqual({ count: 0, next: null, previous: null, results: [], current_page_number: 1, page_size: 50, total_pages: 1 });
    });

    it('implements every filter of OnCall’s public API: label, started_at, team_id', async () => {
      const idsOf = async (qs: string) => {
        const r = await get(`/api/v1/alert_groups?${qs}`);
        expect(r.statusCode, `${qs}: ${r.body}`).toBe(200);
        return (r.json().results as { id: string }[]).map((g) => g.id);
      };
      const all = [ids.silenced, ids.resolved, ids.acked, ids.firing];
      expect(await idsOf('label=alertname:Firing')).toEqual([ids.firing]);
      expect(await idsOf('label=severity:warning')).toEqual(all);
      expect(await idsOf('label=severity:warning&label=alertname:Acked')).toEqual([ids.acked]);
      expect(await idsOf('label=alertname:Acked&label=alertname:Firing')).toEqual([]);
      expect(await idsOf('label=severity:critical')).toEqual([]);
      expect(await idsOf('started_at=2000-01-01T00:00:00_2100-01-01T00:00:00')).toEqual(all);
      expect(await idsOf('started_at=2099-01-01T00:00:00_2100-01-01T00:00:00')).toEqual([]);
      expect(await idsOf('started_at=2000-01-01T00:00:00_2000-01-01T00:00:00')).toEqual([]);
      expect(await idsOf('team_id=null')).toEqual(all);
      expect(await idsOf('team_id=')).toEqual(all);
      const refused: [string, RegExp][] = [
        ['label=severity', /^Invalid label "severity": expected key:value/],
        ['label=a:b:c', /^Invalid label "a:b:c"/],
        ['started_at=2026-11-24T00:00:00', /^Invalid range value for started_at/],
        ['started_at=2026-11-25T00:00:00_2026-11-24T00:00:00', /^Invalid range value for started_at/],
        ['started_at=2026-02-30T00:00:00_2026-03-01T00:00:00', /^Invalid range value for started_at/],
        ['started_at=2026-11-24_2026-11-25', /^Invalid range value for started_at/],
        ['team_id=TEAM1', /^team_id "TEAM1" is not a team: Dozor has no teams yet/],
        [
          'search=disk',
          /^unknown query parameter "search": alert_groups takes id, route_id, integration_id, label, team_id, started_at, state, page, perpage$/,
        ],
        ['statе=new&foo=1', /^unknown query parameters "statе", "foo"/],
      ];
      for (const [qs, detail] of refused) {
        const r = await get(`/api/v1/alert_groups?${encodeURI(qs)}`);
        expect(r.statusCode, qs).toBe(400);
        expect(r.json().detail, qs).toMatch(detail);
      }
    });

    it('answers the documented list example in OnCall’s shape, key for key', async () => {
      // docs/sources/oncall-api-reference/alertgroups.md (grafana/oncall): the list response and a result's fields
      const body = (await get('/api/v1/alert_groups/')).json();
      expect(Object.keys(body)).toEqual(['count', 'next', 'previous', 'results', 'current_page_number', 'page_size', 'total_pages']);
      const documented = [
        'id',
        'integration_id',
        'route_id',
        'alerts_count',
        'state',
        'created_at',
        'resolved_at',
        'acknowledged_at',
        'acknowledged_by',
        'resolved_by',
        'title',
        'permalinks',
        'silenced_at',
        'last_alert',
      ];
      for (const g of body.results) {
        expect(Object.keys(g)).toEqual(expect.arrayContaining(documented));
        expect(Object.keys(g.permalinks)).toEqual(expect.arrayContaining(['slack', 'telegram']));
        expect(Object.keys(g.last_alert)).toEqual(['id', 'alert_group_id', 'created_at', 'payload']);
      }
    });
  });

  describe('GET /api/v1/alert_groups/:id', () => {
    it('includes the timeline and the alerts', async () => {
      const r = await get(`/api/v1/alert_groups/${ids.acked}`);
      expect(r.statusCode).toBe(200);
      const g = r.json();
      expect(g).toMatchObject({ id: ids.acked, state: 'acknowledged', title: 'Acked', alerts_count: 1 });
      expect(g.timeline).toEqual([
        {
          event: 'AlertGroupCreated',
          text: 'Alert group created on route route-b with no escalation chain',
          actor: SYSTEM_ACTORS.router,
          source: 'system',
          created_at: expect.any(String),
          action: 'Alert group created on route route-b with no escalation chain',
          realm: 'alert_group',
          author: null,
        },
        {
          event: 'AlertAdded',
          text: 'Alert received: firing (1 firing, 0 resolved)',
          actor: SYSTEM_ACTORS.router,
          source: 'system',
          created_at: expect.any(String),
          action: 'Alert received: firing (1 firing, 0 resolved)',
          realm: 'alert_group',
          author: null,
        },
        {
          event: 'AlertGroupAcknowledged',
          text: 'Acknowledged by alice (telegram)',
          actor: alice,
          source: 'telegram',
          created_at: expect.any(String),
          action: 'Acknowledged by alice (telegram)',
          realm: 'alert_group',
          author: 'alice',
        },
      ]);
      expect(g.alerts).toEqual([
        { id: 'r-ackedaaaaa', alert_group_id: ids.acked, created_at: '2026-11-24T00:00:01.000Z', payload: expect.objectContaining({ receiver: 'r' }) },
      ]);
    });

    it('shows every attempt to page a person in the timeline', async () => {
      const r = await get(`/api/v1/alert_groups/${ids.firing}`);
      const tl = r.json().timeline as { event: string; text: string; realm: string }[];
      const attempts = tl.filter((t) => t.realm === 'user_notification');
      expect(attempts.map((t) => t.event)).toEqual(['NotificationDispatching', 'NotificationRetrying', 'NotificationSent']);
      expect(attempts[1]!.text).toBe('Telegram error 502 sending to alice: Bad Gateway; retrying in 500 ms (request 1)');
    });

    it('answers 404 with a detail for an unknown or malformed id', async () => {
      for (const id of ['nothere-1', 'bad%20id']) {
        const r = await get(`/api/v1/alert_groups/${id}`);
        expect(r.statusCode).toBe(404);
        expect(r.json()).toEqual({ detail: 'Not found.' });
      }
    });
  });

  describe('POST actions', () => {
    it('sends the command to the router and answers with the group in the state the router reports', async () => {
      requests.length = 0;
      const r = await post(`/api/v1/alert_groups/${ids.firing}/acknowledge`);
      expect(r.statusCode).toBe(200);
      // The projection has not seen an acknowledgement (nobody appended one): the state comes from the reply.
      expect(r.json()).toMatchObject({ id: ids.firing, state: 'acknowledged', title: 'Firing', alerts_count: 1 });
      expect(r.json().timeline).toBeUndefined();
      expect(requests).toEqual([
        {
          action: 'acknowledge',
          alertGroupId: ids.firing,
          actor: { kind: 'user', id: 'api', name: 'api' },
          source: 'api',
        },
      ]);

      for (const action of ['unacknowledge', 'resolve', 'unresolve', 'unsilence'] as const) {
        const res = await post(`/api/v1/alert_groups/${ids.acked}/${action}`);
        expect(res.statusCode, action).toBe(200);
      }
      expect(requests.map((q) => q.action)).toEqual(['acknowledge', 'unacknowledge', 'resolve', 'unresolve', 'unsilence']);
    });

    it('silences with {"delay": seconds}, -1 meaning forever', async () => {
      requests.length = 0;
      const r = await post(`/api/v1/alert_groups/${ids.firing}/silence`, { delay: 3600 });
      expect(r.statusCode).toBe(200);
      expect(r.json().state).toBe('silenced');
      expect((await post(`/api/v1/alert_groups/${ids.firing}/silence`, { delay: -1 })).statusCode).toBe(200);
      expect((await post(`/api/v1/alert_groups/${ids.firing}/silence`, { delay: '1800' })).statusCode).toBe(200);
      expect(requests.map((q) => [q.action, q.durationSeconds])).toEqual([
        ['silence', 3600],
        ['silence', null],
        ['silence', 1800],
      ]);
      for (const body of [{}, { delay: 0 }, { delay: -5 }, { delay: 'soon' }, { delay: 1.5 }]) {
        const bad = await post(`/api/v1/alert_groups/${ids.firing}/silence`, body);
        expect(bad.statusCode, JSON.stringify(body)).toBe(400);
        expect(bad.json().detail).toMatch(/delay/);
      }
      expect((await post(`/api/v1/alert_groups/${ids.firing}/silence`)).statusCode).toBe(400);
      expect(requests).toHaveLength(3);
    });

    it('maps the router’s refusals to HTTP statuses with the router’s message', async () => {
      const cases: [string, number, RegExp][] = [
        ['missing-1', 404, /missing-1 not found/],
        ['closed-1', 400, /already resolved/],
        ['busy-1', 409, /lost the race/],
        ['down-1', 503, /event log unavailable/],
        ['slow-1', 503, /did not answer within 300 ms/],
      ];
      for (const [id, status, detail] of cases) {
        const r = await post(`/api/v1/alert_groups/${id}/resolve`);
        expect(r.statusCode, id).toBe(status);
        expect(r.json().detail, id).toMatch(detail);
      }
    });

    it('answers 503 when no router is listening', async () => {
      responder?.unsubscribe();
      await nc.flush();
      try {
        const r = await post(`/api/v1/alert_groups/${ids.firing}/acknowledge`);
        expect(r.statusCode).toBe(503);
        expect(r.json().detail).toMatch(/No router is answering/);
      } finally {
        respond();
        await nc.flush();
      }
    });

    it('requires the token for actions too', async () => {
      const r = await app.inject({ method: 'POST', url: `/api/v1/alert_groups/${ids.firing}/acknowledge` });
      expect(r.statusCode).toBe(401);
    });
  });
});
