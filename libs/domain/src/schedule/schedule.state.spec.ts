import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSIONS, type DozorEvent, type NewEvent } from '@dozor/contracts';
import { defineOverride, defineRotation, defineSchedule } from './schedule.defaults.js';
import type { ScheduleDef } from './schedule.types.js';
import { evolveSchedule, initialScheduleState, swapOverrides, swapStatus, type ScheduleAggregate } from './schedule.state.js';
import { scheduleDecider, type ConfigureSchedule, type ImportIcalFeed, type ScheduleCommand } from './schedule.decider.js';

let n = 0;
function stamp(e: NewEvent, at = '2030-01-01T00:00:00.000Z'): DozorEvent {
  n++;
  return {
    ...e,
    schemaVersion: SCHEMA_VERSIONS[e.type],
    metadata: {
      eventId: `e${n}`,
      occurredAt: at,
      actor: { kind: 'system', id: 'spec' },
      source: 'system',
      causationId: null,
      correlationId: `e${n}`,
      traceparent: null,
    },
  } as DozorEvent;
}

/** given events, the folded state. */
function given(...events: NewEvent[]): ScheduleAggregate {
  return events.map((e) => stamp(e)).reduce((s, e) => evolveSchedule(s, e), initialScheduleState());
}

/** The events a command decides on a state; throws on a rejection. */
function decided(cmd: ScheduleCommand, state: ScheduleAggregate = initialScheduleState()): NewEvent[] {
  const d = scheduleDecider.decide(cmd, state);
  if ('rejected' in d) throw new Error(`rejected ${d.rejected.code}: ${d.rejected.message}`);
  return d.events;
}

const rejectionOf = (cmd: ScheduleCommand, state: ScheduleAggregate) => {
  const d = scheduleDecider.decide(cmd, state);
  return 'rejected' in d ? d.rejected.code : null;
};

/** The caller hashes the definition; here any text that changes with it will do. */
const configure = (d: ScheduleDef): ConfigureSchedule => ({
  type: 'ConfigureSchedule',
  scheduleId: d.id,
  definitionSha256: `sha-${JSON.stringify(d)}`,
  definition: JSON.parse(JSON.stringify(d)),
  origin: 'dozor.yaml',
});
const remove = { type: 'RemoveSchedule', scheduleId: 'ops', origin: 'dozor.yaml' } as const;

const def: ScheduleDef = defineSchedule({
  id: 'ops',
  rotations: [defineRotation({ id: 'r', frequency: 'daily', start: '2030-01-01T00:00', duration: 86400, rollingUsers: [['alice'], ['bob']] })],
});

const configured = (d: ScheduleDef): NewEvent => decided(configure(d))[0]!;
const override = defineOverride({ id: 'swap-S1', start: '2030-01-02T00:00:00.000Z', duration: 3600, users: ['bob'], level: 1 });
const requested: NewEvent = {
  type: 'ShiftSwapRequested',
  data: {
    scheduleId: 'ops',
    swapId: 'S1',
    beneficiary: 'alice',
    swapStart: '2030-01-02T00:00:00.000Z',
    swapEnd: '2030-01-02T01:00:00.000Z',
    description: null,
  },
};
const taken: NewEvent = { type: 'ShiftSwapTaken', data: { scheduleId: 'ops', swapId: 'S1', beneficiary: 'alice', benefactor: 'bob', overrides: [override] } };

describe('configuration decisions', () => {
  it('appends a created definition to an empty subject', () => {
    expect(decided(configure(def))).toEqual([
      {
        type: 'ScheduleConfigured',
        data: {
          scheduleId: 'ops',
          change: 'created',
          definitionSha256: configure(def).definitionSha256,
          definition: JSON.parse(JSON.stringify(def)),
          origin: 'dozor.yaml',
        },
      },
    ]);
  });

  it('appends nothing when the definition is unchanged, an update when it changed', () => {
    const s = given(configured(def));
    expect(decided(configure(def), s)).toEqual([]);
    const changed = { ...def, name: 'Ops team' };
    expect(decided(configure(changed), s)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ change: 'updated', definitionSha256: configure(changed).definitionSha256 }) }),
    ]);
  });

  it('removes once, and a schedule configured again after removal is created', () => {
    const s = given(configured(def));
    expect(decided(remove, s)).toEqual([{ type: 'ScheduleRemoved', data: { scheduleId: 'ops', origin: 'dozor.yaml' } }]);
    const removed = given(configured(def), { type: 'ScheduleRemoved', data: { scheduleId: 'ops', origin: 'dozor.yaml' } });
    expect(removed.removed).toBe(true);
    expect(decided(remove, removed)).toEqual([]);
    expect(decided(remove)).toEqual([]);
    expect(decided(configure(def), removed)).toEqual([expect.objectContaining({ data: expect.objectContaining({ change: 'created' }) })]);
  });
});

describe('shift swap decisions', () => {
  const request: ScheduleCommand = {
    type: 'RequestShiftSwap',
    scheduleId: 'ops',
    swapId: 'S1',
    beneficiary: 'alice',
    swapStart: '2030-01-01T12:00:00.000Z',
    swapEnd: '2030-01-01T13:00:00.000Z',
    description: null,
    effective: def,
  };
  // alice is on call on 2030-01-01, bob on the 2nd.
  const open: NewEvent = {
    type: 'ShiftSwapRequested',
    data: { ...requested.data, swapStart: '2030-01-01T12:00:00.000Z', swapEnd: '2030-01-01T13:00:00.000Z' },
  } as NewEvent;
  const take = (benefactor: string, now = Date.parse('2030-01-01T06:00:00Z')): ScheduleCommand => ({
    type: 'TakeShiftSwap',
    scheduleId: 'ops',
    swapId: 'S1',
    benefactor,
    now,
    effective: def,
  });

  it('requests a swap only for someone on call in the interval', () => {
    expect(decided(request, given(configured(def)))).toEqual([
      { type: 'ShiftSwapRequested', data: expect.objectContaining({ swapId: 'S1', beneficiary: 'alice' }) },
    ]);
    expect(rejectionOf({ ...request, beneficiary: 'bob' }, given(configured(def)))).toBe('not_on_call');
  });

  it('takes an open request with overrides that put the taker on call', () => {
    const [e] = decided(take('bob'), given(configured(def), open));
    expect(e).toMatchObject({ type: 'ShiftSwapTaken', data: { swapId: 'S1', benefactor: 'bob', overrides: [expect.objectContaining({ users: ['bob'] })] } });
  });

  it('refuses with domain rejections: unknown, not open, same user', () => {
    expect(rejectionOf(take('bob'), given(configured(def)))).toBe('swap_not_found');
    expect(rejectionOf(take('bob'), given(configured(def), open, taken))).toBe('swap_not_open');
    expect(rejectionOf(take('bob', Date.parse('2030-01-01T12:30:00Z')), given(configured(def), open))).toBe('swap_not_open');
    expect(rejectionOf(take('alice'), given(configured(def), open))).toBe('same_user');
    expect(rejectionOf({ type: 'DeleteShiftSwap', scheduleId: 'ops', swapId: 'S9' }, given(configured(def), open))).toBe('swap_not_found');
  });
});

describe('evolve', () => {
  it('folds the definition, the swaps and their overrides', () => {
    const s = given(configured(def), requested);
    expect(s.definition).toEqual(def);
    expect(s.swaps).toEqual([expect.objectContaining({ id: 'S1', status: 'open', benefactor: null })]);
    expect(swapOverrides(s)).toEqual([]);
    const t = given(configured(def), requested, taken);
    expect(t.swaps[0]).toMatchObject({ status: 'taken', benefactor: 'bob' });
    expect(swapOverrides(t)).toEqual([override]);
    const d = given(configured(def), requested, taken, { type: 'ShiftSwapDeleted', data: { scheduleId: 'ops', swapId: 'S1' } });
    expect(d.swaps[0]!.status).toBe('deleted');
    expect(swapOverrides(d)).toEqual([]);
  });

  it('a request replayed twice is one swap', () => {
    expect(given(requested, requested).swaps).toHaveLength(1);
  });

  it('an open request whose start has passed is past due', () => {
    const w = given(requested).swaps[0]!;
    expect(swapStatus(w, Date.parse('2030-01-01T23:59:59Z'))).toBe('open');
    expect(swapStatus(w, Date.parse('2030-01-02T00:00:00Z'))).toBe('past_due');
    expect(swapStatus(given(requested, taken).swaps[0]!, Date.parse('2031-01-01T00:00:00Z'))).toBe('taken');
  });

  it('ignores events that are not schedule events', () => {
    const s = initialScheduleState();
    expect(evolveSchedule(s, stamp({ type: 'AlertGroupAcknowledged', data: { alertGroupId: 'g-1' } }))).toBe(s);
  });
});

describe('iCal feed decisions', () => {
  const feed = (ics: string, sha256: string, over: Partial<ImportIcalFeed> = {}): ImportIcalFeed => ({
    type: 'ImportIcalFeed',
    scheduleId: 'ops',
    feed: 'primary',
    origin: 'https://x.example/…',
    ics,
    sha256,
    ...over,
  });

  it('appends a calendar only when its content changed', () => {
    const first = decided(feed('BEGIN:VCALENDAR', 'sha-1'));
    expect(first).toEqual([
      { type: 'ScheduleIcalImported', data: { scheduleId: 'ops', feed: 'primary', origin: 'https://x.example/…', sha256: 'sha-1', ics: 'BEGIN:VCALENDAR' } },
    ]);
    const s = given(first[0]!);
    expect(s.feeds.primary).toMatchObject({ sha256: 'sha-1' });
    expect(decided(feed('BEGIN:VCALENDAR', 'sha-1', { origin: 'o' }), s)).toEqual([]);
    expect(decided(feed('BEGIN:VCALENDAR', 'sha-1', { feed: 'overrides' }), s)).toHaveLength(1);
    expect(decided(feed('BEGIN:VCALENDAR\r\n', 'sha-2'), s)).toHaveLength(1);
  });
});
