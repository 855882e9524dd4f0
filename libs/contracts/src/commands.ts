import type { Actor, Source } from './envelope.js';

export const SILENCE_DURATIONS = ['30m', '1h', '2h', '3h', '4h', '6h', '12h', '16h', '20h', '24h', 'forever'] as const;
export type SilenceDuration = (typeof SILENCE_DURATIONS)[number];

export function silenceSeconds(d: SilenceDuration): number | null {
  if (d === 'forever') return null;
  const n = Number(d.slice(0, -1));
  return d.endsWith('m') ? n * 60 : n * 3600;
}

export type AlertGroupAction = 'acknowledge' | 'unacknowledge' | 'resolve' | 'unresolve' | 'silence' | 'unsilence';
export const ALERT_GROUP_ACTIONS: readonly AlertGroupAction[] = ['acknowledge', 'unacknowledge', 'resolve', 'unresolve', 'silence', 'unsilence'];

/** Request sent to the router over `<prefix>.cmd.alert-group`. */
export interface AlertGroupCommandRequest {
  action: AlertGroupAction;
  alertGroupId: string;
  actor: Actor;
  source: Source;
  /** Silence only: seconds, or null for forever. */
  durationSeconds?: number | null;
  /** Sent by older clients only: the trace context travels in the request's `traceparent` header. */
  traceparent?: string | null;
}

export type CommandReply =
  | { ok: true; alertGroupId: string; state: string; events: string[] }
  | { ok: false; code: 'not_found' | 'invalid_transition' | 'bad_request' | 'conflict' | 'unavailable'; message: string };

/** Request over `<prefix>.rpc.oncall`. */
export interface OnCallQuery {
  schedule: string;
  /** ISO instant; defaults to now. */
  at?: string;
}

export type OnCallReply = { ok: true; schedule: string; users: string[] } | { ok: false; code: 'not_found' | 'error'; message: string };

/** Maintenance and debug durations Grafana OnCall offers; `forever` means until stopped. */
export const MAINTENANCE_DURATIONS = ['1h', '3h', '6h', '12h', '24h', 'forever'] as const;
export type MaintenanceDuration = (typeof MAINTENANCE_DURATIONS)[number];

export function maintenanceSeconds(d: MaintenanceDuration): number | null {
  return d === 'forever' ? null : Number(d.slice(0, -1)) * 3600;
}

/** Request sent to the router over `<prefix>.cmd.integration`. */
export type IntegrationCommandRequest = {
  integrationId: string;
  actor: Actor;
  source: Source;
  /** Sent by older clients only: the trace context travels in the request's `traceparent` header. */
  traceparent?: string | null;
} & (
  | { action: 'start_maintenance'; mode: 'maintenance' | 'debug'; /** null: until stopped. */ durationSeconds: number | null }
  | { action: 'stop_maintenance' }
  | { action: 'status' }
);

export interface IntegrationStatus {
  integrationId: string;
  maintenance: { maintenanceId: string; mode: 'maintenance' | 'debug'; startedAt: string; until: string | null; origin: 'api' | 'config' } | null;
  heartbeat: { lastHeartbeatAt: string | null; dueAt: string | null; missing: boolean } | null;
}

export type IntegrationCommandReply =
  | { ok: true; status: IntegrationStatus; events: string[] }
  | { ok: false; code: 'not_found' | 'invalid_transition' | 'bad_request' | 'conflict' | 'unavailable'; message: string };

/**
 * Request sent to the router over `<prefix>.cmd.direct-page`: a direct page
 * (`POST /api/v1/escalation`), as parsed by the API. The router resolves the
 * users and the team against dozor.yaml and decides.
 */
export interface DirectPageCommandRequest {
  title: string;
  message: string;
  sourceUrl: string | null;
  team: string | null;
  importantTeam: boolean;
  users: { id: string; important: boolean }[];
  /** Page more responders on this existing group instead of opening one. */
  alertGroupId: string | null;
  /** The `Idempotency-Key` header, if any: a retry with the same key returns the same group and pages no one again. */
  idempotencyKey: string | null;
  actor: Actor;
  source: Source;
}

/** What the API needs to answer in OnCall's alert group shape without waiting for the projection. */
export interface DirectPagedGroup {
  alertGroupId: string;
  integrationId: string;
  routeId: string;
  team: string | null;
  title: string;
  state: string;
  createdAt: string;
  alertsCount: number;
}

export type DirectPageReply =
  | { ok: true; group: DirectPagedGroup; pageId: string; opened: boolean; /** The Idempotency-Key was seen before: nothing was done now. */ replayed: boolean }
  | { ok: false; code: 'not_found' | 'invalid_transition' | 'bad_request' | 'conflict' | 'unavailable'; message: string };
