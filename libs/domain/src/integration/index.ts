export * from './integration.state.js';
export * from './integration.decider.js';
export * from './integration.templates.js';
export * from './heartbeat.payloads.js';
