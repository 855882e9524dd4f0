import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@dozor/platform';
import { EscalationHandler, EscalationRepository, GroupReader, escalatorConsumers } from './escalation/escalation.handler.js';
import { OnCallClient } from './escalation/on-call.client.js';
import { TimerStore } from './timers/timer-store.js';
import { TimerTableHandler, timerConsumers } from './timers/timer-table.handler.js';
import { TimerWorker } from './timers/timer-worker.js';

@Module({
  controllers: [EscalationHandler, TimerTableHandler],
  providers: [EscalationRepository, GroupReader, OnCallClient, TimerStore, TimerWorker],
})
export class EscalatorModule {}

export const escalatorService: ServiceDefinition = {
  target: 'escalator',
  module: EscalatorModule,
  needsDatabase: true,
  consumers: (t) => ({ ...escalatorConsumers(t), ...timerConsumers(t) }),
};
