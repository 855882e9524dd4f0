import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { subjects, SYSTEM_ACTORS, type DozorEvent, type OnCallReply } from '@dozor/contracts';
import { bootstrap, type RunningDozor } from '@dozor/platform';
import { openDatabase, rebuildProjections } from '@dozor/projections';
import { JsonLogger } from '@dozor/telemetry';
import { eventsOn, inProcessEnv, isolate, type Isolation, oneOfType, poll } from '@dozor/testing';
import { schedulerService, IcalFeeds, ScheduleConfigSync } from './index.js';

const API_TOKEN = 'scheduler-spec-token';

/** 2030-01-07 is a Monday; 10:00Z is 11:00 in Berlin, inside alice's first week. */
const T0 = Date.parse('2030-01-07T10:00:00Z');

const USERS = `users:
  - id: alice
    name: Alice
    email: alice@example.com
  - id: bob
    name: Bob
    email: bob@example.com
  - id: carol
    name: Carol
`;

const PRIMARY = `  - id: primary
    name: Primary
    time_zone: Europe/Berlin
    rotations:
      - id: weekdays
        type: rolling_users
        frequency: weekly
        start: "2030-01-07T09:00:00"
        duration: 9h
        by_day: [MO, TU, WE, TH, FR]
        week_start: MO
        rolling_users: [[alice], [bob]]
    overrides:
      - id: carol-lunch
        start: "2030-01-09T12:00:00"
        end: "2030-01-09T14:00:00"
        users: [carol]
`;

function config(dir: string, schedules: string, name = 'dozor.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, `${USERS}schedules:\n${schedules}`);
  return file;
}

const envOf = (iso: Isolation, configFile: string) => inProcessEnv(iso, { DOZOR_CONFIG: configFile, DOZOR_API_TOKEN: API_TOKEN });

async function scheduleEvents(node: RunningDozor, id: string): Promise<DozorEvent[]> {
  return await eventsOn(node.store, subjects.of(node.store.topology, 'schedule', id));
}

function client(node: RunningDozor) {
  const call = async (method: string, path: string, body?: unknown, token: string | null = API_TOKEN) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${node.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read arbitrary JSON answers
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: r.status, json, text, type: r.headers.get('content-type') ?? '' };
  };
  return {
    get: (path: string, token?: string | null) => call('GET', path, undefined, token),
    post: (path: string, body?: unknown) => call('POST', path, body ?? {}),
    del: (path: string) => call('DELETE', path),
    onCall: async (schedule: string, at: string) => {
      return node.store.requests.request<OnCallReply>(subjects.onCallQuery(node.store.topology), { schedule, at });
    },
  };
}

describe('schedule configuration events', () => {
  const iso = isolate('schcfg');
  const nodes: RunningDozor[] = [];
  const start = async (file: string) => {
    const n = await bootstrap([schedulerService], { env: envOf(iso, file), clock: () => new Date(T0) });
    nodes.push(n);
    return n;
  };

  afterAll(async () => {
    for (const n of nodes) await n.close();
    await iso.cleanup();
  });

  it('two replicas starting together append each definition once', async () => {
    const file = config(
      iso.dir,
      `${PRIMARY}  - id: secondary\n    rotations:\n      - { id: r, frequency: daily, start: "2030-01-01T00:00:00", duration: 1d, users: [carol] }\n`,
    );
    const [a] = await Promise.all([start(file), start(file)]);
    for (const id of ['primary', 'secondary']) {
      const events = await scheduleEvents(a!, id);
      expect(events).toHaveLength(1);
      const e = oneOfType(events, 'ScheduleConfigured');
      expect(e.data).toMatchObject({ scheduleId: id, change: 'created', origin: file });
      expect(e.data.definitionSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(e.metadata.actor).toEqual(SYSTEM_ACTORS.config);
      expect(e.metadata.source).toBe('cli');
    }
  });

  it('a restart with the same config appends nothing; racing syncs append nothing', async () => {
    const file = join(iso.dir, 'dozor.yaml');
    const c = await start(file);
    const sync = c.app.get(ScheduleConfigSync);
    expect(await Promise.all([sync.sync(), nodes[0]!.app.get(ScheduleConfigSync).sync()])).toEqual([0, 0]);
    expect(await scheduleEvents(c, 'primary')).toHaveLength(1);
  });

  it('a changed definition is appended once, a dropped schedule is recorded as removed, and old replicas serve the new definition', async () => {
    const changed = PRIMARY.replace('users: [carol]\n', 'users: [bob]\n');
    const file = config(iso.dir, changed, 'dozor-v2.yaml');
    const [d] = await Promise.all([start(file), start(file)]);
    const primary = await scheduleEvents(d!, 'primary');
    expect(primary.map((e) => e.type)).toEqual(['ScheduleConfigured', 'ScheduleConfigured']);
    expect(primary[1]!.data).toMatchObject({ change: 'updated', origin: file });
    expect((await scheduleEvents(d!, 'secondary')).map((e) => e.type)).toEqual(['ScheduleConfigured', 'ScheduleRemoved']);
    // A replica still running the old file answers from the log: bob has the override now.
    const old = client(nodes[0]!);
    const lunch = await old.get('/api/v1/schedules/primary/final_shifts?start_date=2030-01-09T11:00:00Z&end_date=2030-01-09T13:00:00Z');
    expect(lunch.json.results.map((r: { user_pk: string }) => r.user_pk)).toEqual(['bob']);
  });
});

describe('scheduler service', () => {
  const iso = isolate('sched');
  let now = T0;
  let a: RunningDozor;
  let b: RunningDozor;
  let feed: Server;
  let feedUrl = '';
  let served: { status: number; body: string } = { status: 404, body: 'not yet' };
  let feedRequests = 0;
  const liveCalendar = (user: string) =>
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//spec//EN',
      'BEGIN:VEVENT',
      `UID:live-${user}`,
      'DTSTAMP:20300101T000000Z',
      'DTSTART:20300107T000000Z',
      'DTEND:20300108T000000Z',
      `SUMMARY:${user}`,
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
  let live = liveCalendar('alice');

  beforeAll(async () => {
    feed = createServer((req, res) => {
      if (req.url === '/live.ics') return void res.writeHead(200, { 'content-type': 'text/calendar' }).end(live);
      feedRequests++;
      res.writeHead(served.status, { 'content-type': 'text/calendar' }).end(served.body);
    });
    await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
    feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/private-s3cret/basic.ics`;
    writeFileSync(
      join(iso.dir, 'team.ics'),
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//spec//EN',
        'BEGIN:VEVENT',
        'UID:file-1',
        'DTSTAMP:20300101T000000Z',
        'DTSTART:20300108T000000Z',
        'DTEND:20300108T060000Z',
        'SUMMARY:[L1] bob',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:file-2',
        'DTSTAMP:20300101T000000Z',
        'DTSTART:20300108T060000Z',
        'DTEND:20300108T080000Z',
        'SUMMARY:nobody-we-know',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
    const file = config(
      iso.dir,
      `${PRIMARY}  - id: mirror
    name: Mirror
    type: ical
    ical_url: ${feedUrl}
    ical_refresh_interval: 1h
  - id: from-file
    type: ical
    ical_file: team.ics
  - id: live
    type: ical
    ical_url: ${feedUrl.replace(/\/private-s3cret\/basic\.ics$/, '/live.ics')}
    ical_refresh_interval: 1s
`,
    );
    const opts = { env: envOf(iso, file), clock: () => new Date(now) };
    [a, b] = await Promise.all([bootstrap([schedulerService], opts), bootstrap([schedulerService], opts)]);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await new Promise((r) => feed?.close(r));
    await iso.cleanup();
  });

  describe('REST', () => {
    it('needs the API token', async () => {
      expect((await client(a).get('/api/v1/schedules', null)).status).toBe(401);
      const wrong = await client(a).get('/api/v1/schedules', 'nope');
      expect(wrong.status).toBe(401);
      expect(wrong.json).toEqual({ detail: 'Invalid token.' });
      expect((await client(a).get('/api/v1/schedules', `Bearer ${API_TOKEN}`)).status).toBe(200);
    });

    it('lists schedules in Grafana OnCall’s shape with on_call_now', async () => {
      const r = await client(a).get('/api/v1/schedules/');
      expect(r.status).toBe(200);
      expect(Object.keys(r.json)).toEqual(['count', 'next', 'previous', 'results', 'current_page_number', 'page_size', 'total_pages']);
      expect(r.json.results.map((s: { id: string }) => s.id)).toEqual(['primary', 'mirror', 'from-file', 'live']);
      expect(r.json.results[0]).toEqual({
        id: 'primary',
        name: 'Primary',
        type: 'calendar',
        team_id: null,
        time_zone: 'Europe/Berlin',
        on_call_now: ['alice'],
        shifts: ['weekdays', 'carol-lunch'],
        ical_url_overrides: null,
        enable_web_overrides: false,
        slack: null,
      });
      // The private part of an iCal URL is never shown (nor written to the log).
      expect(r.json.results[1]).toMatchObject({
        id: 'mirror',
        type: 'ical',
        ical_url_primary: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/…$/),
        ical_url_overrides: null,
      });
      expect(JSON.stringify(await scheduleEvents(a, 'mirror'))).not.toContain('s3cret');
      expect((await client(a).get('/api/v1/schedules?name=Mirror')).json.results.map((s: { id: string }) => s.id)).toEqual(['mirror']);
    });

    it('shows one schedule, 404 for an unknown one', async () => {
      const r = await client(a).get('/api/v1/schedules/primary');
      expect(r.json).toMatchObject({ id: 'primary', on_call_now: ['alice'] });
      const missing = await client(a).get('/api/v1/schedules/nope');
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ detail: 'Not found.' });
    });

    it('returns final shifts per user, OnCall’s shape, end date exclusive', async () => {
      const r = await client(a).get('/api/v1/schedules/primary/final_shifts?start_date=2030-01-09&end_date=2030-01-10');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ count: 3, next: null, previous: null, current_page_number: 1, page_size: 50, total_pages: 1 });
      expect(r.json.results).toEqual([
        {
          user_pk: 'alice',
          user_email: 'alice@example.com',
          user_username: 'Alice',
          shift_start: '2030-01-09T08:00:00.000Z',
          shift_end: '2030-01-09T11:00:00.000Z',
        },
        { user_pk: 'carol', user_email: null, user_username: 'Carol', shift_start: '2030-01-09T11:00:00.000Z', shift_end: '2030-01-09T13:00:00.000Z' },
        {
          user_pk: 'alice',
          user_email: 'alice@example.com',
          user_username: 'Alice',
          shift_start: '2030-01-09T13:00:00.000Z',
          shift_end: '2030-01-09T17:00:00.000Z',
        },
      ]);
      const week2 = await client(a).get('/api/v1/schedules/primary/final_shifts?start_date=2030-01-14&end_date=2030-01-15');
      expect(week2.json.results.map((x: { user_pk: string }) => x.user_pk)).toEqual(['bob']);
      expect((await client(a).get('/api/v1/schedules/primary/final_shifts?start_date=2030-01-09')).status).toBe(400);
      expect((await client(a).get('/api/v1/schedules/primary/final_shifts?start_date=2030-01-09&end_date=2030-01-01')).json.detail).toMatch(
        /greater than or equal/,
      );
      expect((await client(a).get('/api/v1/schedules/primary/final_shifts?start_date=2030-01-01&end_date=2031-06-01')).status).toBe(400);
    });

    it('finds gaps and empty shifts over the next 30 days', async () => {
      const r = await client(a).get('/api/v1/schedules/primary/gaps');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        schedule: 'primary',
        start: '2030-01-07T10:00:00.000Z',
        end: '2030-02-06T10:00:00.000Z',
        has_gaps: true,
        has_empty_shifts: false,
      });
      expect(r.json.gaps[0]).toEqual({ start: '2030-01-07T17:00:00.000Z', end: '2030-01-08T08:00:00.000Z' });
      const file = await client(a).get('/api/v1/schedules/from-file/gaps?days=2');
      expect(file.json.empty_shifts).toEqual([
        { start: '2030-01-08T06:00:00.000Z', end: '2030-01-08T08:00:00.000Z', source: { kind: 'single', id: 'file-2', level: 0 } },
      ]);
      expect((await client(a).get('/api/v1/schedules/primary/gaps?days=0')).status).toBe(400);
    });

    it('lists on-call shifts in OnCall’s shape, filtered by schedule', async () => {
      const r = await client(a).get('/api/v1/on_call_shifts?schedule_id=primary');
      expect(r.json.count).toBe(2);
      expect(r.json.results[0]).toEqual({
        id: 'weekdays',
        schedule_id: 'primary',
        team_id: null,
        name: 'weekdays',
        type: 'rolling_users',
        time_zone: 'Europe/Berlin',
        level: 0,
        start: '2030-01-07T09:00:00',
        duration: 32400,
        rotation_start: '2030-01-07T09:00:00',
        frequency: 'weekly',
        interval: 1,
        until: null,
        week_start: 'MO',
        by_day: ['MO', 'TU', 'WE', 'TH', 'FR'],
        by_month: null,
        by_monthday: null,
        rolling_users: [['alice'], ['bob']],
        start_rotation_from_user_index: 0,
      });
      expect(r.json.results[1]).toMatchObject({ id: 'carol-lunch', type: 'override', users: ['carol'], duration: 7200, shift_swap: null });
      expect((await client(a).get('/api/v1/on_call_shifts/carol-lunch')).json.type).toBe('override');
      expect((await client(a).get('/api/v1/on_call_shifts/nothing')).status).toBe(404);
    });
  });

  describe('on-call RPC', () => {
    it('answers from the effective schedule, iCal files included', async () => {
      const rpc = client(a);
      expect(await rpc.onCall('primary', '2030-01-07T10:00:00Z')).toEqual({ ok: true, schedule: 'primary', users: ['alice'] });
      expect(await rpc.onCall('primary', '2030-01-09T12:00:00Z')).toMatchObject({ users: ['carol'] });
      expect(await rpc.onCall('primary', '2030-01-15T12:00:00Z')).toMatchObject({ users: ['bob'] });
      expect(await rpc.onCall('primary', '2030-01-12T12:00:00Z')).toMatchObject({ users: [] });
      expect(await rpc.onCall('from-file', '2030-01-08T01:00:00Z')).toMatchObject({ users: ['bob'] });
      expect(await rpc.onCall('nope', '2030-01-08T01:00:00Z')).toMatchObject({ ok: false, code: 'not_found' });
    });
  });

  describe('shift swaps', () => {
    let swapId = '';

    it('a request is validated: known users, future interval, beneficiary on call', async () => {
      const c = client(a);
      const bad = async (body: Record<string, unknown>) => (await c.post('/api/v1/shift_swaps', body)).json.detail as string;
      const ok = { schedule: 'primary', beneficiary: 'alice', swap_start: '2030-01-08T08:00:00Z', swap_end: '2030-01-08T17:00:00Z' };
      expect(await bad({ ...ok, schedule: 'nope' })).toMatch(/does not exist/);
      expect(await bad({ ...ok, beneficiary: 'mallory' })).toMatch(/not a user/);
      expect(await bad({ ...ok, swap_start: '2030-01-01T00:00:00Z' })).toMatch(/future/);
      expect(await bad({ ...ok, swap_end: '2030-01-08T07:00:00Z' })).toMatch(/after swap_start/);
      expect(await bad({ ...ok, beneficiary: 'bob' })).toMatch(/bob is not on call/);
      expect(await bad({ ...ok, swap_start: 'tomorrow' })).toMatch(/ISO 8601/);
    });

    it('a user asks, another takes, and the override is in effect on every replica', async () => {
      const c = client(a);
      const created = await c.post('/api/v1/shift_swaps/', {
        schedule: 'primary',
        beneficiary: 'alice',
        swap_start: '2030-01-08T08:00:00Z',
        swap_end: '2030-01-08T17:00:00Z',
        description: 'Dentist',
      });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        schedule: 'primary',
        beneficiary: 'alice',
        benefactor: null,
        status: 'open',
        description: 'Dentist',
        swap_start: '2030-01-08T08:00:00.000Z',
        swap_end: '2030-01-08T17:00:00.000Z',
      });
      expect(created.json.shifts).toEqual([
        expect.objectContaining({
          start: '2030-01-08T08:00:00.000Z',
          end: '2030-01-08T17:00:00.000Z',
          is_override: false,
          users: [{ pk: 'alice', display_name: 'Alice', email: 'alice@example.com' }],
        }),
      ]);
      swapId = created.json.id;
      expect(swapId).toMatch(/^SSR[A-Z2-7]+$/);
      expect((await client(b).get('/api/v1/shift_swaps?open_only=true')).json.results.map((w: { id: string }) => w.id)).toEqual([swapId]);

      expect((await c.post(`/api/v1/shift_swaps/${swapId}/take`, { benefactor: 'alice' })).json.detail).toMatch(/cannot be the beneficiary/);
      const taken = await client(b).post(`/api/v1/shift_swaps/${swapId}/take`, { benefactor: 'bob' });
      expect(taken.status).toBe(200);
      expect(taken.json).toMatchObject({ id: swapId, status: 'taken', benefactor: 'bob' });
      expect(taken.json.shifts).toEqual([
        expect.objectContaining({ is_override: true, users: [{ pk: 'bob', display_name: 'Bob', email: 'bob@example.com' }] }),
      ]);
      const again = await c.post(`/api/v1/shift_swaps/${swapId}/take`, { benefactor: 'carol' });
      expect(again.status).toBe(409);
      expect(again.json.detail).toMatch(/taken/);

      for (const node of [a, b]) {
        expect(await client(node).onCall('primary', '2030-01-08T12:00:00Z')).toMatchObject({ users: ['bob'] });
        const day = await client(node).get('/api/v1/schedules/primary/final_shifts?start_date=2030-01-08&end_date=2030-01-09');
        expect(day.json.results.map((x: { user_pk: string }) => x.user_pk)).toEqual(['bob']);
      }
      const shifts = await c.get('/api/v1/on_call_shifts?schedule_id=primary');
      expect(shifts.json.results.find((s: { shift_swap: string | null }) => s.shift_swap === swapId)).toMatchObject({
        type: 'override',
        users: ['bob'],
        start: '2030-01-08T08:00:00.000Z',
        duration: 32400,
      });
      expect((await c.get(`/api/v1/shift_swaps?benefactor=bob`)).json.results).toEqual([expect.objectContaining({ id: swapId, status: 'taken' })]);
    });

    it('two users taking one request at once: one wins', async () => {
      const created = await client(a).post('/api/v1/shift_swaps', {
        schedule: 'primary',
        beneficiary: 'alice',
        swap_start: '2030-01-10T08:00:00Z',
        swap_end: '2030-01-10T12:00:00Z',
      });
      const id = created.json.id as string;
      const [x, y] = await Promise.all([
        client(a).post(`/api/v1/shift_swaps/${id}/take`, { benefactor: 'bob' }),
        client(b).post(`/api/v1/shift_swaps/${id}/take`, { benefactor: 'carol' }),
      ]);
      expect([x.status, y.status].sort()).toEqual([200, 409]);
      const events = (await scheduleEvents(a, 'primary')).filter((e) => e.type === 'ShiftSwapTaken' && e.data.swapId === id);
      expect(events).toHaveLength(1);
      expect(await client(b).onCall('primary', '2030-01-10T10:00:00Z')).toMatchObject({ users: [x.status === 200 ? 'bob' : 'carol'] });
      expect((await client(a).del(`/api/v1/shift_swaps/${id}`)).status).toBe(204);
    });

    it('deleting a taken swap puts the schedule back; a request past its start is past due', async () => {
      expect((await client(a).del(`/api/v1/shift_swaps/${swapId}`)).status).toBe(204);
      expect((await client(a).get(`/api/v1/shift_swaps/${swapId}`)).status).toBe(404);
      expect(await client(b).onCall('primary', '2030-01-08T12:00:00Z')).toMatchObject({ users: ['alice'] });
      const late = await client(a).post('/api/v1/shift_swaps', {
        schedule: 'primary',
        beneficiary: 'alice',
        swap_start: '2030-01-11T08:00:00Z',
        swap_end: '2030-01-11T10:00:00Z',
      });
      now = Date.parse('2030-01-11T09:00:00Z');
      try {
        expect((await client(a).get(`/api/v1/shift_swaps/${late.json.id}`)).json.status).toBe('past_due');
        const r = await client(a).post(`/api/v1/shift_swaps/${late.json.id}/take`, { benefactor: 'bob' });
        expect(r.status).toBe(409);
        expect(r.json.detail).toMatch(/past due/);
      } finally {
        now = T0;
      }
    });

    it('every step is an audit entry with actor, source and time', async () => {
      const quiet = new JsonLogger('projections', 'error', () => undefined);
      const db = await openDatabase({ DATABASE_URL: iso.databaseUrl }, { logger: quiet });
      try {
        await rebuildProjections(a.store, db.dataSource, { logger: quiet });
        const rows = (await db.dataSource.query(
          `SELECT action, actor, source, target_type, target_id, details, occurred_at FROM audit_log WHERE target_id = 'primary' ORDER BY seq, idx`,
        )) as {
          action: string;
          actor: { kind: string; id: string };
          source: string;
          target_type: string;
          details: Record<string, unknown>;
          occurred_at: Date;
        }[];
        expect(rows.map((r) => r.action)).toEqual([
          'schedule_configured',
          'shift_swap_requested',
          'shift_swap_taken',
          'shift_swap_requested',
          'shift_swap_taken',
          'shift_swap_deleted',
          'shift_swap_deleted',
          'shift_swap_requested',
        ]);
        expect(rows[0]).toMatchObject({ actor: SYSTEM_ACTORS.config, source: 'cli', target_type: 'schedule', details: { change: 'created' } });
        expect(rows[1]).toMatchObject({ actor: { kind: 'user', id: 'alice' }, source: 'api', details: { swapId, beneficiary: 'alice' } });
        expect(rows[2]).toMatchObject({ actor: { kind: 'user', id: 'bob' }, source: 'api', details: { swapId, benefactor: 'bob' } });
        expect(rows[6]).toMatchObject({ actor: { kind: 'user', id: 'api' }, source: 'api', details: { swapId } });
        expect(rows[0]!.occurred_at.toISOString()).toBe(new Date(T0).toISOString());
      } finally {
        await db.close();
      }
    });
  });

  describe('iCal', () => {
    const exportPath = async (node: RunningDozor, path: string) => {
      const r = await client(node).get(path);
      expect(r.status).toBe(200);
      const u = new URL(r.json.export_url);
      expect(u.searchParams.get('token')).toBe(r.json.token);
      return `${u.pathname}${u.search}`;
    };

    it('exports a schedule at a URL protected by its own token', async () => {
      const path = await exportPath(a, '/api/v1/schedules/primary/export_token');
      expect(path).toMatch(/^\/api\/v1\/schedules\/primary\/export\?token=[A-Za-z0-9_-]{32}$/);
      const r = await client(a).get(path, null);
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^text\/calendar/);
      expect(r.text).toMatch(/^BEGIN:VCALENDAR\r\n/);
      expect(r.text).toContain('SUMMARY:alice\r\n');
      expect(r.text).toContain('SUMMARY:carol\r\n');
      // Both replicas derive the same token; the API token is not an export token; another schedule's token is refused.
      expect((await client(b).get(path, null)).status).toBe(200);
      expect((await client(a).get(`/api/v1/schedules/primary/export?token=${API_TOKEN}`, null)).status).toBe(401);
      expect((await client(a).get('/api/v1/schedules/primary/export', null)).status).toBe(401);
      const mirrorPath = await exportPath(a, '/api/v1/schedules/mirror/export_token');
      expect((await client(a).get(`/api/v1/schedules/primary/export?${mirrorPath.split('?')[1]}`, null)).json).toEqual({ detail: 'Invalid token.' });
      expect((await client(a).get('/api/v1/schedules/primary/export_token', null)).status).toBe(401);
    });

    it('exports one user’s shifts across schedules', async () => {
      const path = await exportPath(a, '/api/v1/users/carol/schedule_export_token');
      expect(path).toMatch(/^\/api\/v1\/users\/carol\/schedule_export\?token=/);
      const r = await client(a).get(path, null);
      expect(r.status).toBe(200);
      expect(r.text).toContain('SUMMARY:carol\r\n');
      expect(r.text).not.toContain('SUMMARY:alice');
      expect((await client(a).get(path.replace('/carol/', '/alice/'), null)).status).toBe(401);
      expect((await client(a).get('/api/v1/users/mallory/schedule_export_token')).status).toBe(404);
    });

    it('round trip through the endpoints: export, import from a URL, same final shifts; a failed fetch keeps the last import', async () => {
      const c = client(a);
      const window = 'start_date=2030-01-07&end_date=2030-01-21';
      const path = await exportPath(a, '/api/v1/schedules/primary/export_token');
      served = { status: 200, body: (await c.get(`${path}&${window}`, null)).text };
      expect(await a.app.get(IcalFeeds).refreshAll('mirror')).toEqual(['imported']);
      // The other replica fetches the same content and appends nothing.
      expect(await b.app.get(IcalFeeds).refreshAll('mirror')).toEqual(['unchanged']);
      expect((await scheduleEvents(a, 'mirror')).filter((e) => e.type === 'ScheduleIcalImported')).toHaveLength(1);

      const finals = async (node: RunningDozor, id: string) => (await client(node).get(`/api/v1/schedules/${id}/final_shifts?${window}`)).json.results;
      const expected = await finals(a, 'primary');
      expect(expected.length).toBeGreaterThan(5);
      expect(await finals(a, 'mirror')).toEqual(expected);
      expect(await finals(b, 'mirror')).toEqual(expected);
      expect(await client(b).onCall('mirror', '2030-01-09T12:30:00Z')).toMatchObject({ users: ['carol'] });

      const before = feedRequests;
      served = { status: 500, body: 'boom' };
      expect(await a.app.get(IcalFeeds).refreshAll('mirror')).toEqual(['failed']);
      served = { status: 200, body: 'this is not a calendar' };
      expect(await a.app.get(IcalFeeds).refreshAll('mirror')).toEqual(['failed']);
      expect(feedRequests).toBe(before + 2);
      expect(await finals(a, 'mirror')).toEqual(expected);
    });

    it('refreshes URL feeds periodically', async () => {
      const imports = async () => (await scheduleEvents(a, 'live')).filter((e) => e.type === 'ScheduleIcalImported').length;
      await poll('the first import', async () => (await imports()) === 1);
      expect(await client(a).onCall('live', '2030-01-07T12:00:00Z')).toMatchObject({ users: ['alice'] });
      live = liveCalendar('bob');
      await poll('the changed calendar', async () => (await imports()) === 2);
      expect(await client(b).onCall('live', '2030-01-07T12:00:00Z')).toMatchObject({ users: ['bob'] });
    });
  });
});
