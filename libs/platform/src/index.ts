export * from './settings.js';
export * from './runtime.js';
export * from './test-clock.js';
export * from './bootstrap.js';
export * from './observability.controller.js';
