export * from './alert-group/index.js';
