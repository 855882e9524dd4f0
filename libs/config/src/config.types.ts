import type { EscalationStep } from '@dozor/contracts';
import type { ScheduleDef } from '@dozor/domain';

export interface UserConfig {
  id: string;
  name: string;
  email: string | null;
  /** Telegram user id (a private chat with the bot has the same id). */
  telegramUserId: string | null;
}

export type RouteFilterConfig = { kind: 'jinja2'; template: string } | { kind: 'regex'; pattern: string } | { kind: 'labels'; matchers: string[] };

export interface RouteConfig {
  id: string;
  /** null: the default route, which is always last. */
  filter: RouteFilterConfig | null;
  escalationChainId: string | null;
}

export interface IntegrationConfig {
  id: string;
  name: string;
  type: 'alertmanager';
  /** Secret: from the environment, never written to the log. */
  token: string;
  routes: RouteConfig[];
}

export interface EscalationChainConfig {
  id: string;
  name: string;
  steps: EscalationStep[];
}

export interface DozorConfig {
  /** Path of the file, for messages. */
  file: string;
  users: UserConfig[];
  integrations: IntegrationConfig[];
  escalationChains: EscalationChainConfig[];
  schedules: ScheduleDef[];
}
