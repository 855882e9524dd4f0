import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@dozor/platform';
import { IntegrationsController } from './integrations/integrations.controller.js';
import { IngestService } from './integrations/ingest.service.js';
import { IntegrationModes } from './integrations/integration-modes.js';

@Module({ controllers: [IntegrationsController], providers: [IngestService, IntegrationModes] })
export class IngestModule {}

export const ingestService: ServiceDefinition = { target: 'ingest', module: IngestModule };
