export * from './ingest.module.js';
export * from './alertmanager/ingest.service.js';
