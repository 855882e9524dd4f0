import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

export const TOKEN = 'e2e-integration-token';
export const API_TOKEN = 'e2e-api-token';
export const ALICE_TG = 424242;
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A config like the seed's, with a user whose Telegram id the test controls. */
export function writeConfig(dir: string, extra = ''): string {
  const file = join(dir, 'dozor.yaml');
  writeFileSync(
    file,
    `users:
  - id: alice
    name: alice
    telegram_user_id: "${ALICE_TG}"
integrations:
  - id: alertmanager-main-integration
    type: alertmanager
    token: \${ALERTMANAGER_INTEGRATION_TOKEN}
    routes:
      - id: critical
        filter: '{{ payload.commonLabels.severity == "critical" }}'
        escalation_chain: demo-critical-escalation-chain
    default_route:
      escalation_chain: demo-critical-escalation-chain
escalation_chains:
  - id: demo-critical-escalation-chain
    steps:
      - notify_on_call_from_schedule: demo-critical-alerts-schedule
      - notify_persons: [alice]
      - wait: 1h
      - notify_persons: [alice]
${extra}`,
  );
  return file;
}

export interface Isolation {
  prefix: string;
  dir: string;
  schema: string;
  cleanup(): Promise<void>;
}

/** Unique subjects and stream, a temp folder, and a Postgres schema; cleanup removes them. */
export function isolate(tag: string): Isolation {
  const id = randomBytes(4).toString('hex');
  const prefix = `${tag}${id}`;
  const schema = `${tag}_${id}`;
  return {
    prefix,
    dir: mkdtempSync(join(tmpdir(), `dozor-${tag}-`)),
    schema,
    async cleanup() {
      const nc = await connect({ servers: NATS_URL });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(`${prefix.toUpperCase()}_EVENTS`).catch(() => undefined);
      for (const kv of [`KV_${prefix}-locks`, `KV_${prefix}-limits`]) await jsm.streams.delete(kv).catch(() => undefined);
      await nc.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await c.end();
    },
  };
}

export async function poll<T>(what: string, f: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}
