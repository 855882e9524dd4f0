import { Module } from '@nestjs/common';
import { ApiAuth, ApiTokenGuard, Runtime, type ServiceDefinition } from '@dozor/platform';
import { OnCallHandler, schedulerRequests } from './on-call/on-call.handler.js';
import { ScheduleRepository } from './schedule/schedule.repository.js';
import { ScheduleConfigSync } from './schedule/schedule-config.sync.js';
import { IcalFeeds } from './ical/ical-feeds.js';
import { IcalExportTokens } from './ical/export-tokens.js';
import { ShiftSwapsService } from './shift-swaps/shift-swaps.service.js';
import { IcalExportController, SchedulesController, UserExportTokenController } from './rest/schedules.controller.js';
import { OnCallShiftsController } from './rest/on-call-shifts.controller.js';
import { ShiftSwapsController } from './rest/shift-swaps.controller.js';

/**
 * The scheduler: on-call answers over NATS, the schedule REST endpoints, the
 * iCal feeds (import and export), shift swaps, and the configuration events of
 * the `schedules:` section. Its state is the schedule subjects of the log.
 */
@Module({
  controllers: [OnCallHandler, SchedulesController, UserExportTokenController, IcalExportController, OnCallShiftsController, ShiftSwapsController],
  providers: [
    // The API token from the process settings (DOZOR_API_TOKEN), else the environment (DOZOR_API_TOKEN_FILE).
    { provide: ApiAuth, useFactory: (rt: Runtime) => (rt.settings.apiToken ? new ApiAuth(rt.settings.apiToken) : ApiAuth.fromEnv()), inject: [Runtime] },
    ApiTokenGuard,
    ScheduleRepository,
    ScheduleConfigSync,
    IcalFeeds,
    IcalExportTokens,
    ShiftSwapsService,
  ],
})
export class SchedulerModule {}

export const schedulerService: ServiceDefinition = { target: 'scheduler', module: SchedulerModule, requests: schedulerRequests };
