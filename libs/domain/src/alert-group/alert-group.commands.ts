import type { Actor, AlertGroupAction, Source, TemplateErrorRecord } from '@dozor/contracts';
import type { DomainRejection } from '../decider.js';

export interface RouteChoice {
  routeId: string;
  escalationChainId: string | null;
}

/**
 * Decide on the oldest pending AlertReceived. The caller renders the
 * integration's templates (it holds the compiled config) and passes the
 * results as data: the route, the conditions, the title and source link.
 */
export interface ProcessReceipt {
  type: 'ProcessReceipt';
  receiptId: string;
  route: RouteChoice;
  now: string;
  /** The resolve and acknowledge conditions; default: an Alertmanager payload's `status`, no acknowledge. */
  signals?: { resolve: boolean; acknowledge: boolean };
  /** The rendered title and source link; default: from the Alertmanager payload. */
  display?: { title: string; sourceLink: string | null };
  /** Route filters that failed while the route was chosen (they fell through). */
  routeErrors?: TemplateErrorRecord[];
  /** Other templates that failed for this receipt (grouping id at ingest, conditions, title, source link). */
  templateErrors?: TemplateErrorRecord[];
}

/** The integration's maintenance ended: resolve its maintenance group. */
export interface CloseMaintenanceGroup {
  type: 'CloseMaintenanceGroup';
}

export interface ActOnAlertGroup {
  type: 'ActOnAlertGroup';
  action: AlertGroupAction;
  alertGroupId: string;
  actor: Actor;
  source: Source;
  /** Silence: seconds, or null for forever. */
  durationSeconds?: number | null;
  now: string;
}

/** A silence timer fired. `until` names which silence it was set for. */
export interface ExpireSilence {
  type: 'ExpireSilence';
  alertGroupId: string;
  until: string;
}

export type AlertGroupCommand = ProcessReceipt | ActOnAlertGroup | ExpireSilence | CloseMaintenanceGroup;

/** Why an alert-group (or integration) command was refused; the router replies with it. */
export type Rejection = DomainRejection<'not_found' | 'invalid_transition' | 'bad_request'>;
