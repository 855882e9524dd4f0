export * from './callback-data.js';
export * from './render.js';
export * from './rate-limiter.js';
export * from './telegram-sender.js';
