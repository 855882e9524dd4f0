export * from './router.module.js';
export * from './alert-group/alert-group.handler.js';
export * from './alert-group/alert-group.repository.js';
export * from './integration/integration.handler.js';
