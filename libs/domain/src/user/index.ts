export * from './telegram-link.js';
export * from './personal-rules.js';
