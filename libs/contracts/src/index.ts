export * from './envelope.js';
export * from './subjects.js';
export * from './alertmanager.js';
export * from './events.js';
export * from './commands.js';
export * from './ids.js';
export * from './upcasters.js';
export * from './config-error.js';
