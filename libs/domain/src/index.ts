export * from './alert-group/index.js';
export * from './grouping.js';
export * from './escalation/index.js';
export * from './schedule/index.js';
export * from './routing/index.js';
export * from './integration/index.js';
export * from './user/index.js';
export * from './decider.js';
