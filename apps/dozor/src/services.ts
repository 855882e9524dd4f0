import { bootstrap, TARGETS, type BootstrapOptions, type RunningDozor, type ServiceDefinition, type Target } from '@dozor/platform';
import { ingestService } from '@dozor/ingest';
import { routerService } from '@dozor/router';
import { schedulerService } from '@dozor/scheduler';
import { escalatorService } from '@dozor/escalator';
import { telegramNotifierService } from '@dozor/telegram-notifier';
import { apiService } from '@dozor/api';
import { openDatabase } from '@dozor/projections';

/**
 * The launcher composes the service apps: it is the one app that may import
 * another (tools/check-boundaries.mjs enforces it). Each service brings its
 * own module, consumers, request subjects and start hook.
 */
export const SERVICES: Record<Target, ServiceDefinition> = {
  ingest: ingestService,
  router: routerService,
  scheduler: schedulerService,
  escalator: escalatorService,
  'telegram-notifier': telegramNotifierService,
  api: apiService,
};

export function parseTargets(spec: string): Target[] {
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.includes('all')) return [...TARGETS];
  for (const p of parts)
    if (!(TARGETS as readonly string[]).includes(p)) throw new UsageError(`unknown target ${JSON.stringify(p)}; expected all or one of ${TARGETS.join(', ')}`);
  return parts as Target[];
}

export class UsageError extends Error {}

/** Starts the given targets in this process, opening the projections database when one of them needs it. */
export async function start(targets: Target[], opts: Omit<BootstrapOptions, 'openDatabase'> = {}): Promise<RunningDozor> {
  return bootstrap(
    targets.map((t) => SERVICES[t]),
    { ...opts, openDatabase: (env) => openDatabase(env) },
  );
}
