import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAlertmanagerPayload, type DozorEvent, type NewEvent, type AlertReceivedData } from '@dozor/contracts';
import { deciderSpec, specEvents } from '@dozor/testing';
import { decide, evolve, initialState, groupState, type AlertGroupCommand, type ActOnAlertGroup } from './index.js';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/alertmanager/', import.meta.url));
const payload = (name: string) => parseAlertmanagerPayload(JSON.parse(readFileSync(fixtures + name, 'utf8')));

const KEY = 'abcdefghijklmnopqrst';
const ID = `${KEY}-1`;
const NOW = '2026-11-24T01:00:00.000Z';
const toEvent = specEvents<NewEvent, DozorEvent>({ occurredAt: NOW, actor: { kind: 'user', id: 'alice', name: 'alice' }, source: 'api' });
const spec = deciderSpec({ decide: (c: AlertGroupCommand, s) => decide(c, s), evolve, initialState }, toEvent);

const received = (receiptId: string, fixture: string): NewEvent => ({
  type: 'AlertReceived',
  data: {
    receiptId,
    integrationId: 'am',
    integrationKind: 'alertmanager',
    groupingKey: 'gk',
    aggregateKey: KEY,
    bodySha256: receiptId,
    payload: payload(fixture),
  } satisfies AlertReceivedData,
});
const process = (receiptId: string): AlertGroupCommand => ({
  type: 'ProcessReceipt',
  receiptId,
  route: { routeId: 'default', escalationChainId: 'chain' },
  now: NOW,
});
const act = (action: ActOnAlertGroup['action'], extra: Partial<ActOnAlertGroup> = {}): AlertGroupCommand => ({
  type: 'ActOnAlertGroup',
  action,
  alertGroupId: ID,
  actor: { kind: 'user', id: 'alice', name: 'alice' },
  source: 'telegram',
  now: NOW,
  ...extra,
});

/** A history with an open group: firing-flapping.json processed. */
function opened(): NewEvent[] {
  const h = [received('r1', 'firing-flapping.json')];
  const created = spec
    .given(h)
    .when(process('r1'))
    .then([{ type: 'AlertGroupCreated' }, { type: 'RouteAssigned' }, { type: 'AlertAdded' }]);
  return [...h, ...created];
}
/** `h` and what `command` decided on it. */
const after = (h: NewEvent[], command: AlertGroupCommand) => [
  ...h,
  ...spec
    .given(h)
    .when(command)
    .then(() => {}),
];
const withAction = (h: NewEvent[], a: ActOnAlertGroup['action'], extra: Partial<ActOnAlertGroup> = {}) => after(h, act(a, extra));
const stateOf = (h: NewEvent[]) => {
  const s = h.map(toEvent).reduce(evolve, initialState());
  return s.current ? groupState(s.current) : null;
};

describe('AlertGroup decider: grouping', () => {
  it('opens a group on the first firing payload, routed, titled from the group labels', () => {
    spec
      .given([received('r1', 'firing-flapping.json')])
      .when(process('r1'))
      .then([
        {
          type: 'AlertGroupCreated',
          data: { alertGroupId: ID, routeId: 'default', escalationChainId: 'chain', title: 'FlappingTest (warning)', severity: 'warning' },
        },
        { type: 'RouteAssigned', data: { alertGroupId: ID, routeId: 'default', escalationChainId: 'chain', escalates: true, suppressedBy: null, errors: [] } },
        { type: 'AlertAdded', data: { alertGroupId: ID, receiptId: 'r1', alert: { status: 'firing', firing: ['98e0d054c5ec7a52@2026-11-24T00:56:00.975Z'] } } },
      ]);
  });

  it('adds a repeat to the open group without opening another', () => {
    const h = [...opened(), received('r2', 'firing-flapping.json')];
    spec
      .given(h)
      .when(process('r2'))
      .then([{ type: 'AlertAdded', data: { alertGroupId: ID, receiptId: 'r2' } }]);
  });

  it('auto-resolves on a resolved payload', () => {
    const h = [...opened(), received('r2', 'resolved.json')];
    spec
      .given(h)
      .when(process('r2'))
      .then([
        { type: 'AlertAdded', data: { alertGroupId: ID } },
        { type: 'AlertGroupResolved', data: { alertGroupId: ID, by: 'source' } },
      ]);
  });

  it('opens the next group when firing arrives after a resolve', () => {
    const h1 = [...opened(), received('r2', 'resolved.json')];
    const h2 = [...after(h1, process('r2')), received('r3', 'firing-flapping-refire.json')];
    spec
      .given(h2)
      .when(process('r3'))
      .then([
        { type: 'AlertGroupCreated', data: { alertGroupId: `${KEY}-2` } },
        { type: 'RouteAssigned' },
        { type: 'AlertAdded', data: { alertGroupId: `${KEY}-2` } },
      ]);
  });

  it('attaches a resolve for a closed group to the latest resolved group and never opens one', () => {
    const h1 = [...opened(), received('r2', 'resolved.json')];
    const h2 = [...after(h1, process('r2')), received('r3', 'resolved.json')];
    spec
      .given(h2)
      .when(process('r3'))
      .then([{ type: 'AlertAdded', data: { alertGroupId: ID, receiptId: 'r3' } }]);
  });

  it('discards a resolve for a grouping key that never had a group', () => {
    spec
      .given([received('r1', 'resolved.json')])
      .when(process('r1'))
      .then([{ type: 'AlertDiscarded', data: { receiptId: 'r1' } }]);
  });

  it('decides receipts strictly in order', () => {
    spec
      .given([received('r1', 'firing-flapping.json'), received('r2', 'resolved.json')])
      .when(process('r2'))
      .thenRejected('bad_request', /oldest/);
  });

  it('keeps a firing group with a resolved alert inside open', () => {
    const h = [...opened(), received('r2', 'firing-group-with-resolved-alert.json')];
    const events = spec
      .given(h)
      .when(process('r2'))
      .then([{ type: 'AlertAdded' }]);
    expect(events).toHaveLength(1);
  });
});

describe('AlertGroup decider: actions (Grafana OnCall transitions)', () => {
  it('acknowledge from firing', () =>
    spec
      .given(opened())
      .when(act('acknowledge'))
      .then([{ type: 'AlertGroupAcknowledged', data: { alertGroupId: ID } }]));
  it('acknowledge by someone else of a group acknowledged is rejected, naming the acknowledger', () =>
    spec
      .given(withAction(opened(), 'acknowledge'))
      .when(act('acknowledge', { actor: { kind: 'user', id: 'bob', name: 'bob' } }))
      .thenRejected('invalid_transition', /already acknowledged by alice/));
  it('the acknowledger acknowledging again confirms (the answer to a reminder) and changes no state', () => {
    const h = withAction(opened(), 'acknowledge');
    spec
      .given(h)
      .when(act('acknowledge'))
      .then([{ type: 'AlertGroupAcknowledgmentConfirmed', data: { alertGroupId: ID } }]);
    expect(stateOf(h)).toBe('acknowledged');
  });
  it('an ack by the alert source is not confirmed by a person', () =>
    spec
      .given([...opened(), { type: 'AlertGroupAcknowledged', data: { alertGroupId: ID, by: 'source' } }])
      .when(act('acknowledge'))
      .thenRejected('invalid_transition', /already acknowledged/));
  it('acknowledge a resolved group is rejected', () =>
    spec
      .given(withAction(opened(), 'resolve'))
      .when(act('acknowledge'))
      .thenRejected('invalid_transition', /resolved/));
  it('ack clears a silence', () => {
    const h = withAction(withAction(opened(), 'silence', { durationSeconds: 3600 }), 'acknowledge');
    expect(stateOf(h)).toBe('acknowledged');
    spec
      .given(h)
      .when(act('unsilence'))
      .thenRejected('invalid_transition', /not silenced/);
  });
  it('unacknowledge returns to firing', () => {
    const h = withAction(withAction(opened(), 'acknowledge'), 'unacknowledge');
    expect(stateOf(h)).toBe('firing');
  });
  it('unacknowledge when not acknowledged is rejected', () => spec.given(opened()).when(act('unacknowledge')).thenRejected('invalid_transition'));
  it('resolve from firing, acknowledged and silenced', () => {
    for (const h of [opened(), withAction(opened(), 'acknowledge'), withAction(opened(), 'silence', { durationSeconds: 60 })]) {
      spec
        .given(h)
        .when(act('resolve'))
        .then([{ type: 'AlertGroupResolved', data: { by: 'action' } }]);
    }
  });
  it('resolve twice is rejected', () =>
    spec
      .given(withAction(opened(), 'resolve'))
      .when(act('resolve'))
      .thenRejected('invalid_transition', /already resolved/));
  it('unresolve returns to firing', () => {
    const h = withAction(withAction(withAction(opened(), 'acknowledge'), 'resolve'), 'unresolve');
    expect(stateOf(h)).toBe('firing');
  });
  it('unresolve an open group is rejected', () =>
    spec
      .given(opened())
      .when(act('unresolve'))
      .thenRejected('invalid_transition', /not resolved/));
  it('silence for a duration sets its end', () =>
    spec
      .given(opened())
      .when(act('silence', { durationSeconds: 3600 }))
      .then([{ type: 'AlertGroupSilenced', data: { until: '2026-11-24T02:00:00.000Z', durationSeconds: 3600 } }]));
  it('silence forever has no end', () =>
    spec
      .given(opened())
      .when(act('silence', { durationSeconds: null }))
      .then([{ type: 'AlertGroupSilenced', data: { until: null } }]));
  it('silence clears an ack', () => expect(stateOf(withAction(withAction(opened(), 'acknowledge'), 'silence', { durationSeconds: 60 }))).toBe('silenced'));
  it('silence with a bad duration is rejected', () =>
    spec
      .given(opened())
      .when(act('silence', { durationSeconds: -5 }))
      .thenRejected('bad_request'));
  it('silence a resolved group is rejected', () =>
    spec
      .given(withAction(opened(), 'resolve'))
      .when(act('silence', { durationSeconds: 60 }))
      .thenRejected('invalid_transition'));
  it('unsilence', () =>
    spec
      .given(withAction(opened(), 'silence', { durationSeconds: 60 }))
      .when(act('unsilence'))
      .then([{ type: 'AlertGroupUnsilenced', data: { by: 'action' } }]));
  it('unsilence when not silenced is rejected', () => spec.given(opened()).when(act('unsilence')).thenRejected('invalid_transition'));
  it('an unknown group is not found', () =>
    spec
      .given(opened())
      .when(act('acknowledge', { alertGroupId: `${KEY}-7` }))
      .thenRejected('not_found'));
  it('a group with no history is not found', () => spec.given([]).when(act('acknowledge')).thenRejected('not_found'));
  it('an older generation is closed', () => {
    const h1 = [...withAction(opened(), 'resolve'), received('r2', 'firing-flapping-refire.json')];
    const h2 = after(h1, process('r2'));
    spec
      .given(h2)
      .when(act('unresolve'))
      .thenRejected('invalid_transition', /followed by/);
  });
});

describe('AlertGroup decider: silence expiry', () => {
  it('ends the silence it was set for', () => {
    const h = withAction(opened(), 'silence', { durationSeconds: 3600 });
    spec
      .given(h)
      .when({ type: 'ExpireSilence', alertGroupId: ID, until: '2026-11-24T02:00:00.000Z' })
      .then([{ type: 'AlertGroupUnsilenced', data: { by: 'expired' } }]);
  });
  it('ignores the timer of a silence that was replaced', () => {
    const h = withAction(withAction(opened(), 'silence', { durationSeconds: 3600 }), 'silence', { durationSeconds: 7200 });
    spec.given(h).when({ type: 'ExpireSilence', alertGroupId: ID, until: '2026-11-24T02:00:00.000Z' }).thenNothingHappened();
  });
  it('ignores the timer after an ack cleared the silence', () => {
    const h = withAction(withAction(opened(), 'silence', { durationSeconds: 3600 }), 'acknowledge');
    spec.given(h).when({ type: 'ExpireSilence', alertGroupId: ID, until: '2026-11-24T02:00:00.000Z' }).thenNothingHappened();
  });
});
