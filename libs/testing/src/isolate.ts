import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { NATS_URL, PG_URL, pgUrlWithSchema } from './env.js';

export interface Isolation {
  /** Subject prefix (DOZOR_SUBJECT_PREFIX): the stream is `<PREFIX>_EVENTS`. */
  prefix: string;
  stream: string;
  /** A temp folder for config files. */
  dir: string;
  /** A Postgres schema of its own; `databaseUrl` points at it. */
  schema: string;
  databaseUrl: string;
  /** A durable consumer or queue name unique to this test. */
  name(what: string): string;
  cleanup(): Promise<void>;
}

/**
 * Unique names for one test on the shared NATS and Postgres: a subject
 * prefix and stream, consumer names, a temp folder and a schema. cleanup
 * deletes the stream, the KV buckets Dozor makes under the prefix, the schema
 * and the folder.
 */
export function isolate(tag: string): Isolation {
  const id = randomBytes(4).toString('hex');
  const prefix = `${tag}${id}`;
  const schema = `${tag}_${id}`;
  const dir = mkdtempSync(join(tmpdir(), `dozor-${tag}-`));
  return {
    prefix,
    stream: `${prefix.toUpperCase()}_EVENTS`,
    dir,
    schema,
    databaseUrl: pgUrlWithSchema(schema),
    name: (what) => `${what}-${id}`,
    async cleanup() {
      const nc = await connect({ servers: NATS_URL });
      const jsm = await jetstreamManager(nc);
      for (const s of [`${prefix.toUpperCase()}_EVENTS`, `KV_${prefix}-locks`, `KV_${prefix}-limits`, `KV_${prefix}-test-clock`])
        await jsm.streams.delete(s).catch(() => undefined);
      await nc.close();
      await dropSchemas([schema]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Drops Postgres schemas (and everything in them) if they exist. */
export async function dropSchemas(names: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    for (const n of names) await c.query(`DROP SCHEMA IF EXISTS "${n}" CASCADE`);
  } finally {
    await c.end();
  }
}
