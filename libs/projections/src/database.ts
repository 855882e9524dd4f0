import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { DataSource, type Logger as TypeormLogger } from 'typeorm';
import { JsonLogger } from '@dozor/telemetry';
import { PROJECTION_ENTITIES } from './entities/index.js';
import { PROJECTION_MIGRATIONS } from './migrations/index.js';

export interface Database {
  dataSource: DataSource;
  /** Connection URL without password; for PGlite the loopback socket it is served on. */
  url: string;
  /** `postgres` when DATABASE_URL is set, `pglite` for the embedded database. */
  kind: 'postgres' | 'pglite';
  /** Postgres schema the tables live in. */
  schema: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  logger?: JsonLogger;
  /** Connections in the pool. Default 10 for PostgreSQL, 4 for PGlite. */
  poolSize?: number;
  /** Run the committed migrations (default true). */
  migrate?: boolean;
}

/** Session-level advisory lock that serialises migrations across replicas starting at once. */
const MIGRATION_LOCK = 0x646f7a6f; // "dozo"

/**
 * Opens the projection database and runs the committed migrations.
 *
 * - `DATABASE_URL` set: that PostgreSQL. `?schema=NAME` in the URL, or
 *   `DOZOR_DB_SCHEMA`, selects a schema (created when missing); default `public`.
 * - unset: an embedded PGlite in `$DOZOR_DATA_DIR/pglite` (default
 *   `./.dozor/pglite`), served on a random loopback port by pglite-socket and
 *   reached through the ordinary `pg` driver, so the code path is the same.
 */
export async function openDatabase(env: NodeJS.ProcessEnv = process.env, opts: OpenDatabaseOptions = {}): Promise<Database> {
  const log = opts.logger ?? new JsonLogger('projections');
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL, env, opts, log) : openPglite(env, opts, log);
}

async function openPostgres(databaseUrl: string, env: NodeJS.ProcessEnv, opts: OpenDatabaseOptions, log: JsonLogger): Promise<Database> {
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch {
    throw new Error(`DATABASE_URL is not a valid URL (expected postgres://user:password@host:5432/database)`);
  }
  const schema = parsed.searchParams.get('schema') ?? env.DOZOR_DB_SCHEMA ?? 'public';
  parsed.searchParams.delete('schema');
  assertIdentifier(schema, 'database schema');
  const url = parsed.toString();
  const shown = redact(parsed);

  // The schema must exist before TypeORM looks for its migrations table in it.
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    if (schema !== 'public') await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    throw new Error(`cannot connect to PostgreSQL at ${shown}: ${(err as Error).message}. Check DATABASE_URL, or unset it to use the embedded database.`, {
      cause: err,
    });
  } finally {
    await client.end().catch(() => undefined);
  }

  const dataSource = newDataSource({ url, schema, poolSize: opts.poolSize ?? 10, log });
  await initialise(dataSource, opts, log);
  log.info(`projections: using PostgreSQL at ${shown}, schema "${schema}"`, { database: 'postgres', schema });
  return {
    dataSource,
    url: shown,
    kind: 'postgres',
    schema,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

async function openPglite(env: NodeJS.ProcessEnv, opts: OpenDatabaseOptions, log: JsonLogger): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dataDir = join(resolve(env.DOZOR_DATA_DIR ?? join(process.cwd(), '.dozor')), 'pglite');
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // PGlite is one backend session. pglite-socket queues protocol messages and
  // holds other connections back inside a transaction, but outside one the
  // messages of two connections' extended-protocol queries can interleave and
  // clobber the unnamed portal ("portal \"\" cannot be run", seen at start-up
  // with the projector, the timer table and the timer worker all querying).
  // So the pool has one connection: every statement goes through it in turn.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  try {
    await server.start();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  const dataSource = newDataSource({ url, schema: 'public', poolSize: opts.poolSize ?? 1, log });
  const close = async () => {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
  };
  try {
    // One process owns an embedded database, and its pool has one connection: no lock (it would hold that connection).
    await initialise(dataSource, opts, log, false);
  } catch (err) {
    await close();
    throw err;
  }
  log.info(`projections: using embedded PGlite in ${dataDir} (served on ${server.getServerConn()}); set DATABASE_URL to use PostgreSQL`, {
    database: 'pglite',
    dataDir,
  });
  return { dataSource, url, kind: 'pglite', schema: 'public', close };
}

function newDataSource(o: { url: string; schema: string; poolSize: number; log: JsonLogger }): DataSource {
  return new DataSource({
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: PROJECTION_ENTITIES,
    migrations: PROJECTION_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    // Migrations run in initialise(), under an advisory lock, so that replicas
    // starting together do not race each other's CREATE TABLE.
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    synchronize: false,
    installExtensions: false,
    poolSize: o.poolSize,
    // Unqualified names in the projectors' SQL resolve to the chosen schema.
    // A pool wait that never ends would be a deadlock; make it an error instead.
    extra: { connectionTimeoutMillis: 60_000, ...(o.schema === 'public' ? {} : { options: `-c search_path="${o.schema}"` }) },
    logger: new TypeormJsonLogger(o.log),
    maxQueryExecutionTime: 2000,
  });
}

/**
 * TypeORM's messages as JSON lines. Failed statements are logged at debug:
 * whoever ran them gets the error and logs it with its own context (the
 * projector logs every failed transaction).
 */
class TypeormJsonLogger implements TypeormLogger {
  constructor(private readonly out: JsonLogger) {}
  logQuery(): void {}
  logQueryError(error: string | Error, query: string): void {
    this.out.debug(`query failed: ${error instanceof Error ? error.message : error} in ${query.replace(/\s+/g, ' ').slice(0, 300)}`, 'typeorm');
  }
  logQuerySlow(time: number, query: string): void {
    this.out.warn(`slow query (${time} ms): ${query.replace(/\s+/g, ' ').slice(0, 300)}`, 'typeorm');
  }
  logSchemaBuild(message: string): void {
    this.out.debug(message, 'typeorm');
  }
  logMigration(message: string): void {
    this.out.info(message, { context: 'typeorm' });
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.out.warn(String(message), 'typeorm');
    else this.out.debug(String(message), 'typeorm');
  }
}

async function initialise(dataSource: DataSource, opts: OpenDatabaseOptions, log: JsonLogger, advisoryLock = true): Promise<void> {
  await dataSource.initialize();
  if (opts.migrate === false) return;
  if (!advisoryLock) {
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    if (applied.length) log.info(`projections: applied migrations ${applied.map((m) => m.name).join(', ')}`);
    return;
  }
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    if (applied.length) log.info(`projections: applied migrations ${applied.map((m) => m.name).join(', ')}`);
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    throw err;
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
}

function redact(u: URL): string {
  const c = new URL(u.toString());
  if (c.password) c.password = '***';
  return c.toString();
}

function assertIdentifier(s: string, what: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(s)) throw new Error(`invalid ${what} name ${JSON.stringify(s)}: use letters, digits and _`);
}
