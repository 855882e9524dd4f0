#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@dozor/config';
import { EventStore, EventStoreUnavailableError, connectNats } from '@dozor/eventstore';
import { settingsFromEnv } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { openDatabase, rebuildProjections } from '@dozor/projections';
import { parseTargets, start, UsageError } from './services.js';

const USAGE = `Usage:
  dozor [--target=all|ingest,router,scheduler,escalator,telegram-notifier,api] [--config=dozor.yaml]
  dozor config validate [--config=dozor.yaml]
  dozor projections rebuild
  dozor apply -f dozor.yaml [--dry-run]   (not supported yet: validates the file and says so)

Settings come from the environment: NATS_URL, DATABASE_URL (unset: embedded
PGlite in ./.dozor), DOZOR_CONFIG, PORT, TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT,
DOZOR_API_TOKEN, DOZOR_WEBHOOK_ALLOW, OTEL_*. See README.md.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        target: { type: 'string', default: 'all' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        file: { type: 'string', short: 'f' },
        'dry-run': { type: 'boolean' },
      },
    });
  } catch (err) {
    // an unknown option or a missing value: a usage error, not a stack trace
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const configPath = values.config ?? process.env.DOZOR_CONFIG;
  const [cmd, sub] = positionals;
  if (cmd === 'config' && sub === 'validate') {
    const c = loadConfig(configPath ?? 'dozor.yaml');
    console.log(
      `${c.file}: ok (${c.users.length} users, ${c.integrations.length} integrations, ${c.escalationChains.length} escalation chains, ${c.schedules.length} schedules, ${c.webhooks.length} webhooks)`,
    );
    return 0;
  }
  if (cmd === 'projections' && sub === 'rebuild') {
    const settings = settingsFromEnv(process.env);
    const log = new JsonLogger('dozor-cli');
    const nc = await connectNats(settings.natsUrl, 'dozor-cli');
    const store = await EventStore.open(nc, { topology: settings.topology, replicas: settings.streamReplicas, maxAgeMs: settings.eventRetentionMs });
    const db = await openDatabase(process.env, { logger: log });
    try {
      const r = await rebuildProjections(store, db.dataSource, { logger: log });
      console.log(`projections rebuilt: ${r.commits} commits applied, checkpoint ${r.checkpoint}`);
    } finally {
      await db.close();
      await nc.drain();
    }
    return 0;
  }
  if (cmd === 'apply') {
    if (!values.file) throw new UsageError('dozor apply needs -f <file>: the dozor.yaml to apply');
    const c = loadConfig(values.file);
    throw new NotSupportedError(
      `dozor apply is not supported yet: running services read configuration from dozor.yaml when they start, not from the log. ` +
        `${c.file} is valid (${c.users.length} users, ${c.integrations.length} integrations, ${c.escalationChains.length} escalation chains, ` +
        `${c.schedules.length} schedules); to change a running Dozor, point DOZOR_CONFIG at it and restart the services.` +
        (values['dry-run'] ? ' (--dry-run: nothing would be changed either way.)' : ''),
    );
  }
  if (values.file !== undefined || values['dry-run']) throw new UsageError('-f and --dry-run belong to dozor apply');
  if (cmd !== undefined) throw new UsageError(`unknown command ${positionals.join(' ')}`);

  const running = await start(parseTargets(values.target!), { configPath });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return 0;
}

/** A command Dozor names but does not implement yet: exit 69 (EX_UNAVAILABLE) with what to do instead. */
class NotSupportedError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError) console.error(`config error: ${err.message}`);
    else if (err instanceof EventStoreUnavailableError) console.error(`error: ${err.message}`);
    else if (err instanceof UsageError) console.error(`${err.message}\n\n${USAGE}`);
    else if (err instanceof NotSupportedError) console.error(err.message);
    else console.error(err);
    process.exit(err instanceof UsageError ? 64 : err instanceof ConfigError ? 78 : err instanceof NotSupportedError ? 69 : 1);
  },
);
