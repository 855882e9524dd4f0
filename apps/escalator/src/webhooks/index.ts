export * from './webhook.handler.js';
export * from './webhook.sender.js';
export * from './webhook-groups.js';
export * from './webhook-http.js';
