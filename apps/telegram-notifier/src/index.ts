export * from './telegram-notifier.module.js';
export * from './telegram/index.js';
export * from './accounts/telegram-accounts.js';
