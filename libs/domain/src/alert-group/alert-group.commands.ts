import type { Actor, AlertGroupAction, Source } from '@dozor/contracts';

export interface RouteChoice {
  routeId: string;
  escalationChainId: string | null;
}

/** Decide on the oldest pending AlertReceived. The route is chosen by the caller (it needs compiled config). */
export interface ProcessReceipt {
  type: 'ProcessReceipt';
  receiptId: string;
  route: RouteChoice;
  now: string;
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

export type AlertGroupCommand = ProcessReceipt | ActOnAlertGroup | ExpireSilence;

export type Rejection = { code: 'not_found' | 'invalid_transition' | 'bad_request'; message: string };
