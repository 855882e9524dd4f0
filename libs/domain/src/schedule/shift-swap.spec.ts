import { describe, expect, it } from 'vitest';
import { defineOverride, defineRotation, defineSchedule } from './schedule.defaults.js';
import { finalSchedule, onCallAt } from './final-schedule.js';
import { decideShiftSwap } from './shift-swap.js';

const schedule = defineSchedule({
  id: 's',
  rotations: [defineRotation({ id: 'day', frequency: 'daily', start: '2024-01-01T08:00', duration: 12 * 3600, rollingUsers: [['ann', 'cid'], ['bob']] })],
});

describe('shift swap', () => {
  it('the taker replaces the requester over the part of the interval the requester is on call; co-workers stay', () => {
    const d = decideShiftSwap(schedule, { id: 'swap-1', requester: 'ann', taker: 'dan', start: '2024-01-01T06:00:00Z', end: '2024-01-01T12:00:00Z' });
    expect(d).toEqual({
      ok: true,
      overrides: [{ id: 'swap-1', start: '2024-01-01T08:00:00.000Z', duration: 4 * 3600, users: ['dan', 'cid'], timeZone: 'UTC', level: 0 }],
    });
    if (!d.ok) return;
    const after = { ...schedule, overrides: d.overrides };
    expect(onCallAt(after, '2024-01-01T09:00:00Z')).toEqual(['dan', 'cid']);
    expect(onCallAt(after, '2024-01-01T13:00:00Z')).toEqual(['ann', 'cid']);
  });

  it('spanning several shifts gives one override per stretch of the requester', () => {
    const d = decideShiftSwap(schedule, { id: 'sw', requester: 'ann', taker: 'bob', start: '2024-01-01T00:00:00Z', end: '2024-01-04T00:00:00Z' });
    expect(d.ok && d.overrides.map((o) => [o.id, o.start, o.users])).toEqual([
      ['sw-1', '2024-01-01T08:00:00.000Z', ['bob', 'cid']],
      ['sw-2', '2024-01-03T08:00:00.000Z', ['bob', 'cid']],
    ]);
  });

  it('beats an override that put the requester on call', () => {
    const s = { ...schedule, overrides: [defineOverride({ id: 'o', start: '2024-01-01T00:00:00Z', duration: 86400, users: ['eve'], level: 3 })] };
    const d = decideShiftSwap(s, { id: 'sw', requester: 'eve', taker: 'fay', start: '2024-01-01T10:00:00Z', end: '2024-01-01T11:00:00Z' });
    expect(d.ok && d.overrides[0]!.level).toBe(4);
    if (!d.ok) return;
    const merged = finalSchedule({ ...s, overrides: [...s.overrides, ...d.overrides] }, '2024-01-01T09:00:00Z', '2024-01-01T12:00:00Z');
    expect(merged.map((f) => f.users)).toEqual([['eve'], ['fay'], ['eve']]);
  });

  it.each([
    [{ requester: 'ann', taker: 'ann' }, 'same_user'],
    [{ requester: 'zed', taker: 'ann' }, 'requester_not_on_call'],
    [{ requester: 'ann', taker: 'bob', end: '2024-01-01T08:00:00Z' }, 'invalid_interval'],
  ])('rejects %j: %s', (patch, reason) => {
    const base = { id: 'x', start: '2024-01-01T09:00:00Z', end: '2024-01-01T10:00:00Z' };
    const d = decideShiftSwap(schedule, { ...base, ...patch });
    expect(d.ok ? null : d.reason).toBe(reason);
  });
});
