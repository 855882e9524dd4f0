import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { NatsConnection } from '@nats-io/transport-node';
import { topology, subjects, SYSTEM_ACTORS } from '@dozor/contracts';
import { EventStore, ExpectedVersion, connectNats } from '@dozor/eventstore';
import { JsonLogger } from '@dozor/telemetry';
import { openDatabase, type Database } from './database.js';
import { runProjector, rebuildProjections, projectorLag, projectorReadiness, readCheckpoint, type RunningProjector } from './projector.js';
import { AlertGroupEntity } from './entities/index.js';
import { NATS_URL, dropSchemas, pgUrlWithSchema, poll } from '@dozor/testing';
import { writeSampleHistory, LogWriter, alice, bob } from './testing/sample-log.js';

const tag = randomBytes(4).toString('hex');

const TABLES: [string, string][] = [
  ['alert_groups', 'id'],
  ['alerts', 'id'],
  ['timeline', 'seq, idx'],
  ['audit_log', 'seq, idx'],
  ['telegram_messages', 'chat_id, message_id'],
  ['projection_checkpoints', 'name'],
];

/** Every row of every table, as Postgres renders it. */
async function dump(ds: DataSource): Promise<string> {
  const out: Record<string, string[]> = {};
  for (const [t, order] of TABLES) {
    const rows = (await ds.query(`SELECT row_to_json(x)::text AS r FROM ${t} x ORDER BY ${order}`)) as { r: string }[];
    out[t] = rows.map((r) => r.r);
  }
  return JSON.stringify(out, null, 1);
}

const logs: string[] = [];
const logger = () => new JsonLogger('projections', 'info', (l) => logs.push(l));

describe('projector on real JetStream and PostgreSQL', () => {
  let nc: NatsConnection;
  let store: EventStore;
  const schemas = { one: `proj_${tag}_one`, replicas: `proj_${tag}_replicas` };
  const dbs: Database[] = [];
  const running: RunningProjector[] = [];
  let one: Database;
  let history: { g1: string; g2: string; g3: string; last: number };

  beforeAll(async () => {
    nc = await connectNats(NATS_URL, 'projections-spec');
    store = await EventStore.open(nc, { topology: topology(`t${tag}`) });
    one = await openDatabase({ DATABASE_URL: pgUrlWithSchema(schemas.one) }, { logger: logger() });
    dbs.push(one);
    history = await writeSampleHistory(store);
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
    for (const d of dbs) await d.close();
    await dropSchemas(Object.values(schemas));
    await store?.deleteStream();
    await nc?.close();
  });

  it('has migrations that match the entities', async () => {
    const pending = await one.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('projects alert groups, alerts, timeline, audit log and Telegram messages', async () => {
    const p = await runProjector(store, one.dataSource, { logger: logger() });
    running.push(p);
    await p.waitFor(history.last);
    expect(await readCheckpoint(one.dataSource)).toBe(history.last);

    const repo = one.dataSource.getRepository(AlertGroupEntity);
    const g1 = await repo.findOneByOrFail({ id: history.g1 });
    expect(g1).toMatchObject({
      state: 'resolved',
      alertsCount: 3,
      title: 'HighLatency',
      integrationId: 'int-am',
      routeId: 'route-default',
      escalationChainId: 'chain-default',
      severity: 'critical',
      resolution: 'action',
      resolvedBy: alice,
      // unresolve dropped bob's acknowledgement; the later resolve did not bring it back
      acknowledgedAt: null,
      acknowledgedBy: null,
      silencedAt: null,
      lastSeq: expect.any(Number),
    });
    expect(g1.resolvedAt).toBeInstanceOf(Date);
    expect(g1.commonLabels).toEqual({ alertname: 'HighLatency', severity: 'critical' });

    const g2 = await repo.findOneByOrFail({ id: history.g2 });
    expect(g2).toMatchObject({ state: 'silenced', silencedUntil: null, silencedBy: bob, alertsCount: 1, escalationChainId: null });
    expect(g2.silencedAt).toBeInstanceOf(Date);

    const g3 = await repo.findOneByOrFail({ id: history.g3 });
    expect(g3).toMatchObject({ state: 'resolved', acknowledgedBy: alice, resolvedBy: bob, resolution: 'action' });
    expect(g3.acknowledgedAt).toBeInstanceOf(Date);

    const alerts = (await one.dataSource.query("SELECT id, status, payload->>'status' AS ps FROM alerts WHERE alert_group_id = $1 ORDER BY seq", [
      history.g1,
    ])) as { status: string; ps: string }[];
    expect(alerts.map((a) => a.status)).toEqual(['firing', 'firing', 'resolved']);
    expect(alerts.map((a) => a.ps)).toEqual(['firing', 'firing', 'resolved']);

    const timeline = (await one.dataSource.query('SELECT event_type, text, source FROM timeline WHERE alert_group_id = $1 ORDER BY seq, idx', [
      history.g1,
    ])) as {
      event_type: string;
      text: string;
    }[];
    expect(timeline.map((t) => t.text)).toEqual([
      'Alert group created on route route-default with escalation chain chain-default',
      'Alert received: firing (1 firing, 0 resolved)',
      'Escalation started: chain chain-default, 2 steps',
      'Step 1: notify alice',
      'Notifying alice',
      'Sent to alice in Telegram',
      'Alert received: firing (1 firing, 0 resolved)',
      'Acknowledged by alice (telegram)',
      'Escalation paused: alert group acknowledged',
      'Unacknowledged by Bob B. (api)',
      'Escalation resumed',
      'Silenced for 1h by alice (telegram)',
      'Acknowledged by Bob B. (api)',
      'Telegram notification to bob failed permanently: 403: bot was blocked by the user',
      'Alert received: resolved (0 firing, 1 resolved)',
      'Resolved by the alert source',
      'Escalation stopped: alert group resolved',
      'Unresolved by alice (telegram)',
      'Resolved by alice (telegram)',
    ]);
    const discarded = (await one.dataSource.query(`SELECT alert_group_id, text FROM timeline WHERE event_type = 'AlertDiscarded'`)) as unknown[];
    expect(discarded).toEqual([{ alert_group_id: null, text: 'Alert discarded: resolved payload for a grouping key that has no alert group' }]);
    const hidden = (await one.dataSource.query(
      `SELECT count(*)::int AS n FROM timeline WHERE event_type IN ('AlertReceived', 'TimerFired', 'EscalationStepScheduled')`,
    )) as { n: number }[];
    expect(hidden[0]!.n).toBe(0);

    const audit = (await one.dataSource.query(
      `SELECT actor_id, source, action, target_type, target_id, details FROM audit_log WHERE target_id = $1 ORDER BY seq, idx`,
      [history.g1],
    )) as unknown[];
    expect(audit).toEqual([
      { actor_id: 'alice', source: 'telegram', action: 'acknowledge', target_type: 'alert_group', target_id: history.g1, details: {} },
      { actor_id: 'bob', source: 'api', action: 'unacknowledge', target_type: 'alert_group', target_id: history.g1, details: {} },
      {
        actor_id: 'alice',
        source: 'telegram',
        action: 'silence',
        target_type: 'alert_group',
        target_id: history.g1,
        details: { until: '2026-11-24T03:00:00.000Z', durationSeconds: 3600 },
      },
      { actor_id: 'bob', source: 'api', action: 'acknowledge', target_type: 'alert_group', target_id: history.g1, details: {} },
      { actor_id: 'router', source: 'system', action: 'resolve', target_type: 'alert_group', target_id: history.g1, details: { by: 'source' } },
      { actor_id: 'alice', source: 'telegram', action: 'unresolve', target_type: 'alert_group', target_id: history.g1, details: {} },
      { actor_id: 'alice', source: 'telegram', action: 'resolve', target_type: 'alert_group', target_id: history.g1, details: { by: 'action' } },
    ]);

    const messages = (await one.dataSource.query(
      'SELECT chat_id, message_id, alert_group_id, user_id, notification_id, shown_state FROM telegram_messages',
    )) as unknown[];
    expect(messages).toEqual([
      { chat_id: '-1001234567890', message_id: '42', alert_group_id: history.g1, user_id: 'alice', notification_id: 'n-1', shown_state: null },
    ]);

    expect(await projectorLag(store, one.dataSource)).toEqual({ name: 'dozor-projections', checkpoint: history.last, head: history.last, lag: 0 });
    expect(await projectorReadiness(store, one.dataSource, { maxLag: 0 })()).toMatchObject({ ok: true });
  });

  it('follows new commits as they are appended', async () => {
    const p = running[0]!;
    const w = new LogWriter(store);
    const g = w.group('live0000live');
    const seq = await g.create('LiveOne');
    await p.waitFor(seq);
    const rows = (await one.dataSource.query('SELECT state, alerts_count FROM alert_groups WHERE id = $1', [g.id])) as unknown[];
    expect(rows).toEqual([{ state: 'firing', alerts_count: 1 }]);
  });

  it('gives with two replicas at once exactly the tables of one projector', async () => {
    const a = await openDatabase({ DATABASE_URL: pgUrlWithSchema(schemas.replicas) }, { logger: logger() });
    const b = await openDatabase({ DATABASE_URL: pgUrlWithSchema(schemas.replicas) }, { logger: logger() });
    dbs.push(a, b);
    const ra = await runProjector(store, a.dataSource, { logger: logger(), batchSize: 3 });
    const rb = await runProjector(store, b.dataSource, { logger: logger(), batchSize: 5 });
    running.push(ra, rb);
    // More history while both run, so that they race on live commits too.
    const w = new LogWriter(store);
    let last = 0;
    for (let i = 0; i < 8; i++) {
      const g = w.group(`race${i}aaaaaaa`);
      await g.create(`Race${i}`);
      await g.repeat(`Race${i}`);
      last = await g.ack(i % 2 ? alice : bob, 'telegram');
    }
    await Promise.all([ra.waitFor(last), rb.waitFor(last), running[0]!.waitFor(last)]);
    expect(await readCheckpoint(a.dataSource)).toBe(last);
    expect(await dump(a.dataSource)).toBe(await dump(one.dataSource));
    const counts = (await a.dataSource.query(
      `SELECT count(*)::int AS n, sum(alerts_count)::int AS alerts FROM alert_groups WHERE id LIKE 'race%'`,
    )) as unknown[];
    expect(counts).toEqual([{ n: 8, alerts: 16 }]);
  });

  it('rebuilds byte-identical tables, while a projector is running', async () => {
    const before = await dump(one.dataSource);
    const r = await rebuildProjections(store, one.dataSource, { logger: logger() });
    expect(r.checkpoint).toBe(await store.lastSeq());
    expect(await dump(one.dataSource)).toBe(before);
    // The running projector carries on after the rebuilt checkpoint.
    const seq = await new LogWriter(store).group('after000rebuild').create('AfterRebuild');
    await running[0]!.waitFor(seq);
    const rows = (await one.dataSource.query('SELECT id FROM alert_groups WHERE id = $1', ['after000rebuild-1'])) as unknown[];
    expect(rows).toHaveLength(1);
  });
});

describe('projector transactions', () => {
  let nc: NatsConnection;
  let store: EventStore;
  let db: Database;
  const schema = `proj_${tag}_tx`;

  beforeAll(async () => {
    nc = await connectNats(NATS_URL, 'projections-spec-tx');
    store = await EventStore.open(nc, { topology: topology(`t${tag}tx`) });
    db = await openDatabase({ DATABASE_URL: pgUrlWithSchema(schema) }, { logger: logger() });
  });

  afterAll(async () => {
    await db?.close();
    await dropSchemas([schema]);
    await store?.deleteStream();
    await nc?.close();
  });

  it('never commits rows without the checkpoint, and retries a failing commit instead of skipping it', async () => {
    const w = new LogWriter(store);
    const good = await w.group('good0000good').create('Good');
    // One commit whose second event cannot be stored (a null title violates NOT NULL):
    // the first event of that commit must not be stored either.
    const subject = subjects.alertGroup(store.topology, 'bad00000bad');
    const created = (id: string, title: string | null) => ({
      type: 'AlertGroupCreated' as const,
      data: {
        alertGroupId: id,
        aggregateKey: 'bad00000bad',
        integrationId: 'int-am',
        groupingKey: 'k',
        routeId: 'r',
        escalationChainId: null,
        title: title as string,
        severity: null,
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        sourceLink: null,
      },
    });
    const poison = await store.append(subject, [created('bad00000bad-1', 'Fine'), created('bad00000bad-2', null)], {
      expected: ExpectedVersion.any,
      actor: SYSTEM_ACTORS.router,
      source: 'system',
    });
    const after = await w.group('late0000late').create('Late');

    const p = await runProjector(store, db.dataSource, { logger: logger(), retryDelayMs: 5, maxRetryDelayMs: 50 });
    try {
      await poll('three failed attempts', () => p.status().failures >= 3);
      expect(p.status().position).toBe(good);
      expect(p.status().lastError).toMatch(/null value in column "title"/);
      expect(await readCheckpoint(db.dataSource)).toBe(good);
      const ids = ((await db.dataSource.query('SELECT id FROM alert_groups ORDER BY id')) as { id: string }[]).map((r) => r.id);
      expect(ids).toEqual(['good0000good-1']);
      const timeline = (await db.dataSource.query('SELECT max(seq)::int AS s FROM timeline')) as { s: number }[];
      expect(timeline[0]!.s).toBeLessThan(poison.seq);
      expect(after).toBeGreaterThan(poison.seq);
      expect(logs.some((l) => l.includes(`applying commits ${poison.seq}..${poison.seq} failed`))).toBe(true);
    } finally {
      await p.stop();
    }
  });
});
