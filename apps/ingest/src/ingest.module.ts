import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { ServiceDefinition } from '@dozor/platform';
import { IntegrationsController } from './integrations/integrations.controller.js';
import { IngestService } from './integrations/ingest.service.js';
import { IntegrationModes } from './integrations/integration-modes.js';
import { BodyLimitMiddleware } from './integrations/body-limit.middleware.js';

@Module({ controllers: [IntegrationsController], providers: [IngestService, IntegrationModes] })
export class IngestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(BodyLimitMiddleware).forRoutes(IntegrationsController);
  }
}

export const ingestService: ServiceDefinition = { target: 'ingest', module: IngestModule };
