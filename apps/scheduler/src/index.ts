export * from './scheduler.module.js';
export * from './on-call/on-call.handler.js';
