import { describe, expect, it } from 'vitest';
import type { FinalShift, ScheduleDef } from './schedule.types.js';
import { defineOverride, defineRotation, defineSchedule, defineSingleShift } from './schedule.defaults.js';
import { finalSchedule, onCallAt } from './final-schedule.js';
import { findGaps } from './gaps.js';

const day = (id: string, users: string[][], level: number, start = '2024-01-01T00:00') =>
  defineRotation({ id, frequency: 'daily', start, duration: 86400, rollingUsers: users, level });

/** `HH:MM-HH:MM users source` per final shift on one UTC day. */
function table(s: ScheduleDef, from = '2024-01-01T00:00:00Z', to = '2024-01-02T00:00:00Z'): string[] {
  return finalSchedule(s, from, to).map((f: FinalShift) => {
    const src = f.gap ? 'gap' : `${f.source!.kind}:${f.source!.id}`;
    return `${f.start.slice(11, 16)}-${f.end.slice(11, 16)} ${f.users.join('+') || '-'} ${src}`;
  });
}

describe('final schedule', () => {
  it('a higher level splits a lower shift; gaps are explicit', () => {
    const s = defineSchedule({
      id: 's',
      rotations: [
        defineRotation({ id: 'biz', frequency: 'daily', start: '2024-01-01T08:00', duration: 10 * 3600, rollingUsers: [['ann']] }),
        defineRotation({ id: 'lunch', frequency: 'daily', start: '2024-01-01T12:00', duration: 3600, rollingUsers: [['bob']], level: 2 }),
      ],
    });
    expect(table(s)).toEqual([
      '00:00-08:00 - gap',
      '08:00-12:00 ann rotation:biz',
      '12:00-13:00 bob rotation:lunch',
      '13:00-18:00 ann rotation:biz',
      '18:00-00:00 - gap',
    ]);
  });

  it('a higher level that only overlaps one end trims the lower shift', () => {
    const s = defineSchedule({
      id: 's',
      rotations: [
        defineRotation({ id: 'low', frequency: 'daily', start: '2024-01-01T06:00', duration: 12 * 3600, rollingUsers: [['ann']] }),
        defineRotation({ id: 'high', frequency: 'daily', start: '2024-01-01T00:00', duration: 8 * 3600, rollingUsers: [['bob']], level: 1 }),
      ],
    });
    expect(table(s)).toEqual(['00:00-08:00 bob rotation:high', '08:00-18:00 ann rotation:low', '18:00-00:00 - gap']);
  });

  it('shifts that share the top level merge their users', () => {
    const s = defineSchedule({
      id: 's',
      rotations: [
        defineRotation({ id: 'a', frequency: 'daily', start: '2024-01-01T00:00', duration: 12 * 3600, rollingUsers: [['ann']] }),
        defineRotation({ id: 'b', frequency: 'daily', start: '2024-01-01T06:00', duration: 12 * 3600, rollingUsers: [['bob', 'ann']] }),
        defineRotation({ id: 'c', frequency: 'daily', start: '2024-01-01T00:00', duration: 86400, rollingUsers: [['cid']], level: -1 }),
      ],
    });
    expect(table(s)).toEqual(['00:00-06:00 ann rotation:a', '06:00-12:00 ann+bob rotation:a', '12:00-18:00 bob+ann rotation:b', '18:00-00:00 cid rotation:c']);
  });

  it('consecutive shifts of the same users stay separate shifts', () => {
    const s = defineSchedule({ id: 's', rotations: [day('d', [['ann']], 0)] });
    expect(table(s, '2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z')).toEqual(['00:00-00:00 ann rotation:d', '00:00-00:00 ann rotation:d']);
  });

  it('overrides beat every level; among overrides the higher level wins and equal levels merge', () => {
    const s = defineSchedule({
      id: 's',
      rotations: [day('top', [['ann']], 1000)],
      overrides: [
        defineOverride({ id: 'o1', start: '2024-01-01T10:00:00Z', duration: 4 * 3600, users: ['ovi'] }),
        defineOverride({ id: 'o2', start: '2024-01-01T12:00:00Z', duration: 4 * 3600, users: ['pat'] }),
        defineOverride({ id: 'o3', start: '2024-01-01T15:00:00Z', duration: 3600, users: ['quin'], level: 1 }),
      ],
    });
    expect(table(s)).toEqual([
      '00:00-10:00 ann rotation:top',
      '10:00-12:00 ovi override:o1',
      '12:00-14:00 ovi+pat override:o1',
      '14:00-15:00 pat override:o2',
      '15:00-16:00 quin override:o3',
      '16:00-00:00 ann rotation:top',
    ]);
  });

  it('single shifts are layers with a level', () => {
    const s = defineSchedule({
      id: 's',
      rotations: [day('d', [['ann']], 0)],
      singles: [defineSingleShift({ id: 'x', start: '2024-01-01T09:00', timeZone: 'Europe/Berlin', duration: 3600, users: ['sol'], level: 1 })],
    });
    expect(table(s)).toEqual(['00:00-08:00 ann rotation:d', '08:00-09:00 sol single:x', '09:00-00:00 ann rotation:d']);
  });

  it('the window is covered exactly: the first and last shifts are clipped to it', () => {
    const s = defineSchedule({ id: 's', rotations: [day('d', [['ann']], 0)] });
    const out = finalSchedule(s, '2024-01-01T05:00:00Z', '2024-01-01T07:00:00Z');
    expect(out).toEqual([
      { start: '2024-01-01T05:00:00.000Z', end: '2024-01-01T07:00:00.000Z', users: ['ann'], source: { kind: 'rotation', id: 'd', level: 0 } },
    ]);
    expect(finalSchedule(s, '2024-01-01T07:00:00Z', '2024-01-01T07:00:00Z')).toEqual([]);
  });

  it('an empty rotation group lets the level below show through, as OnCall skips empty events', () => {
    const s = defineSchedule({ id: 's', rotations: [day('primary', [['bob'], []], 1), day('backstop', [['alice']], 0)] });
    expect(table(s, '2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z')).toEqual(['00:00-00:00 bob rotation:primary', '00:00-00:00 alice rotation:backstop']);
    expect(onCallAt(s, '2024-01-02T12:00:00Z')).toEqual(['alice']);
  });

  it('an empty override yields too; with nothing below, the empty shift stands and is not a gap', () => {
    const s = defineSchedule({
      id: 's',
      rotations: [defineRotation({ id: 'r', frequency: 'daily', start: '2024-01-01T00:00', duration: 12 * 3600, rollingUsers: [['ann'], []] })],
      overrides: [defineOverride({ id: 'o', start: '2024-01-01T06:00:00Z', duration: 3600, users: [] })],
    });
    expect(table(s, '2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z')).toEqual([
      '00:00-12:00 ann rotation:r',
      '12:00-00:00 - gap',
      '00:00-12:00 - rotation:r',
      '12:00-00:00 - gap',
    ]);
  });

  it('an empty schedule is one gap', () => {
    expect(table(defineSchedule({ id: 's' }))).toEqual(['00:00-00:00 - gap']);
  });

  it('rejects instants without an offset', () => {
    expect(() => finalSchedule(defineSchedule({ id: 's' }), '2024-01-01T00:00:00', '2024-01-02T00:00:00Z')).toThrow(RangeError);
  });
});

describe('onCallAt', () => {
  const seed = defineSchedule({
    id: 'demo-critical-alerts-schedule',
    timeZone: 'Europe/Berlin',
    rotations: [
      defineRotation({
        id: 'workdays',
        frequency: 'weekly',
        byDay: ['MO', 'TU', 'WE', 'TH', 'FR'],
        start: '2024-01-01T09:00',
        duration: 9 * 3600,
        timeZone: 'Europe/Berlin',
        rollingUsers: [['alice'], ['bob']],
        weekStart: 'MO',
      }),
    ],
  });

  it.each([
    ['2024-01-01T08:00:00Z', ['alice'], 'Monday 09:00 Berlin'],
    ['2024-01-05T16:59:59Z', ['alice'], 'Friday 17:59:59'],
    ['2024-01-05T17:00:00Z', [], 'Friday 18:00: the shift is over'],
    ['2024-01-06T12:00:00Z', [], 'Saturday'],
    ['2024-01-08T08:00:00Z', ['bob'], 'next Monday: next turn'],
    ['2024-04-01T06:59:59Z', [], 'week 13, 08:59:59 Berlin'],
    ['2024-04-01T07:00:00Z', ['bob'], 'week 13, after the DST change: 09:00 is 07:00Z'],
  ])('%s -> %j (%s)', (at, users) => {
    expect(onCallAt(seed, at)).toEqual(users);
  });
});

describe('findGaps', () => {
  it('reports gaps and empty shifts; an empty shift is not a gap', () => {
    const s = defineSchedule({
      id: 's',
      rotations: [defineRotation({ id: 'r', frequency: 'daily', start: '2024-01-01T00:00', duration: 12 * 3600, rollingUsers: [['ann'], []] })],
    });
    const holes = findGaps(s, '2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z');
    expect(holes.gaps).toEqual([
      { start: '2024-01-01T12:00:00.000Z', end: '2024-01-02T00:00:00.000Z' },
      { start: '2024-01-02T12:00:00.000Z', end: '2024-01-03T00:00:00.000Z' },
    ]);
    expect(holes.emptyShifts).toEqual([
      { start: '2024-01-02T00:00:00.000Z', end: '2024-01-02T12:00:00.000Z', users: [], source: { kind: 'rotation', id: 'r', level: 0 }, groupIndex: 1 },
    ]);
  });

  it('reports an empty shift hidden by a backstop, with no gap, as OnCall does', () => {
    const s = defineSchedule({ id: 's', rotations: [day('primary', [['bob'], []], 1), day('backstop', [['alice']], 0)] });
    expect(findGaps(s, '2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z')).toEqual({
      gaps: [],
      emptyShifts: [
        { start: '2024-01-02T00:00:00.000Z', end: '2024-01-03T00:00:00.000Z', users: [], source: { kind: 'rotation', id: 'primary', level: 1 }, groupIndex: 1 },
      ],
    });
  });

  it('a fully covered schedule has none', () => {
    const s = defineSchedule({ id: 's', rotations: [day('d', [['ann'], ['bob']], 0)] });
    expect(findGaps(s, '2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z')).toEqual({ gaps: [], emptyShifts: [] });
  });
});
