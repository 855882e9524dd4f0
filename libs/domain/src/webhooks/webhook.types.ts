import type { WebhookTrigger } from '@dozor/contracts';
import type { CompiledTemplate } from '@dozor/templates';

export const WEBHOOK_HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const;
export type WebhookHttpMethod = (typeof WEBHOOK_HTTP_METHODS)[number];

/** What a webhook is configured to fire on: one trigger, or OnCall's "status change" (every status trigger). */
export type WebhookTriggerType = WebhookTrigger | 'status_change';

/** The presets: OnCall's simple webhook (POST the whole context as JSON), and an Alertmanager silence (see alertmanager-silence.ts). */
export const WEBHOOK_PRESETS = ['simple_webhook', 'alertmanager_silence'] as const;
export type WebhookPreset = (typeof WEBHOOK_PRESETS)[number];

/** Where the Authorization header comes from: the text itself, or a secret read from NAME / NAME_FILE at send time. */
export type AuthorizationHeader = { kind: 'value'; value: string } | { kind: 'env'; name: string };

/** One entry of `webhooks:` in dozor.yaml, validated, its templates compiled. */
export interface WebhookDef {
  id: string;
  name: string;
  url: CompiledTemplate;
  httpMethod: WebhookHttpMethod;
  triggerType: WebhookTriggerType;
  /** Integration ids; empty: every integration. */
  integrationFilter: string[];
  /** A Jinja2 template that renders a JSON object of headers. */
  headers: CompiledTemplate | null;
  /** A Jinja2 template for the body (JSON when it parses, else sent as text). */
  data: CompiledTemplate | null;
  /** Send the whole template context as the JSON body (OnCall's forward_all). */
  forwardWholePayload: boolean;
  authorizationHeader: AuthorizationHeader | null;
  /** The webhook fires only when this renders to `true` or `1` (case-insensitive). */
  triggerTemplate: CompiledTemplate | null;
  isWebhookEnabled: boolean;
  preset: WebhookPreset | null;
}

/** The statuses "status change" stands for (OnCall's STATUS_CHANGE_TRIGGERS). */
export const STATUS_CHANGE_TRIGGERS: readonly WebhookTrigger[] = ['acknowledge', 'resolve', 'silence', 'unsilence', 'unresolve', 'unacknowledge'];

/** The label a trigger has in OnCall's context (`event.type`). */
export const TRIGGER_EVENT_TYPE: Readonly<Record<WebhookTrigger, string>> = {
  escalation_step: 'escalation',
  alert_group_created: 'alert group created',
  acknowledge: 'acknowledge',
  resolve: 'resolve',
  silence: 'silence',
  unsilence: 'unsilence',
  unresolve: 'unresolve',
  unacknowledge: 'unacknowledge',
  personal_notification: 'personal notification',
};

/** OnCall's public-API names of the trigger types (`trigger_type:`): each trigger's label, plus `escalation step` and `status change`. */
export const TRIGGER_TYPE_NAMES: Readonly<Record<string, WebhookTriggerType>> = {
  ...Object.fromEntries(Object.entries(TRIGGER_EVENT_TYPE).map(([trigger, label]) => [label, trigger as WebhookTrigger])),
  'escalation step': 'escalation_step',
  'status change': 'status_change',
};
