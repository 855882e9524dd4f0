import { readFileSync } from 'node:fs';
import { topology, type Topology } from '@dozor/contracts';

/** Process settings from the environment. Secrets stay here, never in the log. */
export interface Settings {
  natsUrl: string;
  databaseUrl: string | null;
  configPath: string;
  port: number;
  host: string;
  telegramBotToken: string | null;
  telegramApiRoot: string;
  telegramWebhookSecret: string | null;
  telegramMode: 'polling' | 'webhook' | 'off';
  apiToken: string | null;
  /** Base URL people use to reach Dozor, for links in messages. */
  publicUrl: string;
  bodyLimitBytes: number;
  topology: Topology;
  streamReplicas: number;
  /** 0: keep events forever. */
  eventRetentionMs: number;
  /** Secret that signs Telegram callback data; derived from the bot token when unset. */
  callbackSecret: string;
  /** Key of the iCal export tokens (DOZOR_ICAL_SECRET); the API token is used when unset. */
  icalSecret: string | null;
}

function int(env: NodeJS.ProcessEnv, name: string, def: number): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * A secret from NAME, or from the file named by NAME_FILE (Kubernetes and
 * Docker secrets), trimmed; null when neither is set. Every secret is read
 * here, so each one accepts both forms.
 */
export function secretFromEnv(env: NodeJS.ProcessEnv, name: string): string | null {
  const direct = env[name]?.trim();
  if (direct) return direct;
  const file = env[`${name}_FILE`];
  if (!file) return null;
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch (err) {
    throw new Error(`${name}_FILE=${file} cannot be read: ${(err as Error).message}`);
  }
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: { configPath?: string } = {}): Settings {
  const port = int(env, 'PORT', 8080);
  const botToken = secretFromEnv(env, 'TELEGRAM_BOT_TOKEN');
  const mode = (env.TELEGRAM_MODE ?? (botToken ? 'polling' : 'off')) as Settings['telegramMode'];
  if (!['polling', 'webhook', 'off'].includes(mode)) throw new Error(`TELEGRAM_MODE must be polling, webhook or off, got ${JSON.stringify(mode)}`);
  return {
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    databaseUrl: env.DATABASE_URL || null,
    configPath: overrides.configPath ?? env.DOZOR_CONFIG ?? 'dozor.yaml',
    port,
    host: env.HOST || '0.0.0.0',
    telegramBotToken: botToken,
    telegramApiRoot: env.TELEGRAM_API_ROOT || 'https://api.telegram.org',
    telegramWebhookSecret: secretFromEnv(env, 'TELEGRAM_WEBHOOK_SECRET'),
    telegramMode: mode,
    apiToken: secretFromEnv(env, 'DOZOR_API_TOKEN'),
    publicUrl: (env.DOZOR_PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
    bodyLimitBytes: int(env, 'DOZOR_INGEST_BODY_LIMIT', 1024 * 1024),
    topology: topology(env.DOZOR_SUBJECT_PREFIX || 'dozor', env.DOZOR_STREAM || undefined),
    streamReplicas: int(env, 'DOZOR_STREAM_REPLICAS', 1),
    eventRetentionMs: int(env, 'DOZOR_EVENT_RETENTION_DAYS', 0) * 86_400_000,
    callbackSecret: secretFromEnv(env, 'DOZOR_CALLBACK_SECRET') ?? `dozor-callback:${botToken ?? 'no-bot'}`,
    icalSecret: secretFromEnv(env, 'DOZOR_ICAL_SECRET'),
  };
}
