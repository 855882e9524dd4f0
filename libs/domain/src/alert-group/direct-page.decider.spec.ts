import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSIONS, type DozorEvent, type NewEvent } from '@dozor/contracts';
import { directPageDecider, type DirectPage, type DirectPageState } from './direct-page.decider.js';
import { DIRECT_PAGING_CHAIN_ID, directPagingSteps, parseDirectPage, respondersOf } from '../escalation/direct-paging.js';
import { DIRECT_PAGE_STEP_BASE, pageResponders } from '../escalation/direct-page-responders.js';
import { escalationDecider } from '../escalation/escalation.decider.js';

const NOW = '2026-12-03T12:00:00.000Z';
const KEY = 'aaaaaaaaaaaaaaaaaaaa';
const dir = { users: [{ id: 'alice' }, { id: 'bob' }], teams: [{ id: 'sre', users: ['alice', 'bob'] }] };

let n = 0;
const stamp = (e: NewEvent, at = NOW): DozorEvent =>
  ({
    ...e,
    schemaVersion: SCHEMA_VERSIONS[e.type],
    metadata: {
      eventId: `e${++n}`,
      occurredAt: at,
      actor: { kind: 'user', id: 'api' },
      source: 'api',
      causationId: null,
      correlationId: 'c',
      traceparent: null,
    },
  }) as DozorEvent;

function page(body: unknown, over: Partial<DirectPage> = {}): DirectPage {
  const r = parseDirectPage(body);
  if (!r.ok) throw new Error(r.message);
  const steps = directPagingSteps(r.value, dir);
  if (!steps.ok) throw new Error(steps.message);
  return {
    type: 'DirectPage',
    pageId: 'kpage1',
    idempotencyKey: 'k1',
    requestSha256: 'sha-1',
    request: r.value,
    steps: steps.value,
    aggregateKey: KEY,
    author: 'api',
    now: NOW,
    ...over,
  };
}

function fold(events: NewEvent[], s: DirectPageState = directPageDecider.initialState(), at = NOW): DirectPageState {
  return events.map((e) => stamp(e, at)).reduce(directPageDecider.evolve, s);
}

const eventsOf = (d: ReturnType<typeof directPageDecider.decide>) => ('events' in d ? d.events : []);

describe('direct page decider', () => {
  const body = {
    title: 'DB down',
    message: 'primary gone',
    users: [
      { id: 'alice', important: true },
      { id: 'bob', important: false },
    ],
  };

  it('opens a group on the built-in integration, its chain the page steps', () => {
    const d = directPageDecider.decide(page(body), directPageDecider.initialState());
    const evs = eventsOf(d);
    expect(evs.map((e) => e.type)).toEqual(['AlertGroupCreated', 'RouteAssigned', 'AlertAdded', 'AlertGroupDirectlyPaged']);
    const created = evs[0]!.data as { alertGroupId: string; integrationId: string; escalationChainId: string; title: string; commonAnnotations: object };
    expect(created).toMatchObject({
      alertGroupId: `${KEY}-1`,
      integrationId: 'direct-paging:no-team',
      escalationChainId: DIRECT_PAGING_CHAIN_ID,
      title: 'DB down',
    });
    expect(created.commonAnnotations).toEqual({ description: 'primary gone' });
    const paged = evs[3]!.data as { steps: unknown[]; opensGroup: boolean };
    expect(paged.opensGroup).toBe(true);
    expect(paged.steps).toEqual([
      { kind: 'notify_persons', users: ['alice'], important: true },
      { kind: 'notify_persons', users: ['bob'], important: false },
    ]);
  });

  it('a team page opens its group on the team’s integration', () => {
    const evs = eventsOf(directPageDecider.decide(page({ title: 't', team: 'sre', important_team_escalation: true }), directPageDecider.initialState()));
    expect((evs[0]!.data as { integrationId: string }).integrationId).toBe('direct-paging:team-sre');
    expect((evs[3]!.data as { steps: unknown[] }).steps).toEqual([{ kind: 'notify_team_members', team: 'sre', users: ['alice', 'bob'], important: true }]);
  });

  it('the same key and request again decides nothing; another request with it, or a day later, is refused', () => {
    const s = fold(eventsOf(directPageDecider.decide(page(body), directPageDecider.initialState())));
    expect(directPageDecider.decide(page(body), s)).toEqual({ events: [] });
    const other = directPageDecider.decide(page(body, { requestSha256: 'sha-2' }), s);
    expect(other).toMatchObject({ rejected: { code: 'key_reused' } });
    const late = directPageDecider.decide(page(body, { now: '2026-12-04T12:00:01.000Z' }), s);
    expect(late).toMatchObject({ rejected: { code: 'key_expired' } });
  });

  it('adds responders to an existing group, not to a resolved or unknown one', () => {
    const s = fold(eventsOf(directPageDecider.decide(page(body), directPageDecider.initialState())));
    const add = page({ alert_group_id: `${KEY}-1`, users: [{ id: 'bob', important: true }] }, { pageId: 'kpage2', requestSha256: 'sha-3' });
    expect(eventsOf(directPageDecider.decide(add, s)).map((e) => [e.type, (e.data as { opensGroup?: boolean }).opensGroup])).toEqual([
      ['AlertGroupDirectlyPaged', false],
    ]);
    const resolved = fold([{ type: 'AlertGroupResolved', data: { alertGroupId: `${KEY}-1`, by: 'action' } }], s);
    expect(directPageDecider.decide(add, resolved)).toEqual({
      rejected: { code: 'invalid_transition', message: 'Cannot add responders for a resolved alert group' },
    });
    const unknown = page({ alert_group_id: `${KEY}-9`, users: [{ id: 'bob', important: true }] }, { pageId: 'kpage3' });
    expect(directPageDecider.decide(unknown, s)).toMatchObject({ rejected: { code: 'bad_request', message: `Alert group ${KEY}-9 does not exist` } });
  });
});

describe('paging added responders (escalator)', () => {
  const cmd = {
    type: 'PageResponders' as const,
    alertGroupId: `${KEY}-1`,
    aggregateKey: KEY,
    pageId: 'kpage2',
    users: respondersOf([
      { kind: 'notify_persons', users: ['alice'], important: true },
      { kind: 'notify_team_members', team: 'sre', users: ['alice', 'bob'], important: false },
    ]),
    by: 'api',
    now: NOW,
  };

  it('pages each user once, important if any step said so, and never twice for one page', () => {
    expect(cmd.users).toEqual([
      { id: 'alice', important: true },
      { id: 'bob', important: false },
    ]);
    const s0 = escalationDecider.initialState();
    const evs = pageResponders(cmd, s0);
    expect(evs.map((e) => e.type)).toEqual(['DirectPageNotified', 'NotificationRequested', 'NotificationRequested']);
    expect(
      evs
        .slice(1)
        .map((e) => [(e.data as { userId: string }).userId, (e.data as { important: boolean }).important, (e.data as { stepIndex: number }).stepIndex]),
    ).toEqual([
      ['alice', true, DIRECT_PAGE_STEP_BASE],
      ['bob', false, DIRECT_PAGE_STEP_BASE],
    ]);
    const s1 = evs.map((e) => stamp(e)).reduce(escalationDecider.evolve, s0);
    expect(escalationDecider.decide(cmd, s1)).toEqual({ events: [] });
    // A second page on the group runs under the next step index: its ids never meet the first one's.
    const next = pageResponders({ ...cmd, pageId: 'kpage3' }, s1);
    expect((next[1]!.data as { stepIndex: number }).stepIndex).toBe(DIRECT_PAGE_STEP_BASE + 1);
  });
});
