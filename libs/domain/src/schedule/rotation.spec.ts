import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { RotationDef } from './schedule.types.js';
import { defineRotation, defineSchedule } from './schedule.defaults.js';
import { expandShifts } from './final-schedule.js';

const AB = [['a'], ['b']];
const ABC = [['a'], ['b'], ['c']];

/** The shifts of one rotation as `local start..local end users`, in the rotation's zone. */
function shifts(rot: RotationDef, from: string, to: string, limit = 100): string[] {
  const zone = rot.timeZone;
  const fmt = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
  return expandShifts(defineSchedule({ id: 's', rotations: [rot] }), from, to)
    .slice(0, limit)
    .map((s) => `${fmt(s.start)}..${fmt(s.end).slice(11)} ${s.users.join('+') || '-'}`);
}

describe('each frequency (UTC, 2024-01-01 is a Monday)', () => {
  it.each<[string, Partial<RotationDef>, string[]]>([
    [
      'hourly',
      { frequency: 'hourly', duration: 3600, rollingUsers: ABC },
      ['2024-01-01T00:00..01:00 a', '2024-01-01T01:00..02:00 b', '2024-01-01T02:00..03:00 c', '2024-01-01T03:00..04:00 a'],
    ],
    [
      'hourly, interval 6',
      { frequency: 'hourly', interval: 6, duration: 6 * 3600 },
      ['2024-01-01T00:00..06:00 a', '2024-01-01T06:00..12:00 b', '2024-01-01T12:00..18:00 a', '2024-01-01T18:00..00:00 b'],
    ],
    [
      'daily',
      { frequency: 'daily', duration: 86400 },
      ['2024-01-01T00:00..00:00 a', '2024-01-02T00:00..00:00 b', '2024-01-03T00:00..00:00 a', '2024-01-04T00:00..00:00 b'],
    ],
    [
      'daily, interval 2',
      { frequency: 'daily', interval: 2, duration: 86400 },
      ['2024-01-01T00:00..00:00 a', '2024-01-03T00:00..00:00 b', '2024-01-05T00:00..00:00 a', '2024-01-07T00:00..00:00 b'],
    ],
    [
      'weekly',
      { frequency: 'weekly', duration: 7 * 86400 },
      ['2024-01-01T00:00..00:00 a', '2024-01-08T00:00..00:00 b', '2024-01-15T00:00..00:00 a', '2024-01-22T00:00..00:00 b'],
    ],
    [
      'weekly, interval 2',
      { frequency: 'weekly', interval: 2, duration: 7 * 86400 },
      ['2024-01-01T00:00..00:00 a', '2024-01-15T00:00..00:00 b', '2024-01-29T00:00..00:00 a', '2024-02-12T00:00..00:00 b'],
    ],
    [
      'monthly',
      { frequency: 'monthly', start: '2024-01-15T10:00', duration: 3600 },
      ['2024-01-15T10:00..11:00 a', '2024-02-15T10:00..11:00 b', '2024-03-15T10:00..11:00 a', '2024-04-15T10:00..11:00 b'],
    ],
    [
      'monthly, interval 3',
      { frequency: 'monthly', interval: 3, start: '2024-01-15T10:00', duration: 3600 },
      ['2024-01-15T10:00..11:00 a', '2024-04-15T10:00..11:00 b', '2024-07-15T10:00..11:00 a', '2024-10-15T10:00..11:00 b'],
    ],
    [
      'monthly on the 31st skips short months (RFC 5545), the turn still passes',
      { frequency: 'monthly', start: '2024-01-31T10:00', duration: 3600 },
      ['2024-01-31T10:00..11:00 a', '2024-03-31T10:00..11:00 a', '2024-05-31T10:00..11:00 a', '2024-07-31T10:00..11:00 a', '2024-08-31T10:00..11:00 b'],
    ],
    [
      'monthly, by_monthday 1 and -1',
      { frequency: 'monthly', byMonthday: [1, -1], duration: 3600 },
      ['2024-01-01T00:00..01:00 a', '2024-01-31T00:00..01:00 a', '2024-02-01T00:00..01:00 b', '2024-02-29T00:00..01:00 b'],
    ],
    [
      'monthly, by_day MO: every Monday, one group per month',
      { frequency: 'monthly', byDay: ['MO'], duration: 3600 },
      [
        '2024-01-01T00:00..01:00 a',
        '2024-01-08T00:00..01:00 a',
        '2024-01-15T00:00..01:00 a',
        '2024-01-22T00:00..01:00 a',
        '2024-01-29T00:00..01:00 a',
        '2024-02-05T00:00..01:00 b',
      ],
    ],
    [
      'by_month limits',
      { frequency: 'daily', byMonth: [2], start: '2024-01-30T00:00', duration: 3600 },
      ['2024-02-01T00:00..01:00 a', '2024-02-02T00:00..01:00 b', '2024-02-03T00:00..01:00 a'],
    ],
  ])('%s', (_name, p, expected) => {
    const rot = defineRotation({ id: 'r', start: '2024-01-01T00:00', duration: 3600, frequency: 'daily', rollingUsers: AB, ...p });
    expect(shifts(rot, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', expected.length)).toEqual(expected);
  });
});

describe('each by_day mask', () => {
  const weekly = (byDay: RotationDef['byDay'], weekStart: RotationDef['weekStart'] = 'MO') =>
    defineRotation({ id: 'r', frequency: 'weekly', start: '2024-01-01T09:00', duration: 9 * 3600, byDay, weekStart, rollingUsers: AB });
  const days = (rot: RotationDef) => shifts(rot, '2024-01-01T00:00:00Z', '2024-01-22T00:00:00Z').map((s) => `${s.slice(8, 10)}${s.slice(-1)}`);

  it.each<[RotationDef['byDay'], string[]]>([
    [
      ['MO', 'TU', 'WE', 'TH', 'FR'],
      ['01a', '02a', '03a', '04a', '05a', '08b', '09b', '10b', '11b', '12b', '15a', '16a', '17a', '18a', '19a'],
    ],
    [
      ['SA', 'SU'],
      ['06a', '07a', '13b', '14b', '20a', '21a'],
    ],
    [
      ['MO', 'WE', 'FR'],
      ['01a', '03a', '05a', '08b', '10b', '12b', '15a', '17a', '19a'],
    ],
    [
      ['TU', 'TH'],
      ['02a', '04a', '09b', '11b', '16a', '18a'],
    ],
    [['SU'], ['07a', '14b', '21a']],
    [
      ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'],
      ['01a', '02a', '03a', '04a', '05a', '06a', '07a', '08b', '09b', '10b', '11b', '12b', '13b', '14b', '15a', '16a', '17a', '18a', '19a', '20a', '21a'],
    ],
    [[], ['01a', '08b', '15a']],
  ])('weekly %j, week_start MO', (byDay, expected) => {
    expect(days(weekly(byDay))).toEqual(expected);
  });

  it('week_start decides where a turn ends: SA,SU with week_start SU', () => {
    expect(days(weekly(['SA', 'SU'], 'SU'))).toEqual(['06a', '07b', '13b', '14a', '20a', '21b']);
  });

  it('the weekday mask is checked on the wall clock of the rotation zone', () => {
    const rot = defineRotation({
      id: 'r',
      frequency: 'weekly',
      start: '2024-01-01T23:00',
      duration: 3600,
      byDay: ['MO'],
      timeZone: 'Pacific/Kiritimati',
      rollingUsers: [['a']],
    });
    expect(shifts(rot, '2023-12-31T00:00:00Z', '2024-01-09T00:00:00Z')).toEqual(['2024-01-01T23:00..00:00 a', '2024-01-08T23:00..00:00 a']);
  });

  it('daily with by_day: every matching day is a shift and each is a turn', () => {
    const rot = defineRotation({
      id: 'r',
      frequency: 'daily',
      start: '2024-01-01T09:00',
      duration: 3600,
      byDay: ['MO', 'TU', 'WE', 'TH', 'FR'],
      rollingUsers: ABC,
    });
    expect(days(rot)).toEqual(['01a', '02b', '03c', '04a', '05b', '08c', '09a', '10b', '11c', '12a', '15b', '16c', '17a', '18b', '19c']);
  });

  it('daily with by_day and interval 2: each group keeps two matching days', () => {
    const rot = defineRotation({
      id: 'r',
      frequency: 'daily',
      interval: 2,
      start: '2024-01-01T09:00',
      duration: 3600,
      byDay: ['MO', 'WE', 'FR'],
      rollingUsers: ABC,
    });
    expect(days(rot)).toEqual(['01a', '03a', '05b', '08b', '10c', '12c', '15a', '17a', '19b']);
  });

  it('hourly with by_day SA: only Saturday hours', () => {
    const rot = defineRotation({ id: 'r', frequency: 'hourly', interval: 8, start: '2024-01-01T00:00', duration: 8 * 3600, byDay: ['SA'], rollingUsers: ABC });
    expect(shifts(rot, '2024-01-01T00:00:00Z', '2024-01-08T00:00:00Z')).toEqual([
      // slot k = 15, 16, 17 from Monday 00:00: groups 15%3, 16%3, 17%3
      '2024-01-06T00:00..08:00 a',
      '2024-01-06T08:00..16:00 b',
      '2024-01-06T16:00..00:00 c',
    ]);
  });

  it('a start on a day outside the mask begins on the next matching day', () => {
    const rot = defineRotation({
      id: 'r',
      frequency: 'weekly',
      start: '2024-01-03T09:00',
      duration: 3600,
      byDay: ['MO', 'FR'],
      weekStart: 'MO',
      rollingUsers: AB,
    });
    expect(days(rot)).toEqual(['05a', '08b', '12b', '15a', '19a']);
  });
});

describe('rolling groups', () => {
  const base = { id: 'r', frequency: 'daily' as const, start: '2024-01-01T00:00', duration: 86400 };
  const users = (rot: RotationDef) => shifts(rot, '2024-01-01T00:00:00Z', '2024-01-06T00:00:00Z').map((s) => s.split(' ')[1]);

  it.each<[string, Partial<RotationDef>, string[]]>([
    ['one group: everyone every day', { rollingUsers: [['a', 'b']] }, ['a+b', 'a+b', 'a+b', 'a+b', 'a+b']],
    ['groups of different sizes', { rollingUsers: [['a', 'b'], ['c']] }, ['a+b', 'c', 'a+b', 'c', 'a+b']],
    ['start_rotation_from_user_index', { rollingUsers: ABC, startRotationFromUserIndex: 1 }, ['b', 'c', 'a', 'b', 'c']],
    ['start_rotation_from_user_index is modulo the groups', { rollingUsers: ABC, startRotationFromUserIndex: 5 }, ['c', 'a', 'b', 'c', 'a']],
    ['an empty group is an empty shift', { rollingUsers: [['a'], []] }, ['a', '-', 'a', '-', 'a']],
  ])('%s', (_n, p, expected) => {
    expect(users(defineRotation({ ...base, rollingUsers: AB, ...p }))).toEqual(expected);
  });

  it('turns count from start even when the window begins years later', () => {
    const rot = defineRotation({ ...base, rollingUsers: ABC });
    // 2026-01-01 is day 731 after 2024-01-01: 731 % 3 = 2
    expect(shifts(rot, '2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z')).toEqual(['2026-01-01T00:00..00:00 c', '2026-01-02T00:00..00:00 a']);
  });

  it('rotation_start hides earlier shifts without changing turns, until cuts the last one', () => {
    const rot = defineRotation({ ...base, start: '2024-01-01T09:00', rollingUsers: AB, rotationStart: '2024-01-03T21:00', until: '2024-01-06T12:00' });
    expect(shifts(rot, '2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z')).toEqual([
      '2024-01-03T21:00..09:00 a',
      '2024-01-04T09:00..09:00 b',
      '2024-01-05T09:00..09:00 a',
      '2024-01-06T09:00..12:00 b',
    ]);
  });
});

describe('DST: shifts keep their wall-clock times', () => {
  it('09:00-18:00 in Berlin across the spring change', () => {
    const rot = defineRotation({
      id: 'r',
      frequency: 'daily',
      start: '2024-03-29T09:00',
      duration: 9 * 3600,
      timeZone: 'Europe/Berlin',
      rollingUsers: [['a']],
    });
    const out = expandShifts(defineSchedule({ id: 's', rotations: [rot] }), '2024-03-29T00:00:00Z', '2024-04-02T00:00:00Z');
    expect(out.map((s) => s.start)).toEqual(['2024-03-29T08:00:00.000Z', '2024-03-30T08:00:00.000Z', '2024-03-31T07:00:00.000Z', '2024-04-01T07:00:00.000Z']);
    expect(shifts(rot, '2024-03-29T00:00:00Z', '2024-04-02T00:00:00Z').map((s) => s.slice(11, 23))).toEqual(Array(4).fill('09:00..18:00'));
  });

  it('24-hour shifts are 23 h and 25 h long on change days, with no gap or overlap', () => {
    for (const [zone, from, to, hours] of [
      ['Europe/Berlin', '2024-03-30T00:00:00Z', '2024-04-02T00:00:00Z', [23, 24]],
      ['Europe/Berlin', '2024-10-26T00:00:00Z', '2024-10-29T00:00:00Z', [25, 24]],
      ['America/New_York', '2024-03-09T12:00:00Z', '2024-03-12T12:00:00Z', [23, 24]],
      ['Australia/Lord_Howe', '2024-10-04T12:00:00Z', '2024-10-07T12:00:00Z', [23.5, 24]],
      ['Australia/Lord_Howe', '2024-04-05T12:00:00Z', '2024-04-08T12:00:00Z', [24.5, 24]],
    ] as const) {
      const rot = defineRotation({ id: 'r', frequency: 'daily', start: '2024-01-01T09:00', duration: 86400, timeZone: zone, rollingUsers: AB });
      const out = expandShifts(defineSchedule({ id: 's', rotations: [rot] }), from, to).filter(
        (s) => Date.parse(s.start) > Date.parse(from) && Date.parse(s.end) < Date.parse(to),
      );
      expect(
        out.map((s) => (Date.parse(s.end) - Date.parse(s.start)) / 3_600_000),
        zone,
      ).toEqual(hours);
      for (let i = 1; i < out.length; i++) expect(out[i]!.start).toBe(out[i - 1]!.end);
    }
  });

  it.each([
    ['Europe/Berlin', '2024-03-31T02:30', '2024-03-31T01:00:00.000Z', '2024-03-31T01:30:00.000Z', 'start skipped: moves to 03:00, the end of the gap'],
    ['Europe/Berlin', '2024-10-27T02:30', '2024-10-27T00:30:00.000Z', '2024-10-27T02:30:00.000Z', 'start repeated: first occurrence; 03:30 CET ends it'],
    ['America/New_York', '2024-03-10T02:15', '2024-03-10T07:00:00.000Z', '2024-03-10T07:15:00.000Z', 'start skipped'],
    ['Australia/Lord_Howe', '2024-10-06T02:15', '2024-10-05T15:30:00.000Z', '2024-10-05T16:15:00.000Z', '30-minute gap: 02:30..03:15'],
    ['Australia/Lord_Howe', '2024-04-07T01:45', '2024-04-06T14:45:00.000Z', '2024-04-06T16:15:00.000Z', '30-minute fold'],
  ])('%s, a one-hour shift at %s: %s..%s (%s)', (zone, start, s, e) => {
    const rot = defineRotation({ id: 'r', frequency: 'daily', start, duration: 3600, timeZone: zone, rollingUsers: [['a']] });
    const [first] = expandShifts(defineSchedule({ id: 's', rotations: [rot] }), '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
    expect([first!.start, first!.end]).toEqual([s, e]);
  });

  it('hourly shifts inside the skipped hour vanish and the repeated hour lasts two hours', () => {
    const rot = defineRotation({ id: 'r', frequency: 'hourly', start: '2024-01-01T00:00', duration: 3600, timeZone: 'Europe/Berlin', rollingUsers: [['a']] });
    const spring = expandShifts(defineSchedule({ id: 's', rotations: [rot] }), '2024-03-31T00:00:00Z', '2024-03-31T02:00:00Z');
    expect(spring.map((s) => s.start.slice(11, 16))).toEqual(['00:00', '01:00']); // 01:00 CET, 03:00 CEST
    const fall = expandShifts(defineSchedule({ id: 's', rotations: [rot] }), '2024-10-26T23:00:00Z', '2024-10-27T03:00:00Z');
    expect(fall.map((s) => `${s.start.slice(11, 16)}-${s.end.slice(11, 16)}`)).toEqual(['23:00-00:00', '00:00-02:00', '02:00-03:00']);
  });

  it('the day Samoa skipped (30 December 2011) leaves no gap between daily shifts', () => {
    const rot = defineRotation({ id: 'r', frequency: 'daily', start: '2011-12-25T09:00', duration: 86400, timeZone: 'Pacific/Apia', rollingUsers: [['a']] });
    const out = expandShifts(defineSchedule({ id: 's', rotations: [rot] }), '2011-12-28T00:00:00Z', '2012-01-03T00:00:00Z');
    for (let i = 1; i < out.length; i++) expect(out[i]!.start).toBe(out[i - 1]!.end);
    expect(shifts(rot, '2011-12-28T00:00:00Z', '2012-01-03T00:00:00Z').map((s) => s.slice(0, 16))).toContain('2011-12-31T00:00');
  });
});
