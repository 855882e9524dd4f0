import type { EscalationStep, IntegrationKind, IntegrationMode } from '@dozor/contracts';
import type { AuthorizationHeader, IntegrationTemplateKey, IntegrationTemplates, PersonalPolicy, RouteDef, ScheduleDef, WebhookDef } from '@dozor/domain';
import type { AckReminderConfig } from './ack-reminder.js';

export interface UserConfig {
  id: string;
  name: string;
  email: string | null;
  /** Telegram user id (a private chat with the bot has the same id). */
  telegramUserId: string | null;
  /** `personal_notification_rules:`: how this user is reached by a page; null: one Telegram message. */
  personalRules: PersonalPolicy | null;
}

export interface IntegrationConfig {
  id: string;
  name: string;
  /** `alertmanager` also serves `…/grafana_alerting/<token>/` (same payload), and vice versa. */
  type: IntegrationKind;
  /** Secret: from the environment, never written to the log. */
  token: string;
  /** In order, the default route last. */
  routes: RouteDef[];
  /** `templates:` as written (template key → source, null disables an optional one). */
  templateOverrides: Partial<Record<IntegrationTemplateKey, string | null>>;
  /** The kind's defaults with the overrides, compiled (validated at load). */
  templates: IntegrationTemplates;
  /** `maintenance:`: a mode config puts the integration in (applied once per distinct value). */
  maintenance: { mode: IntegrationMode; durationSeconds: number | null } | null;
  /** `heartbeat:`: heartbeats are expected within this many seconds of each other. */
  heartbeat: { timeoutSeconds: number } | null;
  /** `rate_limit:`: at most `requests` alerts per `perSeconds`, per ingest process. */
  rateLimit: { requests: number; perSeconds: number };
  /** `alertmanager_silences:`: silences set in Dozor are mirrored to this Alertmanager (see docs/webhooks.md). */
  alertmanagerSilences: { url: string; authorizationHeader: AuthorizationHeader | null } | null;
}

export interface EscalationChainConfig {
  id: string;
  name: string;
  steps: EscalationStep[];
  /** `acknowledge_reminder:`: remind the acknowledger, unacknowledge when unanswered, the resolve notice; null: none. */
  ackReminder: AckReminderConfig | null;
}

/** A user group (`user_groups:`, OnCall's user group) or a team (`teams:`, its `members`). */
export interface MemberListConfig {
  id: string;
  name: string;
  users: string[];
}

export interface DozorConfig {
  /** Path of the file, for messages. */
  file: string;
  users: UserConfig[];
  userGroups: MemberListConfig[];
  teams: MemberListConfig[];
  integrations: IntegrationConfig[];
  escalationChains: EscalationChainConfig[];
  schedules: ScheduleDef[];
  /** `webhooks:`, plus one `alertmanager_silence` webhook per integration with `alertmanager_silences:`. */
  webhooks: WebhookDef[];
}
