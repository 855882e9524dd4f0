import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@dozor/platform';
import { AlertmanagerController } from './alertmanager/alertmanager.controller.js';
import { IngestService } from './alertmanager/ingest.service.js';

@Module({ controllers: [AlertmanagerController], providers: [IngestService] })
export class IngestModule {}

export const ingestService: ServiceDefinition = { target: 'ingest', module: IngestModule };
