import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  ALICE_TG,
  API_TOKEN,
  BOB_TG,
  BotApiTestServer,
  DozorProcess,
  type Isolation,
  loadFixture,
  PG_URL,
  poll,
  TestClock,
  TOKEN,
  writeChainConfig,
  DozorSystem,
} from '@dozor/testing';
import { SYSTEM_ACTORS } from '@dozor/contracts';

const SCHEDULE = 'demo-critical-alerts-schedule';
/**
 * How far after the config is written the on-call user changes. Dozor runs on
 * the shared test clock, which the test moves past the boundary, so this only
 * has to be longer than any start-up, never waited out.
 */
const BOUNDARY_AFTER_MS = 30 * 60_000;

/**
 * The seed's chain with a schedule whose on-call user changes at a shift
 * boundary T half an hour ahead on the shared test clock: alice until T, bob
 * from T; the test moves the clock past T. An alert
 * before T reaches alice through `notify_on_call_from_schedule`; an alert with
 * another grouping key after T reaches bob. Every service in one process, with
 * a real Postgres schema.
 */
describe('schedule: the notification goes to whoever is on call at that moment', () => {
  let sys: DozorSystem;
  let iso: Isolation;
  let telegram: BotApiTestServer;
  let dozor: DozorProcess;
  let clock: TestClock;
  let boundary = 0;

  beforeAll(async () => {
    sys = await DozorSystem.open('esch');
    ({ iso, telegram } = sys);
    clock = await TestClock.open(iso.prefix);
    boundary = Math.ceil((Date.now() + BOUNDARY_AFTER_MS) / 1000) * 1000;
    const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const file = writeChainConfig(
      iso.dir,
      [`notify_on_call_from_schedule: ${SCHEDULE}`, 'wait: 1h'],
      `schedules:
  - id: ${SCHEDULE}
    name: Demo critical alerts
    time_zone: UTC
    overrides:
      - id: alice-until-boundary
        start: "${at(boundary - 3_600_000)}"
        end: "${at(boundary)}"
        users: [alice]
      - id: bob-from-boundary
        start: "${at(boundary)}"
        end: "${at(boundary + 3_600_000)}"
        users: [bob]
`,
    );
    await sys.start(['all'], { ...TestClock.env, DOZOR_CONFIG: file });
    dozor = sys.proc('all');
  }, 120_000);

  afterAll(async () => {
    await clock?.close();
    await sys?.stop();
  });

  const dump = () => `--- dozor\n${dozor.tail(20)}`;
  const api = async (path: string) => {
    const r = await fetch(`${dozor.url}${path}`, { headers: { authorization: API_TOKEN } });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const alert = async (fixture: string) => {
    const r = await fetch(`${dozor.url}/integrations/v1/alertmanager/${TOKEN}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loadFixture(fixture).body,
    });
    expect(r.status, dump()).toBe(200);
  };

  it('before the boundary: alice is on call and gets the alert', async () => {
    expect(clock.now().getTime()).toBeLessThan(boundary);
    expect((await api(`/api/v1/schedules/${SCHEDULE}`)).body).toMatchObject({ id: SCHEDULE, on_call_now: ['alice'] });
    await alert('firing-single.json');
    const dm = await telegram
      .chat(ALICE_TG)
      .expectMessage(/AlwaysFiringTest/, { timeoutMs: 20_000 })
      .catch((e) => {
        throw new Error(`${e}\n${dump()}`);
      });
    expect(dm.text).toMatch(/critical/);
    expect(telegram.chat(BOB_TG).messages()).toEqual([]);

    const group = await poll('the alert group in the API', async () => {
      const r = await api('/api/v1/alert_groups');
      return (r.body.results as { id: string; title: string }[] | undefined)?.find((g) => g.title.includes('AlwaysFiringTest'));
    });
    const timeline = await poll('the schedule step in the timeline', async () => {
      const tl = (await api(`/api/v1/alert_groups/${group.id}`)).body.timeline as { event: string; text: string; created_at: string }[] | undefined;
      return tl?.some((t) => t.event === 'NotificationSent') ? tl : null;
    });
    const step = timeline.find((t) => t.event === 'EscalationStepExecuted' && t.text.includes(SCHEDULE));
    expect(step, JSON.stringify(timeline)).toBeDefined();
    expect(step!.text).toMatch(/alice/);
  });

  it('after the boundary: bob is on call and gets an alert with another grouping key', async () => {
    await clock.advance(boundary - clock.now().getTime() + 1000);
    await poll('bob on call', async () => {
      const r = await api(`/api/v1/schedules/${SCHEDULE}`);
      return JSON.stringify(r.body.on_call_now) === '["bob"]';
    });
    await alert('firing-job-instance.json');
    await telegram
      .chat(BOB_TG)
      .expectMessage(/LabToggleTest/, { timeoutMs: 20_000 })
      .catch((e) => {
        throw new Error(`${e}\n${dump()}`);
      });
    expect(
      telegram
        .chat(ALICE_TG)
        .messages()
        .filter((m) => /LabToggleTest/.test(m.text)),
    ).toEqual([]);
    expect(
      telegram
        .chat(BOB_TG)
        .messages()
        .filter((m) => /AlwaysFiringTest/.test(m.text)),
    ).toEqual([]);
  });

  it('the schedule configuration is an event with an audit entry', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      const rows = await poll('the audit row', async () => {
        const r = await c.query(`SELECT action, actor, source, target_id FROM "${iso.schema}".audit_log WHERE target_type = 'schedule' ORDER BY seq, idx`);
        return r.rows.length ? r.rows : null;
      });
      expect(rows).toEqual([{ action: 'schedule_configured', actor: SYSTEM_ACTORS.config, source: 'cli', target_id: SCHEDULE }]);
    } finally {
      await c.end();
    }
  });
});
