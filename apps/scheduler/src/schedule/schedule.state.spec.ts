import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSIONS, type DozorEvent, type NewEvent } from '@dozor/contracts';
import { defineOverride, defineRotation, defineSchedule, type ScheduleDef } from '@dozor/domain';
import { evolveSchedule, initialScheduleState, swapOverrides, swapStatus, type ScheduleAggregate } from './schedule.state.js';
import { canonicalJson, definitionSha256, redactUrl, redactedDefinition, scheduleToken } from './schedule-definition.js';
import { decideConfigure, decideRemove } from './schedule-config.sync.js';
import { decideIcalImport, feedSpecs, type FeedSpec } from '../ical/ical-feeds.js';

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
  return events.map((e) => stamp(e)).reduce((s, e, i) => evolveSchedule(s, e, i + 1), initialScheduleState());
}

const def: ScheduleDef = defineSchedule({
  id: 'ops',
  rotations: [defineRotation({ id: 'r', frequency: 'daily', start: '2030-01-01T00:00', duration: 86400, rollingUsers: [['alice'], ['bob']] })],
});

const configured = (d: ScheduleDef): NewEvent => decideConfigure(initialScheduleState(), d, 'dozor.yaml')[0]!;
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
    const [e] = decideConfigure(initialScheduleState(), def, 'dozor.yaml');
    expect(e).toEqual({
      type: 'ScheduleConfigured',
      data: {
        scheduleId: 'ops',
        change: 'created',
        definitionSha256: definitionSha256(def),
        definition: JSON.parse(JSON.stringify(def)),
        origin: 'dozor.yaml',
      },
    });
  });

  it('appends nothing when the definition is unchanged, an update when it changed', () => {
    const s = given(configured(def));
    expect(decideConfigure(s, def, 'dozor.yaml')).toEqual([]);
    const changed = { ...def, name: 'Ops team' };
    expect(decideConfigure(s, changed, 'dozor.yaml')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ change: 'updated', definitionSha256: definitionSha256(changed) }) }),
    ]);
  });

  it('removes once, and a schedule configured again after removal is created', () => {
    const s = given(configured(def));
    expect(decideRemove(s, 'ops', 'dozor.yaml')).toEqual([{ type: 'ScheduleRemoved', data: { scheduleId: 'ops', origin: 'dozor.yaml' } }]);
    const removed = given(configured(def), { type: 'ScheduleRemoved', data: { scheduleId: 'ops', origin: 'dozor.yaml' } });
    expect(removed.removed).toBe(true);
    expect(decideRemove(removed, 'ops', 'dozor.yaml')).toEqual([]);
    expect(decideRemove(initialScheduleState(), 'ops', 'dozor.yaml')).toEqual([]);
    expect(decideConfigure(removed, def, 'dozor.yaml')).toEqual([expect.objectContaining({ data: expect.objectContaining({ change: 'created' }) })]);
  });

  it('keeps the secret parts of iCal URLs out of the event, yet notices when they change', () => {
    const ical = defineSchedule({
      id: 'cal',
      type: 'ical',
      ical: {
        url: 'https://calendar.example.com/ical/team/private-abc123/basic.ics?x=1',
        file: null,
        overridesUrl: null,
        overridesFile: null,
        refreshSeconds: 600,
      },
    });
    const [e] = decideConfigure(initialScheduleState(), ical, 'dozor.yaml');
    expect(JSON.stringify(e)).not.toContain('abc123');
    expect((e!.data as { definition: ScheduleDef }).definition.ical!.url).toBe('https://calendar.example.com/…');
    const rotated = { ...ical, ical: { ...ical.ical!, url: 'https://calendar.example.com/ical/team/private-def456/basic.ics?x=1' } };
    expect(decideConfigure(given(e!), rotated, 'dozor.yaml')).toHaveLength(1);
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
    expect(evolveSchedule(s, stamp({ type: 'AlertGroupAcknowledged', data: { alertGroupId: 'g-1' } }), 1)).toBe(s);
  });
});

describe('iCal feed decisions', () => {
  const spec: FeedSpec = { scheduleId: 'ops', feed: 'primary', url: 'https://x.example/cal.ics', file: null, refreshMs: 600_000 };

  it('appends a calendar only when its content changed', () => {
    const first = decideIcalImport(initialScheduleState(), spec, 'https://x.example/…', 'BEGIN:VCALENDAR', 'sha-1');
    expect(first).toEqual([
      { type: 'ScheduleIcalImported', data: { scheduleId: 'ops', feed: 'primary', origin: 'https://x.example/…', sha256: 'sha-1', ics: 'BEGIN:VCALENDAR' } },
    ]);
    const s = given(first[0]!);
    expect(s.feeds.primary).toMatchObject({ sha256: 'sha-1', seq: 1 });
    expect(decideIcalImport(s, spec, 'o', 'BEGIN:VCALENDAR', 'sha-1')).toEqual([]);
    expect(decideIcalImport(s, { ...spec, feed: 'overrides' }, 'o', 'BEGIN:VCALENDAR', 'sha-1')).toHaveLength(1);
    expect(decideIcalImport(s, spec, 'o', 'BEGIN:VCALENDAR\r\n', 'sha-2')).toHaveLength(1);
  });

  it('reads feeds from the config, files relative to the config file', () => {
    const cal = defineSchedule({
      id: 'cal',
      type: 'ical',
      ical: { url: null, file: 'team.ics', overridesUrl: 'webcal://x.example/o.ics', overridesFile: null, refreshSeconds: 60 },
    });
    expect(feedSpecs([def, cal], '/etc/dozor/dozor.yaml')).toEqual([
      { scheduleId: 'cal', feed: 'primary', url: null, file: '/etc/dozor/team.ics', refreshMs: 60_000 },
      { scheduleId: 'cal', feed: 'overrides', url: 'webcal://x.example/o.ics', file: null, refreshMs: 60_000 },
    ]);
  });
});

describe('definition helpers', () => {
  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe(canonicalJson({ a: [{ c: null, d: 2 }], b: 1 }));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('redacts URLs to scheme and host', () => {
    expect(redactUrl('https://user:pw@cal.example.com:8443/a/b.ics?token=1')).toBe('https://cal.example.com:8443/…');
    expect(redactUrl('https://cal.example.com/')).toBe('https://cal.example.com/');
    expect(redactUrl(redactUrl('https://cal.example.com/x'))).toBe('https://cal.example.com/…');
    expect(redactUrl(null)).toBeNull();
    expect(redactedDefinition(def)).toBe(def);
  });

  it('maps any schedule id to one subject token', () => {
    expect(scheduleToken('demo-critical-alerts-schedule')).toBe('demo-critical-alerts-schedule');
    expect(scheduleToken('Team A.primary')).toMatch(/^x-[a-z2-7]{26}$/);
    expect(scheduleToken('Team A.primary')).toBe(scheduleToken('Team A.primary'));
    expect(scheduleToken('Team A.primary')).not.toBe(scheduleToken('Team A primary'));
  });
});
