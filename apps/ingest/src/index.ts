export * from './ingest.module.js';
export * from './integrations/ingest.service.js';
export * from './integrations/rate-limiter.js';
export { helpPage } from './integrations/help-page.js';
