export * from './config.types.js';
export * from './config.loader.js';
export * from './ack-reminder.js';
export * from './personal-rules.js';
