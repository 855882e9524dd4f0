export * from './config.types.js';
export * from './config.loader.js';
