import { NATS_URL } from './env.js';
import type { Isolation } from './isolate.js';
import { API_TOKEN, TOKEN } from './scenario.js';

/**
 * The environment of Dozor bootstrapped in the test's own process on `iso`:
 * the shared NATS, any free port on 127.0.0.1, the isolation's prefix, errors
 * only in the log, no trace export. `extra` adds to it or overrides it
 * (DOZOR_CONFIG, tokens, DATABASE_URL).
 */
export function inProcessEnv(iso: Isolation, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { NATS_URL, PORT: '0', HOST: '127.0.0.1', DOZOR_SUBJECT_PREFIX: iso.prefix, LOG_LEVEL: 'error', OTEL_TRACES_EXPORTER: 'none', ...extra };
}

/**
 * The environment of `dozor` child processes (DozorProcess) on `iso`, as the
 * scenario runs them: the isolation's prefix and Postgres schema, the
 * scenario's integration and API tokens, the Bot API test server (none for
 * services that never talk to Telegram), no trace export, warnings in the
 * log. `extra` adds to it or overrides it.
 */
export function childProcessEnv(iso: Isolation, telegram: { token: string; apiRoot: string } | null, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NATS_URL,
    DOZOR_SUBJECT_PREFIX: iso.prefix,
    DATABASE_URL: iso.databaseUrl,
    ALERTMANAGER_INTEGRATION_TOKEN: TOKEN,
    DOZOR_API_TOKEN: API_TOKEN,
    ...(telegram && { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot }),
    OTEL_TRACES_EXPORTER: 'none',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}
