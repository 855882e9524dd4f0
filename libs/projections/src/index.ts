export * from './database.js';
export * from './entities/index.js';
export { PROJECTION_MIGRATIONS } from './migrations/index.js';
export { applyCommit, PROJECTION_TABLES } from './alert-group.projection.js';
export { timelineText, formatDuration, actorName } from './timeline.text.js';
export * from './projector.js';
