export * from './callback-data.js';
export * from './render.js';
export * from './rate-limiter.js';
export * from './telegram-sender.js';
export * from './circuit-breaker.js';
export * from './send-limits.js';
export * from './kv-send-limits.js';
