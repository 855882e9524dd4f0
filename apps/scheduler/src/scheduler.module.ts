import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@dozor/platform';
import { OnCallHandler, schedulerRequests } from './on-call/on-call.handler.js';

@Module({ controllers: [OnCallHandler] })
export class SchedulerModule {}

export const schedulerService: ServiceDefinition = { target: 'scheduler', module: SchedulerModule, requests: schedulerRequests };
