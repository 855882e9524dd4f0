import type { WebhookTrigger } from '@dozor/contracts';
import { groupState, type GroupGeneration } from '../alert-group/alert-group.state.js';
import { TRIGGER_EVENT_TYPE, type WebhookDef } from './webhook.types.js';

/** A user as OnCall's webhook context shows one. */
export interface WebhookUser {
  id: string;
  username: string;
  email: string | null;
}

/** What the sender knows about the group when a webhook fires (all of it from the log and the config). */
export interface WebhookContextInput {
  trigger: WebhookTrigger;
  /** When the triggering event happened (OnCall: the time of the ack, resolve, silence, or now). */
  eventTime: string;
  group: GroupGeneration;
  /** The first alert's payload (OnCall's `alert_payload`). */
  alertPayload: unknown;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  silencedAt: string | null;
  integration: { id: string; type: string; name: string };
  /** Who caused the event, when a person did. */
  user: WebhookUser | null;
  acknowledgedBy: WebhookUser | null;
  resolvedBy: WebhookUser | null;
  notifiedUsers: WebhookUser[];
  /** The latest response of each other webhook on this group (JSON when it parses). */
  responses: Record<string, unknown>;
  /** The group's page in the console. */
  webLink: string | null;
}

/** OnCall's names of the states. */
const ONCALL_STATE = { firing: 'new', acknowledged: 'acknowledged', resolved: 'resolved', silenced: 'silenced' } as const;

/**
 * The variables of a webhook's templates, under Grafana OnCall's names
 * (apps/webhooks/utils.py `serialize_event`): `event`, `user`,
 * `alert_group` (shaped like the public API's alert group), `alert_group_id`,
 * `alert_payload`, `integration`, `notified_users`, `users_to_be_notified`,
 * `alert_group_acknowledged_by`, `alert_group_resolved_by`, `responses`,
 * `webhook`. It is also the body of a webhook that forwards the whole payload.
 */
export function buildWebhookContext(w: Pick<WebhookDef, 'id' | 'name'>, input: WebhookContextInput): Record<string, unknown> {
  const g = input.group;
  const event: Record<string, unknown> = { type: TRIGGER_EVENT_TYPE[input.trigger], time: input.eventTime };
  if (input.trigger === 'silence') event.until = g.silencedUntil === 'forever' ? null : g.silencedUntil;
  if (input.trigger === 'personal_notification') event.user = {};
  const ctx: Record<string, unknown> = {
    event,
    user: input.user,
    alert_group: {
      id: g.alertGroupId,
      integration_id: g.integrationId,
      route_id: g.routeId,
      alerts_count: g.alertsCount,
      state: ONCALL_STATE[groupState(g)],
      created_at: g.createdAt,
      resolved_at: input.resolvedAt,
      acknowledged_at: input.acknowledgedAt,
      title: g.title,
      permalinks: { slack: null, slack_app: null, telegram: null, web: input.webLink },
      silenced_at: input.silencedAt,
      labels: { ...g.commonLabels },
    },
    alert_group_id: g.alertGroupId,
    alert_payload: input.alertPayload ?? {},
    integration: { id: input.integration.id, type: input.integration.type, name: input.integration.name, team: null, labels: {} },
    notified_users: input.notifiedUsers,
    users_to_be_notified: [],
    alert_group_acknowledged_by: input.acknowledgedBy,
    alert_group_resolved_by: input.resolvedBy,
    webhook: { id: w.id, name: w.name, labels: {} },
  };
  if (Object.keys(input.responses).length > 0) ctx.responses = input.responses;
  return ctx;
}

/**
 * The context for templates whose output is parsed as JSON (`headers`,
 * `data`): every string is escaped as inside a JSON string, as OnCall's
 * `escape_payload` does, so `"{{ alert_payload.message }}"` stays valid JSON
 * whatever the message holds.
 */
export function escapeForJson(v: unknown): unknown {
  if (typeof v === 'string') return JSON.stringify(v).slice(1, -1);
  if (Array.isArray(v)) return v.map(escapeForJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeForJson(x)]));
  return v;
}
