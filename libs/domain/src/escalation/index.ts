export * from './escalation.state.js';
export * from './escalation.decider.js';
