export * from './telegram-link.js';
