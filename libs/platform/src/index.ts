export * from './settings.js';
export * from './runtime.js';
export * from './test-clock.js';
export * from './bootstrap.js';
export * from './observability.controller.js';
export * from './api-auth.js';
export * from './api-token.guard.js';
export * from './api-exception.filter.js';
