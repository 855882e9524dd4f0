import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@dozor/platform';
import { EscalationHandler, EscalationRepository, GroupReader, RotationRepository, escalatorConsumers } from './escalation/escalation.handler.js';
import { GroupResolver } from './escalation/group-resolver.js';
import { PersonalRulesSync } from './escalation/personal-rules.sync.js';
import { OnCallClient } from './escalation/on-call.client.js';
import { TimerStore } from './timers/timer.store.js';
import { TimerTableProjection } from './timers/timer-table.projection.js';
import { TimerWorker } from './timers/timer.worker.js';
import { WebhookDeliveries, WebhookGroupReader, WebhookHandler, WebhookSender, webhookConsumers } from './webhooks/index.js';

@Module({
  controllers: [EscalationHandler, WebhookHandler],
  providers: [
    EscalationRepository,
    GroupReader,
    RotationRepository,
    GroupResolver,
    PersonalRulesSync,
    OnCallClient,
    TimerStore,
    TimerWorker,
    TimerTableProjection,
    WebhookDeliveries,
    WebhookGroupReader,
    WebhookSender,
  ],
})
export class EscalatorModule {}

export const escalatorService: ServiceDefinition = {
  target: 'escalator',
  module: EscalatorModule,
  needsDatabase: true,
  consumers: (t) => ({ ...escalatorConsumers(t), ...webhookConsumers(t) }),
};
