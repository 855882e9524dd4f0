import { Global, Module } from '@nestjs/common';
import { ApiAuth, Runtime, type ServiceDefinition } from '@dozor/platform';
import { projectorReadiness, runProjector } from '@dozor/projections';
import { HealthRegistry } from '@dozor/telemetry';
import { ApiModule } from './api.module.js';
import { ConsoleModule } from './console/console.module.js';
import { UserDirectory } from './users/user-directory.js';

// Global: ApiModule's controllers resolve UserDirectory and ApiAuth from here (providers of an importing module are not visible to the imported one).
@Global()
@Module({
  imports: [ApiModule, ConsoleModule],
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

/**
 * The REST API and the Postgres projections it reads. The projector runs
 * where the api runs: it starts once the process listens and reports on
 * `/readyz` as `projections`.
 */
export const apiService: ServiceDefinition = {
  target: 'api',
  module: ApiTargetModule,
  needsDatabase: true,
  onStart: async ({ store, db, log, app }) => {
    if (!db) throw new Error('the api target needs the projections database');
    const projector = await runProjector(store, db.dataSource, { logger: log });
    app.get(HealthRegistry).register('projections', projectorReadiness(store, db.dataSource));
    return () => projector.stop();
  },
};
