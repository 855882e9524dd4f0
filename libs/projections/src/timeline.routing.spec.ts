import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTORS, type DozorEvent } from '@dozor/contracts';
import { timelineText } from './timeline.text.js';

const metadata = {
  eventId: 'e',
  occurredAt: '2026-11-24T01:00:00.000Z',
  actor: SYSTEM_ACTORS.router,
  source: 'system' as const,
  causationId: null,
  correlationId: 'c',
  traceparent: null,
};
const ev = (type: string, data: unknown) => ({ type, schemaVersion: 1, data, metadata }) as DozorEvent;
const assigned = (data: Record<string, unknown>) =>
  ev('RouteAssigned', { alertGroupId: 'g', routeId: 'critical', escalationChainId: 'page', escalates: true, suppressedBy: null, errors: [], ...data });
const summary = { alertId: 'r', status: 'firing', firing: ['a@t'], resolved: [], title: 't', receivedAt: 'x' };

describe('timeline text: routes, templates, modes', () => {
  it.each([
    [assigned({}), 'Route critical'],
    [
      assigned({ errors: [{ template: 'route:x', message: "UndefinedError: 'dict object' has no attribute 'a'" }] }),
      "Route critical. Template route:x failed: UndefinedError: 'dict object' has no attribute 'a', fell through",
    ],
    [assigned({ escalationChainId: null, escalates: false }), 'Route critical. Not escalated: the route has no escalation chain'],
    [assigned({ escalates: false, suppressedBy: 'debug' }), 'Route critical. Not escalated: the integration is in debug mode'],
    [
      ev('AlertAdded', {
        alertGroupId: 'g',
        receiptId: 'r',
        alert: summary,
        payload: {},
        templateErrors: [{ template: 'title', message: 'BudgetExceeded: x' }],
      }),
      'Alert received: firing (1 firing, 0 resolved). Template title failed: BudgetExceeded: x',
    ],
    [ev('AlertGroupAcknowledged', { alertGroupId: 'g', by: 'source' }), 'Acknowledged by the alert source'],
    [ev('AlertGroupResolved', { alertGroupId: 'g', by: 'maintenance' }), "Resolved: the integration's maintenance ended"],
    [
      ev('AlertGroupCreated', { alertGroupId: 'g', routeId: 'default', escalationChainId: null, mode: 'maintenance' }),
      'Alert group created on route default with no escalation chain (opened in maintenance mode: not escalated)',
    ],
  ])('%#: %s', (e, text) => expect(timelineText(e)).toBe(text));

  it('integration events are audit rows, not timeline lines', () => {
    for (const t of ['IntegrationMaintenanceStarted', 'IntegrationMaintenanceEnded', 'HeartbeatReceived', 'HeartbeatMissed', 'HeartbeatRestored']) {
      expect(timelineText(ev(t, { integrationId: 'am' }))).toBeNull();
    }
  });
});
