import 'reflect-metadata';
import { Global, Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import type { Topology } from '@dozor/contracts';
import { loadConfig, type DozorConfig } from '@dozor/config';
import { EventStore, connectNats, JetStreamTransport, type ConsumerSpec } from '@dozor/eventstore';
import { HealthRegistry, JsonLogger, startTelemetry, stopTelemetry } from '@dozor/telemetry';
import { ObservabilityController } from './observability.controller.js';
import { Runtime } from './runtime.js';
import { settingsFromEnv, type Settings } from './settings.js';
import { openTestClock } from './test-clock.js';

export const TARGETS = ['ingest', 'router', 'scheduler', 'escalator', 'telegram-notifier', 'api'] as const;
export type Target = (typeof TARGETS)[number];

/** What a service tells the launcher about itself. */
export interface ServiceDefinition {
  target: Target;
  module: Type<unknown>;
  consumers?: (t: Topology) => Record<string, ConsumerSpec>;
  requests?: (t: Topology) => Record<string, { subject: string; queue: string }>;
  needsDatabase?: boolean;
  /**
   * Work of the service's own once everything listens (e.g. the api's
   * projector), outside Nest's lifecycle because it needs the opened database
   * and the running application. Returns how to stop it; stopped before Nest closes.
   */
  onStart?: (ctx: ServiceStartContext) => Promise<(() => Promise<void>) | void>;
}

/** What a service's `onStart` is given. `db` is set when some service of the process needs the database. */
export interface ServiceStartContext {
  store: EventStore;
  db: DatabaseHandle | null;
  runtime: Runtime;
  log: JsonLogger;
  app: NestFastifyApplication;
}

/** A database handle: opened by the launcher when a service needs it. */
export interface DatabaseHandle {
  dataSource: DataSource;
  url: string;
  close(): Promise<void>;
}

export interface BootstrapOptions {
  env?: NodeJS.ProcessEnv;
  configPath?: string;
  /** Opens the projections database (kept out of this lib to avoid a cycle). */
  openDatabase?: (env: NodeJS.ProcessEnv) => Promise<DatabaseHandle>;
  clock?: () => Date;
}

export interface RunningDozor {
  app: NestFastifyApplication;
  url: string;
  store: EventStore;
  runtime: Runtime;
  db: DatabaseHandle | null;
  close(): Promise<void>;
}

@Global()
@Module({})
class CoreModule {
  static forRoot(providers: Provider[]): DynamicModule {
    return {
      module: CoreModule,
      providers,
      exports: providers.map((p) => (typeof p === 'function' ? p : (p as { provide: unknown }).provide)) as never[],
      controllers: [ObservabilityController],
    };
  }
}

export async function bootstrap(services: ServiceDefinition[], opts: BootstrapOptions = {}): Promise<RunningDozor> {
  const env = opts.env ?? process.env;
  const name = services.length > 1 ? 'dozor' : `dozor-${services[0]!.target}`;
  const log = new JsonLogger(name, env.LOG_LEVEL);
  startTelemetry({ serviceName: name, env });
  const settings: Settings = settingsFromEnv(env, { configPath: opts.configPath });
  const config: DozorConfig = loadConfig(settings.configPath, env);
  const nc = await connectNats(settings.natsUrl, name);
  const testClock = opts.clock ? null : await openTestClock(env, nc, settings.topology);
  const clock = opts.clock ?? testClock?.now;
  const store = await EventStore.open(nc, {
    topology: settings.topology,
    replicas: settings.streamReplicas,
    maxAgeMs: settings.eventRetentionMs,
    clock,
  });
  const runtime = new Runtime(settings, config, nc, clock, testClock);
  const health = new HealthRegistry();
  health.register('nats', async () => ({ ok: !nc.isClosed() && !(nc as { isDraining?: () => boolean }).isDraining?.(), detail: settings.natsUrl }));
  health.register('jetstream', async () => {
    await store.streamInfo();
    return { ok: true, detail: settings.topology.stream };
  });

  let db: DatabaseHandle | null = null;
  if (services.some((s) => s.needsDatabase)) {
    if (!opts.openDatabase) throw new Error('a service needs the database but no openDatabase was given');
    db = await opts.openDatabase(env);
    const ds = db.dataSource;
    health.register('postgres', async () => {
      await ds.query('SELECT 1');
      return { ok: true };
    });
  }

  const providers: Provider[] = [
    { provide: Runtime, useValue: runtime },
    { provide: EventStore, useValue: store },
    { provide: HealthRegistry, useValue: health },
    { provide: JsonLogger, useValue: log },
  ];
  if (db) {
    const { DataSource } = await import('typeorm');
    providers.push({ provide: DataSource, useValue: db.dataSource });
  }

  @Module({ imports: [CoreModule.forRoot(providers), ...services.map((s) => s.module)] })
  class RootModule {}

  const app = await NestFactory.create<NestFastifyApplication>(
    RootModule,
    new FastifyAdapter({ bodyLimit: settings.bodyLimitBytes, logger: false, trustProxy: true, routerOptions: { ignoreTrailingSlash: true } }),
    { logger: log, rawBody: true, abortOnError: false },
  );
  app.enableShutdownHooks();
  const consumers = Object.assign({}, ...services.map((s) => s.consumers?.(settings.topology) ?? {}));
  const requests = Object.assign({}, ...services.map((s) => s.requests?.(settings.topology) ?? {}));
  app.connectMicroservice({ strategy: new JetStreamTransport({ store, consumers, requests, logger: log }) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen({ port: settings.port, host: settings.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://127.0.0.1:${port}`;
  const stops: (() => Promise<void>)[] = [];
  for (const s of services) {
    const stop = await s.onStart?.({ store, db, runtime, log, app });
    if (stop) stops.push(stop);
  }
  log.info(`Dozor ${services.map((s) => s.target).join(', ')} listening on ${settings.host}:${port}`, {
    targets: services.map((s) => s.target),
    nats: settings.natsUrl,
    stream: settings.topology.stream,
    config: settings.configPath,
  });

  let closed = false;
  return {
    app,
    url,
    store,
    runtime,
    db,
    async close() {
      if (closed) return;
      closed = true;
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await app.close().catch((e) => log.warn(`close: ${e}`));
      await nc.drain().catch(() => undefined);
      await db?.close().catch(() => undefined);
      await stopTelemetry();
    },
  };
}
