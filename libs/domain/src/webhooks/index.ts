export * from './ssrf.js';
export * from './webhook.types.js';
export * from './webhook-triggers.js';
export * from './webhook-retry.js';
export * from './webhook.context.js';
export * from './webhook-request.js';
export * from './alertmanager-silence.js';
export {
  webhookDeliveriesDecider,
  claimedAttempt,
  LOST_OUTCOME,
  type DeliveryRecord,
  type WebhookDeliveriesState,
  type WebhookDeliveryCommand,
  type WebhookDeliveryRejection,
} from './webhook-deliveries.js';
export * from './webhook.config.js';
