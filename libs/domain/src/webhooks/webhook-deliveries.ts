import { isOneOf, WEBHOOK_EVENTS, type DozorEvent, type NewEvent, type OutgoingWebhookAttemptedData, type OutgoingWebhookRef } from '@dozor/contracts';
import type { Decider, Decision, DomainRejection } from '../decider.js';
import { WEBHOOK_MAX_ATTEMPTS } from './webhook-retry.js';

/**
 * The deliveries of one alert group's outgoing webhooks
 * (`<prefix>.evt.webhook.<alertGroupId>`). Sending is an effect outside the
 * log, so each attempt is claimed first: `ClaimAttempt` appends
 * OutgoingWebhookClaimed with the subject's expected version, and only the
 * replica whose append went through sends. A claim whose outcome never got
 * recorded (the sender died between sending and recording) is taken over
 * after the lease and counts as an attempt with an unknown outcome: the next
 * attempt may repeat a request the receiver already got, at most once per
 * crash in that window.
 */
export interface DeliveryRecord {
  webhookId: string;
  lastClaim: { attempt: number; claimedAt: string } | null;
  /** The last attempt with a recorded outcome. */
  recorded: number;
  finished: boolean;
}

export interface WebhookDeliveriesState {
  deliveries: Readonly<Record<string, DeliveryRecord>>;
  /** The latest response body of each webhook on this group, for the `responses` context. */
  lastResponse: Readonly<Record<string, string | null>>;
  /** The Alertmanager silence Dozor made for the group, until deleted. */
  silence: { silenceId: string; integrationId: string } | null;
}

export type WebhookDeliveryCommand =
  | ({ type: 'ClaimAttempt'; now: string; leaseMs: number } & OutgoingWebhookRef)
  | ({
      type: 'RecordAttempt';
      outcome: Omit<OutgoingWebhookAttemptedData, keyof OutgoingWebhookRef>;
      succeeded: boolean;
      also?: NewEvent[];
    } & OutgoingWebhookRef);

export type WebhookDeliveryRejection = DomainRejection<'finished' | 'in_flight' | 'recorded'>;

export const LOST_OUTCOME = 'outcome unknown: the sender stopped before recording it';

const isWebhookEvent = isOneOf(...WEBHOOK_EVENTS);

export function initialState(): WebhookDeliveriesState {
  return { deliveries: {}, lastResponse: {}, silence: null };
}

function put(s: WebhookDeliveriesState, id: string, f: (r: DeliveryRecord) => DeliveryRecord, webhookId: string): WebhookDeliveriesState {
  const r = s.deliveries[id] ?? { webhookId, lastClaim: null, recorded: 0, finished: false };
  return { ...s, deliveries: { ...s.deliveries, [id]: f(r) } };
}

export function evolve(s: WebhookDeliveriesState, e: DozorEvent): WebhookDeliveriesState {
  if (!isWebhookEvent(e)) return s;
  switch (e.type) {
    case 'OutgoingWebhookClaimed':
      return put(s, e.data.requestId, (r) => ({ ...r, lastClaim: { attempt: e.data.attempt, claimedAt: e.data.claimedAt } }), e.data.webhookId);
    case 'OutgoingWebhookAttempted': {
      const next = put(
        s,
        e.data.requestId,
        (r) => ({ ...r, recorded: Math.max(r.recorded, e.data.attempt), finished: r.finished || e.data.final }),
        e.data.webhookId,
      );
      return e.data.status === null ? next : { ...next, lastResponse: { ...next.lastResponse, [e.data.webhookId]: e.data.responseSnippet } };
    }
    case 'OutgoingWebhookSucceeded':
    case 'OutgoingWebhookFailed':
      return put(s, e.data.requestId, (r) => ({ ...r, finished: true }), e.data.webhookId);
    case 'AlertmanagerSilenceCreated':
      return { ...s, silence: { silenceId: e.data.silenceId, integrationId: e.data.integrationId } };
    case 'AlertmanagerSilenceDeleted':
      return s.silence?.silenceId === e.data.silenceId ? { ...s, silence: null } : s;
    default: {
      const never: never = e;
      return never;
    }
  }
}

const refOf = (c: OutgoingWebhookRef): OutgoingWebhookRef => ({
  alertGroupId: c.alertGroupId,
  requestId: c.requestId,
  webhookId: c.webhookId,
  trigger: c.trigger,
});

/** The attempt number a decision claims (the OutgoingWebhookClaimed among its events), or null. */
export function claimedAttempt(events: readonly { type: string; data: unknown }[]): number | null {
  const c = events.find((e) => e.type === 'OutgoingWebhookClaimed');
  return c ? (c.data as { attempt: number }).attempt : null;
}

export function decide(c: WebhookDeliveryCommand, s: WebhookDeliveriesState): Decision<WebhookDeliveryRejection> {
  const r = s.deliveries[c.requestId];
  const ref = refOf(c);
  switch (c.type) {
    case 'ClaimAttempt': {
      if (r?.finished) return { rejected: { code: 'finished', message: `${c.requestId} is done` } };
      const claimed = r?.lastClaim ?? null;
      const events: NewEvent[] = [];
      let next = (r?.recorded ?? 0) + 1;
      if (claimed && claimed.attempt > (r?.recorded ?? 0)) {
        if (Date.parse(c.now) - Date.parse(claimed.claimedAt) < c.leaseMs) {
          return { rejected: { code: 'in_flight', message: `attempt ${claimed.attempt} of ${c.requestId} is being sent` } };
        }
        const final = claimed.attempt >= WEBHOOK_MAX_ATTEMPTS;
        events.push({
          type: 'OutgoingWebhookAttempted',
          data: { ...ref, attempt: claimed.attempt, url: '', method: '', status: null, error: LOST_OUTCOME, responseSnippet: null, durationMs: 0, final },
        });
        if (final) {
          events.push({ type: 'OutgoingWebhookFailed', data: { ...ref, attempts: claimed.attempt, reason: LOST_OUTCOME } });
          return { events };
        }
        next = claimed.attempt + 1;
      }
      events.push({ type: 'OutgoingWebhookClaimed', data: { ...ref, attempt: next, claimedAt: c.now } });
      return { events };
    }
    case 'RecordAttempt': {
      if (r && (r.finished || r.recorded >= c.outcome.attempt))
        return { rejected: { code: 'recorded', message: `attempt ${c.outcome.attempt} of ${c.requestId} is recorded` } };
      const events: NewEvent[] = [{ type: 'OutgoingWebhookAttempted', data: { ...ref, ...c.outcome } }];
      if (c.outcome.final) {
        if (c.succeeded && c.outcome.status !== null)
          events.push({ type: 'OutgoingWebhookSucceeded', data: { ...ref, attempts: c.outcome.attempt, status: c.outcome.status } });
        else
          events.push({
            type: 'OutgoingWebhookFailed',
            data: { ...ref, attempts: c.outcome.attempt, reason: c.outcome.error ?? (c.outcome.status !== null ? `HTTP ${c.outcome.status}` : 'unknown') },
          });
      }
      events.push(...(c.also ?? []));
      return { events };
    }
    default: {
      const never: never = c;
      return never;
    }
  }
}

export const webhookDeliveriesDecider: Decider<WebhookDeliveryCommand, DozorEvent, WebhookDeliveriesState, WebhookDeliveryRejection> = {
  decide,
  evolve,
  initialState,
};
