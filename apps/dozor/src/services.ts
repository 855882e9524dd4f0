import { Global, Module } from '@nestjs/common';
import { bootstrap, Runtime, TARGETS, type BootstrapOptions, type RunningDozor, type ServiceDefinition, type Target } from '@dozor/platform';
import { ingestService } from '@dozor/ingest';
import { routerService } from '@dozor/router';
import { schedulerService } from '@dozor/scheduler';
import { escalatorService } from '@dozor/escalator';
import { telegramNotifierService } from '@dozor/telegram-notifier';
import { ApiModule, ApiAuth, UserDirectory } from '@dozor/api';
import { openDatabase, runProjector, projectorReadiness } from '@dozor/projections';
import { HealthRegistry } from '@dozor/telemetry';

// Global: ApiModule's controllers (and the scheduler's REST guard) resolve UserDirectory and ApiAuth from here (providers of an importing module are not visible to the imported one).
@Global()
@Module({
  imports: [ApiModule],
  providers: [
    { provide: ApiAuth, useFactory: (rt: Runtime) => new ApiAuth(rt.settings.apiToken), inject: [Runtime] },
    {
      provide: UserDirectory,
      useFactory: (rt: Runtime) =>
        new UserDirectory(
          rt.config.users,
          rt.settings.telegramBotToken ? { botToken: rt.settings.telegramBotToken, apiRoot: rt.settings.telegramApiRoot } : null,
        ),
      inject: [Runtime],
    },
  ],
  exports: [UserDirectory, ApiAuth],
})
class ApiTargetModule {}

/** The REST API and the Postgres projections it reads. */
export const apiService: ServiceDefinition = { target: 'api', module: ApiTargetModule, needsDatabase: true };

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

/** Starts the given targets in this process. The api target also runs the projector. */
export async function start(targets: Target[], opts: Omit<BootstrapOptions, 'openDatabase' | 'afterStart'> = {}): Promise<RunningDozor> {
  return bootstrap(
    targets.map((t) => SERVICES[t]),
    {
      ...opts,
      openDatabase: (env) => openDatabase(env),
      afterStart: async ({ store, db, log }) => {
        if (!targets.includes('api') || !db) return;
        const projector = await runProjector(store, db.dataSource, { logger: log });
        return () => projector.stop();
      },
    },
  ).then((running) => {
    if (targets.includes('api') && running.db)
      running.app.get(HealthRegistry).register('projections', projectorReadiness(running.store, running.db.dataSource));
    return running;
  });
}
