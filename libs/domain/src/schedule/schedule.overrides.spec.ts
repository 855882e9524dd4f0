import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSIONS, type DozorEvent, type NewEvent } from '@dozor/contracts';
import { addedOverrides, evolveSchedule, initialScheduleState } from './schedule.state.js';
import { scheduleDecider, type ScheduleCommand } from './schedule.decider.js';

const stamp = (e: NewEvent): DozorEvent =>
  ({
    ...e,
    schemaVersion: SCHEMA_VERSIONS[e.type],
    metadata: {
      eventId: 'e',
      occurredAt: '2030-01-01T00:00:00.000Z',
      actor: { kind: 'system', id: 'spec' },
      source: 'api',
      causationId: null,
      correlationId: 'e',
      traceparent: null,
    },
  }) as DozorEvent;

const override = { id: 'O1', start: '2030-01-02T00:00:00.000Z', duration: 3600, users: ['bob'], timeZone: 'UTC', level: 0 };
const add: ScheduleCommand = { type: 'AddOverride', scheduleId: 'ops', name: 'tonight', override };

function run(cmds: ScheduleCommand[]) {
  let s = initialScheduleState();
  const out: (NewEvent[] | string)[] = [];
  for (const c of cmds) {
    const d = scheduleDecider.decide(c, s);
    if ('rejected' in d) out.push(d.rejected.code);
    else {
      out.push(d.events);
      s = d.events.map(stamp).reduce(evolveSchedule, s);
    }
  }
  return { s, out };
}

describe('overrides added through the API', () => {
  it('adds an override once, refuses the same id, deletes it, and refuses deleting it again', () => {
    const { s, out } = run([add, add]);
    expect(out[0]).toEqual([{ type: 'ScheduleOverrideAdded', data: { scheduleId: 'ops', name: 'tonight', override } }]);
    expect(out[1]).toBe('override_exists');
    expect(addedOverrides(s)).toEqual([override]);
    const del: ScheduleCommand = { type: 'DeleteOverride', scheduleId: 'ops', overrideId: 'O1' };
    const after = run([add, del, del]);
    expect(after.out[1]).toEqual([{ type: 'ScheduleOverrideDeleted', data: { scheduleId: 'ops', overrideId: 'O1' } }]);
    expect(after.out[2]).toBe('override_not_found');
    expect(addedOverrides(after.s)).toEqual([]);
  });

  it('folds a redelivered ScheduleOverrideAdded once', () => {
    const e = stamp({ type: 'ScheduleOverrideAdded', data: { scheduleId: 'ops', name: null, override } });
    expect(addedOverrides([e, e].reduce(evolveSchedule, initialScheduleState()))).toHaveLength(1);
  });
});
