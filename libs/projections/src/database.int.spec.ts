import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DozorEvent } from '@dozor/contracts';
import { JsonLogger } from '@dozor/telemetry';
import { openDatabase } from './database.js';
import { applyCommit } from './alert-group.projection.js';
import { readCheckpoint } from './projector.js';
import { PROJECTION_MIGRATIONS } from './migrations/index.js';
import { PG_URL, dropSchemas, pgUrlWithSchema } from '@dozor/testing';

const MIGRATION_NAMES = PROJECTION_MIGRATIONS.map((M) => new M().name);
const TABLES = ['alert_groups', 'alerts', 'audit_log', 'projection_checkpoints', 'telegram_messages', 'timeline', 'typeorm_migrations'];

const tag = randomBytes(4).toString('hex');

const meta = (occurredAt: string) => ({
  eventId: `e-${occurredAt}`,
  occurredAt,
  actor: { kind: 'user' as const, id: 'alice', name: 'alice' },
  source: 'telegram' as const,
  causationId: null,
  correlationId: 'c',
  traceparent: null,
});

const created: DozorEvent = {
  type: 'AlertGroupCreated',
  schemaVersion: 1,
  data: {
    alertGroupId: 'pglitekey-1',
    aggregateKey: 'pglitekey',
    integrationId: 'int',
    groupingKey: 'k',
    routeId: 'r',
    escalationChainId: null,
    title: 'Embedded',
    severity: null,
    groupLabels: {},
    commonLabels: { a: 'b\u0000c' },
    commonAnnotations: {},
    sourceLink: null,
  },
  metadata: meta('2026-11-24T01:00:00.000Z'),
};
const acked: DozorEvent = {
  type: 'AlertGroupAcknowledged',
  schemaVersion: 1,
  data: { alertGroupId: 'pglitekey-1' },
  metadata: meta('2026-11-24T01:01:00.000Z'),
};

describe('openDatabase', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });
  const lines: string[] = [];
  const logger = new JsonLogger('projections', 'info', (l) => lines.push(l));

  it('starts an embedded PGlite when DATABASE_URL is unset, runs migrations, and serves pg clients', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dozor-pglite-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));

    const db = await openDatabase({ DOZOR_DATA_DIR: dir }, { logger });
    try {
      expect(db.kind).toBe('pglite');
      expect(db.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(lines.some((l) => l.includes('using embedded PGlite') && l.includes(join(dir, 'pglite')))).toBe(true);
      const migrations = (await db.dataSource.query('SELECT name FROM typeorm_migrations ORDER BY id')) as { name: string }[];
      expect(migrations.map((m) => m.name)).toEqual(MIGRATION_NAMES);
      expect(MIGRATION_NAMES[0]).toBe('InitialSchema1732450000000');

      // The projection SQL runs on PGlite through pg, in a transaction, with concurrent readers.
      await db.dataSource.transaction(async (m) => {
        await applyCommit(m, { subject: 'x.evt.alert-group.pglitekey', seq: 7, events: [created, acked], traceparent: null });
        await m.query(`INSERT INTO projection_checkpoints (name, seq) VALUES ('p', 7)`);
      });
      const [rows, checkpoint] = await Promise.all([
        db.dataSource.query('SELECT id, state, acknowledged_by, common_labels FROM alert_groups') as Promise<unknown[]>,
        readCheckpoint(db.dataSource, 'p'),
      ]);
      expect(rows).toEqual([{ id: 'pglitekey-1', state: 'acknowledged', acknowledged_by: meta('').actor, common_labels: { a: 'bc' } }]);
      expect(checkpoint).toBe(7);

      // Any pg client can connect to the socket, as psql would.
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const r = await c.query('SELECT count(*)::int AS n FROM timeline');
      await c.end();
      expect(r.rows[0].n).toBe(2);
    } finally {
      await db.close();
    }

    // Data survives a restart, and migrations are not applied twice.
    const again = await openDatabase({ DOZOR_DATA_DIR: dir }, { logger });
    try {
      expect(await again.dataSource.query('SELECT count(*)::int AS n FROM typeorm_migrations')).toEqual([{ n: MIGRATION_NAMES.length }]);
      expect(await again.dataSource.query('SELECT state FROM alert_groups')).toEqual([{ state: 'acknowledged' }]);
    } finally {
      await again.close();
    }
  });

  it('creates the schema named in DATABASE_URL or DOZOR_DB_SCHEMA, and keeps unqualified SQL inside it', async () => {
    const s1 = `dbspec_${tag}_url`;
    const s2 = `dbspec_${tag}_env`;
    cleanup.push(() => dropSchemas([s1, s2]));
    const a = await openDatabase({ DATABASE_URL: pgUrlWithSchema(s1) }, { logger });
    const b = await openDatabase({ DATABASE_URL: PG_URL, DOZOR_DB_SCHEMA: s2 }, { logger });
    try {
      expect([a.kind, a.schema, b.schema]).toEqual(['postgres', s1, s2]);
      await a.dataSource.transaction((m) => applyCommit(m, { subject: 's', seq: 1, events: [created], traceparent: null }));
      const tablesOf = async (schema: string) =>
        (
          (await b.dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema])) as {
            table_name: string;
          }[]
        ).map((t) => t.table_name);
      const [t1, t2] = await Promise.all([tablesOf(s1), tablesOf(s2)]);
      expect(t1).toEqual(expect.arrayContaining(TABLES));
      expect(t2).toEqual(t1);
      expect(await a.dataSource.query('SELECT count(*)::int AS n FROM alert_groups')).toEqual([{ n: 1 }]);
      expect(await b.dataSource.query('SELECT count(*)::int AS n FROM alert_groups')).toEqual([{ n: 0 }]);
      expect(lines.some((l) => l.includes(`schema \\"${s1}\\"`))).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('says what to do when PostgreSQL is not reachable', async () => {
    await expect(openDatabase({ DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/x' }, { logger })).rejects.toThrow(
      /cannot connect to PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/x: .*unset it to use the embedded database/,
    );
  });
});
