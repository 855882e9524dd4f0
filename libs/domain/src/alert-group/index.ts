export * from './alert-group.state.js';
export * from './alert-group.commands.js';
export * from './alert-group.decider.js';
export * from './direct-page.decider.js';
