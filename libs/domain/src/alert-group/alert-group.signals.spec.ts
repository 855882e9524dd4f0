import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { alertmanagerPayloadAsStored, SYSTEM_ACTORS, type AlertReceivedData, type DozorEvent, type NewEvent } from '@dozor/contracts';
import { deciderSpec, expectEvents, specEvents } from '@dozor/testing';
import { decide, evolve, initialState, groupState, type AlertGroupCommand, type ProcessReceipt } from './index.js';

/** The decider with what the router renders from templates passed in as data: conditions, display, template errors, modes. */
const fixtures = fileURLToPath(new URL('../../../../test/fixtures/alertmanager/', import.meta.url));
const am = (name: string) => alertmanagerPayloadAsStored(JSON.parse(readFileSync(fixtures + name, 'utf8')));

const KEY = 'abcdefghijklmnopqrst';
const ID = `${KEY}-1`;
const NOW = '2026-11-24T01:00:00.000Z';
const toEvent = specEvents<NewEvent, DozorEvent>({ occurredAt: NOW, actor: SYSTEM_ACTORS.router, source: 'system' });
const spec = deciderSpec({ decide: (c: AlertGroupCommand, s) => decide(c, s), evolve, initialState }, toEvent);

const received = (receiptId: string, extra: Partial<AlertReceivedData> = {}): NewEvent => ({
  type: 'AlertReceived',
  data: {
    receiptId,
    integrationId: 'am',
    integrationKind: 'alertmanager',
    groupingKey: 'gk',
    aggregateKey: KEY,
    bodySha256: receiptId,
    payload: am('firing-flapping.json'),
    ...extra,
  },
});
const webhook = (receiptId: string, payload: Record<string, unknown>, extra: Partial<AlertReceivedData> = {}) =>
  received(receiptId, { integrationId: 'wh', integrationKind: 'formatted_webhook', payload: payload as never, ...extra });
const process = (receiptId: string, extra: Partial<ProcessReceipt> = {}): AlertGroupCommand => ({
  type: 'ProcessReceipt',
  receiptId,
  route: { routeId: 'critical', escalationChainId: 'chain' },
  now: NOW,
  ...extra,
});
const after = (h: NewEvent[], cmd: AlertGroupCommand) => [
  ...h,
  ...spec
    .given(h)
    .when(cmd)
    .then(() => {}),
];
const stateOf = (h: NewEvent[]) => h.map(toEvent).reduce(evolve, initialState());

describe('AlertGroup decider: conditions and display come in as data', () => {
  it('records the route and the filters that fell through with the group', () => {
    const routeErrors = [{ template: 'route:broken', message: "UndefinedError: 'dict object' has no attribute 'x'" }];
    spec
      .given([received('r1')])
      .when(process('r1', { routeErrors }))
      .then([
        { type: 'AlertGroupCreated', data: { routeId: 'critical', escalationChainId: 'chain' } },
        {
          type: 'RouteAssigned',
          data: { alertGroupId: ID, routeId: 'critical', escalationChainId: 'chain', escalates: true, suppressedBy: null, errors: routeErrors },
        },
        { type: 'AlertAdded' },
      ]);
  });

  it('a route without a chain is recorded as not escalating', () => {
    spec
      .given([received('r1')])
      .when(process('r1', { route: { routeId: 'quiet', escalationChainId: null } }))
      .then([
        { type: 'AlertGroupCreated', data: { escalationChainId: null } },
        { type: 'RouteAssigned', data: { routeId: 'quiet', escalates: false, suppressedBy: null } },
        { type: 'AlertAdded' },
      ]);
  });

  it('uses the rendered title and source link', () => {
    spec
      .given([received('r1')])
      .when(process('r1', { display: { title: '[firing] FlappingTest (warning)', sourceLink: 'http://vm:19093' } }))
      .then([
        { type: 'AlertGroupCreated', data: { title: '[firing] FlappingTest (warning)', sourceLink: 'http://vm:19093' } },
        { type: 'RouteAssigned' },
        { type: 'AlertAdded', data: { alert: { title: '[firing] FlappingTest (warning)' } } },
      ]);
  });

  it('resolves on the resolve condition, whatever the payload says', () => {
    const h = after([received('r1')], process('r1'));
    spec
      .given([...h, received('r2')])
      .when(process('r2', { signals: { resolve: true, acknowledge: false } }))
      .then([
        { type: 'AlertAdded', data: { alert: { status: 'resolved' } } },
        { type: 'AlertGroupResolved', data: { alertGroupId: ID, by: 'source' } },
      ]);
  });

  it('does not resolve a resolved Alertmanager payload when the resolve condition says no', () => {
    const h = after([received('r1')], process('r1'));
    spec
      .given([...h, received('r2', { payload: am('resolved.json') })])
      .when(process('r2', { signals: { resolve: false, acknowledge: false } }))
      .then([{ type: 'AlertAdded' }]);
  });

  it('acknowledges a new group on the acknowledge condition, by the source', () => {
    const events = spec
      .given([received('r1')])
      .when(process('r1', { signals: { resolve: false, acknowledge: true } }))
      .then([
        { type: 'AlertGroupCreated' },
        { type: 'RouteAssigned' },
        { type: 'AlertAdded' },
        { type: 'AlertGroupAcknowledged', data: { alertGroupId: ID, by: 'source' } },
      ]);
    const s = stateOf([received('r1'), ...events]);
    expect(groupState(s.current!)).toBe('acknowledged');
    expect(s.current!.acknowledgedBy).toBe('the alert source');
  });

  it('acknowledges an open group once, and resolve wins over acknowledge', () => {
    const ack = { resolve: false, acknowledge: true };
    const h1 = after([received('r1')], process('r1'));
    const h2 = after([...h1, received('r2')], process('r2', { signals: ack }));
    expectEvents(h2.slice(h1.length + 1)).toInclude('AlertAdded', 'AlertGroupAcknowledged');
    spec
      .given([...h2, received('r3')])
      .when(process('r3', { signals: ack }))
      .then([{ type: 'AlertAdded' }]);
    spec
      .given([...h2, received('r4')])
      .when(process('r4', { signals: { resolve: true, acknowledge: true } }))
      .then([{ type: 'AlertAdded' }, { type: 'AlertGroupResolved' }]);
  });

  it('records template failures on the alert, including the grouping id failure from ingest', () => {
    const groupingError = { template: 'grouping_id', message: 'UndefinedError: x' };
    const templateErrors = [{ template: 'title', message: 'BudgetExceeded: too many steps' }];
    spec
      .given([received('r1', { groupingError })])
      .when(process('r1', { templateErrors }))
      .then([
        { type: 'AlertGroupCreated' },
        { type: 'RouteAssigned', data: { errors: [] } },
        { type: 'AlertAdded', data: { templateErrors: [groupingError, ...templateErrors] } },
      ]);
  });
});

describe('AlertGroup decider: payloads of the webhook kinds', () => {
  it('opens a group with no Alertmanager fields', () => {
    const events = spec
      .given([webhook('r1', { alert_uid: 'u1', title: 'Disk full', state: 'alerting' })])
      .when(process('r1', { display: { title: 'Disk full', sourceLink: null } }))
      .then([
        {
          type: 'AlertGroupCreated',
          data: {
            integrationKind: 'formatted_webhook',
            title: 'Disk full',
            severity: null,
            groupLabels: {},
            commonLabels: {},
            commonAnnotations: {},
            sourceLink: null,
          },
        },
        { type: 'RouteAssigned' },
        { type: 'AlertAdded', data: { alert: { status: 'firing', firing: [], resolved: [], title: 'Disk full' } } },
      ]);
    expect(stateOf([webhook('r1', {}), ...events]).current).toMatchObject({ integrationKind: 'formatted_webhook', truncatedAlerts: 0 });
  });

  it('without signals a webhook payload never resolves (the router always passes them)', () => {
    const h = after([webhook('r1', { state: 'alerting' })], process('r1'));
    spec
      .given([...h, webhook('r2', { state: 'OK' })])
      .when(process('r2'))
      .then([{ type: 'AlertAdded' }]);
  });
});

describe('AlertGroup decider: maintenance and debug mode', () => {
  const maintenance = { mode: 'maintenance' as const, maintenanceId: '1-abc' };
  const debug = { mode: 'debug' as const, maintenanceId: '2-abc' };

  it('maintenance: the group escalates nothing and nothing resolves or acknowledges it', () => {
    const h = after([received('r1', { mode: maintenance })], process('r1'));
    expect(h.find((e) => e.type === 'AlertGroupCreated')).toMatchObject({ data: { escalationChainId: null, routeId: 'critical', mode: 'maintenance' } });
    expect(h.find((e) => e.type === 'RouteAssigned')).toMatchObject({ data: { escalationChainId: 'chain', escalates: false, suppressedBy: 'maintenance' } });
    spec
      .given([...h, received('r2', { mode: maintenance, payload: am('resolved.json') })])
      .when(process('r2', { signals: { resolve: true, acknowledge: true } }))
      .then([{ type: 'AlertAdded', data: { alert: { status: 'firing' } } }]);
  });

  it('maintenance: its end resolves the maintenance group, once', () => {
    const h = after([received('r1', { mode: maintenance })], process('r1'));
    const closed = spec
      .given(h)
      .when({ type: 'CloseMaintenanceGroup' })
      .then([{ type: 'AlertGroupResolved', data: { alertGroupId: ID, by: 'maintenance' } }]);
    spec
      .given([...h, ...closed])
      .when({ type: 'CloseMaintenanceGroup' })
      .thenNothingHappened();
  });

  it('closing never touches a group that is not a maintenance group', () => {
    spec
      .given(after([received('r1')], process('r1')))
      .when({ type: 'CloseMaintenanceGroup' })
      .thenNothingHappened();
    spec.given([]).when({ type: 'CloseMaintenanceGroup' }).thenNothingHappened();
  });

  it('debug: grouping and resolving as usual, escalation off', () => {
    const h = after([received('r1', { mode: debug })], process('r1'));
    expect(h.find((e) => e.type === 'AlertGroupCreated')).toMatchObject({ data: { escalationChainId: null, mode: 'debug' } });
    expect(h.find((e) => e.type === 'RouteAssigned')).toMatchObject({ data: { escalates: false, suppressedBy: 'debug' } });
    spec
      .given([...h, received('r2', { mode: debug, payload: am('resolved.json') })])
      .when(process('r2'))
      .then([{ type: 'AlertAdded' }, { type: 'AlertGroupResolved', data: { by: 'source' } }]);
  });
});
