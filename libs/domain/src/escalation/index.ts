export * from './escalation.state.js';
export * from './escalation.decider.js';
export * from './rotation.js';
export * from './time-window.js';
export * from './direct-paging.js';
export * from './ack-reminder.js';
export * from './resolve-notice.js';
export * from './personal-policy.js';
