import { describe, it } from 'vitest';
import type { DozorEvent, NewEvent, OutgoingWebhookRef } from '@dozor/contracts';
import { deciderSpec, specEvents } from '@dozor/testing';
import { LOST_OUTCOME, webhookDeliveriesDecider } from './webhook-deliveries.js';

const NOW = '2026-12-03T08:00:00.000Z';
const LATER = '2026-12-03T08:01:00.000Z';
const ref: OutgoingWebhookRef = { alertGroupId: 'g-1', requestId: 'wh:g-1:0:1:ticket', webhookId: 'ticket', trigger: 'escalation_step' };
const spec = deciderSpec(
  webhookDeliveriesDecider,
  specEvents<NewEvent, DozorEvent>({ occurredAt: NOW, actor: { kind: 'system', id: 'escalator' }, source: 'system' }),
);
const claim = (now = NOW) => ({ type: 'ClaimAttempt' as const, ...ref, now, leaseMs: 30_000 });
const claimed = (attempt: number): NewEvent => ({ type: 'OutgoingWebhookClaimed', data: { ...ref, attempt, claimedAt: NOW } });
const outcome = (attempt: number, status: number | null, final: boolean) => ({
  attempt,
  url: 'https://hooks.example/x',
  method: 'POST',
  status,
  error: status === null ? 'ECONNREFUSED' : null,
  responseSnippet: status === null ? null : '{"ok":true}',
  durationMs: 12,
  final,
});
const attempted = (attempt: number, status: number | null, final: boolean): NewEvent => ({
  type: 'OutgoingWebhookAttempted',
  data: { ...ref, ...outcome(attempt, status, final) },
});

describe('webhook deliveries: claim before sending', () => {
  it('claims the first attempt of a new request', () => {
    spec
      .given([])
      .when(claim())
      .then([{ type: 'OutgoingWebhookClaimed', data: { ...ref, attempt: 1, claimedAt: NOW } }]);
  });

  it('refuses a second claim while the first is being sent (another replica, a redelivery)', () => {
    spec
      .given([claimed(1)])
      .when(claim())
      .thenRejected('in_flight');
  });

  it('claims the next attempt after a recorded retriable one', () => {
    spec
      .given([claimed(1), attempted(1, 503, false)])
      .when(claim())
      .then([{ type: 'OutgoingWebhookClaimed', data: { attempt: 2 } }]);
  });

  it('does nothing once the delivery is finished', () => {
    spec
      .given([claimed(1), attempted(1, 200, true), { type: 'OutgoingWebhookSucceeded', data: { ...ref, attempts: 1, status: 200 } }])
      .when(claim())
      .thenRejected('finished');
  });

  it('takes over a claim whose sender stopped: the lost attempt is recorded, the next one claimed', () => {
    spec
      .given([claimed(1)])
      .when(claim(LATER))
      .then([
        { type: 'OutgoingWebhookAttempted', data: { attempt: 1, status: null, error: LOST_OUTCOME, final: false } },
        { type: 'OutgoingWebhookClaimed', data: { attempt: 2, claimedAt: LATER } },
      ]);
  });

  it('gives up when the lost attempt was the last one', () => {
    spec
      .given([claimed(1), attempted(1, 500, false), claimed(2), attempted(2, 500, false), claimed(3), attempted(3, 500, false), claimed(4)])
      .when(claim(LATER))
      .then([
        { type: 'OutgoingWebhookAttempted', data: { attempt: 4, final: true } },
        { type: 'OutgoingWebhookFailed', data: { attempts: 4, reason: LOST_OUTCOME } },
      ]);
  });
});

describe('webhook deliveries: recording', () => {
  it('records a final success with the Succeeded event', () => {
    spec
      .given([claimed(1)])
      .when({ type: 'RecordAttempt', ...ref, succeeded: true, outcome: outcome(1, 200, true) })
      .then([
        { type: 'OutgoingWebhookAttempted', data: { attempt: 1, status: 200, final: true } },
        { type: 'OutgoingWebhookSucceeded', data: { attempts: 1, status: 200 } },
      ]);
  });

  it('records a final failure with its reason', () => {
    spec
      .given([claimed(1)])
      .when({ type: 'RecordAttempt', ...ref, succeeded: false, outcome: outcome(1, 404, true) })
      .then([{ type: 'OutgoingWebhookAttempted' }, { type: 'OutgoingWebhookFailed', data: { attempts: 1, reason: 'HTTP 404' } }]);
  });

  it('records an attempt once', () => {
    spec
      .given([claimed(1), attempted(1, 503, false)])
      .when({ type: 'RecordAttempt', ...ref, succeeded: false, outcome: outcome(1, 503, false) })
      .thenRejected('recorded');
  });

  it('appends what a preset adds (an Alertmanager silence id) in the same commit', () => {
    const created: NewEvent = {
      type: 'AlertmanagerSilenceCreated',
      data: { alertGroupId: 'g-1', integrationId: 'am', silenceId: 's1', url: 'http://am:9093/', matchers: [], endsAt: LATER },
    };
    spec
      .given([claimed(1)])
      .when({ type: 'RecordAttempt', ...ref, succeeded: true, outcome: outcome(1, 200, true), also: [created] })
      .then([{ type: 'OutgoingWebhookAttempted' }, { type: 'OutgoingWebhookSucceeded' }, { type: 'AlertmanagerSilenceCreated', data: { silenceId: 's1' } }]);
  });
});
