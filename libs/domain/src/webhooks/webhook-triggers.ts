import type { DozorEvent, WebhookTrigger } from '@dozor/contracts';
import { STATUS_CHANGE_TRIGGERS, type WebhookDef } from './webhook.types.js';

/** The trigger an alert-group event is, or null (AlertReceived, AlertAdded, …). */
export function triggerOfEvent(e: DozorEvent): WebhookTrigger | null {
  switch (e.type) {
    case 'AlertGroupCreated':
      return 'alert_group_created';
    case 'AlertGroupAcknowledged':
      return 'acknowledge';
    case 'AlertGroupUnacknowledged':
      return 'unacknowledge';
    case 'AlertGroupResolved':
      return 'resolve';
    case 'AlertGroupUnresolved':
      return 'unresolve';
    case 'AlertGroupSilenced':
      return 'silence';
    case 'AlertGroupUnsilenced':
      return 'unsilence';
    case 'NotificationSent':
      return 'personal_notification';
    default:
      return null;
  }
}

/** Whether a webhook fires on a trigger: its own, or any status trigger for "status change". */
export function firesOn(w: Pick<WebhookDef, 'triggerType'>, trigger: WebhookTrigger): boolean {
  return w.triggerType === trigger || (w.triggerType === 'status_change' && STATUS_CHANGE_TRIGGERS.includes(trigger));
}

/**
 * The webhooks an event trigger fires for a group of an integration: enabled,
 * of that trigger, and with the integration in their filter (an empty filter
 * is every integration). Escalation-step webhooks fire only when a step names
 * them, so `escalation_step` is not matched here.
 */
export function webhooksFor(webhooks: readonly WebhookDef[], trigger: WebhookTrigger, integrationId: string): WebhookDef[] {
  if (trigger === 'escalation_step') return [];
  return webhooks.filter((w) => w.isWebhookEnabled && firesOn(w, trigger) && passesIntegrationFilter(w, integrationId));
}

export function passesIntegrationFilter(w: Pick<WebhookDef, 'integrationFilter'>, integrationId: string): boolean {
  return w.integrationFilter.length === 0 || w.integrationFilter.includes(integrationId);
}
