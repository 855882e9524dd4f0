export * from './scheduler.module.js';
export * from './on-call/on-call.handler.js';
export * from './schedule/schedule-definition.js';
export { ScheduleRepository, type LoadedSchedule } from './schedule/schedule.repository.js';
export { ScheduleConfigSync } from './schedule/schedule-config.sync.js';
export { IcalFeeds, feedSpecs, type FeedSpec, type RefreshResult } from './ical/ical-feeds.js';
export { IcalExportTokens, type ExportTarget } from './ical/export-tokens.js';
export { ShiftSwapsService, type SwapOutcome } from './shift-swaps/shift-swaps.service.js';
