export * from './escalator.module.js';
export * from './escalation/escalation.handler.js';
export * from './timers/timer.store.js';
export * from './timers/timer-table.projection.js';
