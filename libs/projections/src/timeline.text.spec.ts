import { describe, expect, it } from 'vitest';
import type { DozorEvent } from '@dozor/contracts';
import { formatDuration, timelineText } from './timeline.text.js';

const metadata = {
  eventId: 'e',
  occurredAt: '2026-11-24T01:00:00.000Z',
  actor: { kind: 'user' as const, id: 'u1', name: 'alice' },
  source: 'telegram' as const,
  causationId: null,
  correlationId: 'c',
  traceparent: null,
};
const ev = (type: string, data: unknown, actor = metadata.actor, source: string = metadata.source) =>
  ({ type, schemaVersion: 1, data, metadata: { ...metadata, actor, source } }) as DozorEvent;

describe('timeline text', () => {
  it.each([
    [ev('AlertGroupAcknowledged', { alertGroupId: 'g' }), 'Acknowledged by alice (telegram)'],
    [ev('AlertGroupUnacknowledged', { alertGroupId: 'g' }, { kind: 'user', id: 'bob' }, 'api'), 'Unacknowledged by bob (api)'],
    [ev('AlertGroupResolved', { alertGroupId: 'g', by: 'source' }), 'Resolved by the alert source'],
    [ev('AlertGroupResolved', { alertGroupId: 'g', by: 'escalation' }), 'Resolved by an escalation step'],
    [ev('AlertGroupResolved', { alertGroupId: 'g', by: 'action' }, metadata.actor, 'cli'), 'Resolved by alice (cli)'],
    [ev('AlertGroupSilenced', { alertGroupId: 'g', until: null, durationSeconds: null }), 'Silenced forever by alice (telegram)'],
    [ev('AlertGroupSilenced', { alertGroupId: 'g', until: 'x', durationSeconds: 1800 }), 'Silenced for 30m by alice (telegram)'],
    [ev('AlertGroupUnsilenced', { alertGroupId: 'g', by: 'expired' }), 'Silence ended'],
    [ev('EscalationStepExecuted', { alertGroupId: 'g', stepIndex: 0, kind: 'wait', summary: 'Waited 5m', notifiedUsers: [] }), 'Waited 5m'],
    [
      ev('NotificationRequested', { alertGroupId: 'g', notificationId: 'n', userId: 'bob', important: true, stepIndex: 0, aggregateKey: 'k' }),
      'Notifying bob (important)',
    ],
    [
      ev('NotificationFailed', { alertGroupId: 'g', notificationId: 'n', userId: 'bob', channel: 'telegram', reason: '429', permanent: false }),
      'Telegram notification to bob failed: 429',
    ],
    [ev('EscalationResumed', { alertGroupId: 'g', chainId: 'c', steps: [] }), 'Escalation resumed from the first step: chain c, as configured now'],
    [ev('EscalationRepeated', { alertGroupId: 'g', stepIndex: 3, fromStepIndex: 1, repeat: 2 }), 'Escalation repeated from step 2 (repeat 2)'],
    [
      ev('EscalationHeld', { alertGroupId: 'g', stepIndex: 0, summary: 'Waiting for more than 2 alerts within 5 min (1 so far)' }),
      'Waiting for more than 2 alerts within 5 min (1 so far)',
    ],
    [
      ev('ChatNotificationRequested', { alertGroupId: 'g', notificationId: 'n', chatId: '-100', important: false, stepIndex: 0, aggregateKey: 'k' }),
      'Posting in Telegram chat -100',
    ],
    [
      ev('OutgoingWebhookRequested', { alertGroupId: 'g', webhookId: 'jira', trigger: 'escalation_step', stepIndex: 0, requestId: 'wh:g:1:0:jira' }),
      'Outgoing webhook jira requested by escalation step 1',
    ],
    [
      ev('NotificationDispatching', { alertGroupId: 'g', notificationId: 'n', userId: 'bob', chatId: '1', attempt: 1, dispatchId: 'd1' }),
      'Sending to bob in Telegram (attempt 1)',
    ],
    [
      ev('NotificationDispatching', { alertGroupId: 'g', notificationId: 'n', userId: 'bob', chatId: '1', attempt: 2, dispatchId: 'd2', recovers: 'd1' }),
      "Sending to bob in Telegram (attempt 2): the earlier attempt's notifier stopped before recording its outcome, so this may be a second copy",
    ],
    [
      ev('NotificationSent', { alertGroupId: 'g', notificationId: 'n', userId: 'bob', channel: 'telegram', chatId: '1', messageId: 5, bundleId: 'bundle-x' }),
      'Sent to bob in Telegram (listed in a storm bundle message)',
    ],
    [
      ev('NotificationSent', { alertGroupId: 'g', notificationId: 'n', userId: 'bob', channel: 'telegram', chatId: '1', messageId: 5, recovered: true }),
      'Sent to bob in Telegram (recovered after a notifier restart)',
    ],
    [
      ev('NotificationRetrying', {
        alertGroupId: 'g',
        notificationId: 'n',
        userId: 'bob',
        chatId: '1',
        reason: 'Too Many Requests: retry after 3',
        errorCode: 429,
        retryAfterMs: 3000,
        attempt: 1,
      }),
      'Telegram rate limited (429) sending to bob: Too Many Requests: retry after 3; retrying in 3s (request 1)',
    ],
    [
      ev('NotificationRetrying', {
        alertGroupId: 'g',
        notificationId: 'n',
        userId: 'bob',
        chatId: '1',
        reason: 'Bad Gateway',
        errorCode: 502,
        retryAfterMs: 400,
        attempt: 2,
      }),
      'Telegram error 502 sending to bob: Bad Gateway; retrying in 400 ms (request 2)',
    ],
    [
      ev('NotificationFailed', {
        alertGroupId: 'g',
        notificationId: 'n',
        userId: 'bob',
        channel: 'telegram',
        reason: 'server_error: Bad Gateway',
        permanent: false,
        next: 'Retried in 30s',
      }),
      'Telegram notification to bob failed: server_error: Bad Gateway. Retried in 30s',
    ],
  ])('%#: %s', (e, text) => {
    expect(timelineText(e)).toBe(text);
  });

  const hook = { alertGroupId: 'g', requestId: 'wh:g:0:1:ticket', webhookId: 'ticket', trigger: 'escalation_step' };
  const attempt = { ...hook, attempt: 1, url: 'https://h.example/x', method: 'POST', durationMs: 12, final: false };
  it.each([
    [ev('OutgoingWebhookRequested', { ...hook, stepIndex: 1 }), 'Outgoing webhook ticket requested by escalation step 2'],
    [
      ev('OutgoingWebhookAttempted', { ...attempt, status: 503, error: null, responseSnippet: `busy\n${'x'.repeat(300)}` }),
      `Outgoing webhook ticket (escalation) attempt 1: POST https://h.example/x → HTTP 503: busy ${'x'.repeat(195)}… (12 ms, will retry)`,
    ],
    [
      ev('OutgoingWebhookAttempted', { ...attempt, trigger: 'resolve', status: null, error: 'ECONNREFUSED', responseSnippet: null, final: true }),
      'Outgoing webhook ticket (resolve) attempt 1: POST https://h.example/x → error: ECONNREFUSED (12 ms)',
    ],
    [ev('OutgoingWebhookSucceeded', { ...hook, attempts: 3, status: 200 }), 'Outgoing webhook ticket (escalation) succeeded: HTTP 200 after 3 attempts'],
    [ev('OutgoingWebhookFailed', { ...hook, attempts: 1, reason: 'HTTP 404' }), 'Outgoing webhook ticket (escalation) failed after 1 attempt: HTTP 404'],
    [
      ev('AlertmanagerSilenceCreated', {
        alertGroupId: 'g',
        integrationId: 'am',
        silenceId: 's1',
        url: 'http://am:9093/',
        matchers: [],
        endsAt: '2026-11-24T02:00:00.000Z',
      }),
      'Alertmanager silence s1 created at http://am:9093/ until 2026-11-24T02:00:00.000Z',
    ],
    [ev('AlertmanagerSilenceDeleted', { alertGroupId: 'g', integrationId: 'am', silenceId: 's1' }), 'Alertmanager silence s1 deleted'],
    [ev('OutgoingWebhookClaimed', { ...hook, attempt: 1, claimedAt: 'x' }), null],
  ])('outgoing webhooks %#: %s', (e, text) => {
    expect(timelineText(e)).toBe(text);
  });

  it('shows nothing for bookkeeping events and for types this build does not know', () => {
    expect(timelineText(ev('AlertReceived', {}))).toBeNull();
    expect(timelineText(ev('TimerFired', {}))).toBeNull();
    expect(timelineText(ev('NotificationBundled', {}))).toBeNull();
    expect(timelineText(ev('SomethingFromTheFuture', {}))).toBeNull();
  });

  it('formats durations', () => {
    expect([0, 45, 90, 3600, 5400, 86_400 + 7200].map(formatDuration)).toEqual(['0s', '45s', '1m 30s', '1h', '1h 30m', '1d 2h']);
  });
});
