import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigFieldError } from '@dozor/contracts';
import { parseSchedules } from './schedule.config.js';
import { expandShifts, onCallAt } from './final-schedule.js';

const SEED = `
schedules:
  - id: demo-critical-alerts-schedule
    name: Demo critical alerts
    time_zone: Europe/Berlin
    rotations:
      - id: workdays
        type: rolling_users
        frequency: weekly
        by_day: [MO, TU, WE, TH, FR]
        week_start: MO
        start: 2024-01-01T09:00:00
        duration: 9h
        rolling_users: [[alice], [bob]]
      - id: weekend
        frequency: daily
        by_day: [SA, SU]
        start: 2024-01-06T00:00:00
        duration: 86400
        rolling_users: [alice, bob]
        level: 1
    overrides:
      - start: 2024-01-03T12:00:00
        end: 2024-01-03T14:00:00
        users: [carol]
`;

function errorOf(raw: unknown, userIds?: string[]): { path: (string | number)[]; problem: string } {
  try {
    parseSchedules(raw, { userIds });
  } catch (e) {
    if (e instanceof ConfigFieldError) return { path: e.path, problem: e.problem };
    throw e;
  }
  throw new Error('no error');
}

describe('parseSchedules', () => {
  it('reads the seed schedule (weekly, MO-FR)', () => {
    const [s] = parseSchedules(parse(SEED).schedules, { userIds: ['alice', 'bob', 'carol'] });
    expect(s).toMatchObject({ id: 'demo-critical-alerts-schedule', name: 'Demo critical alerts', type: 'calendar', timeZone: 'Europe/Berlin', ical: null });
    expect(s!.rotations[0]).toEqual({
      id: 'workdays',
      name: 'workdays',
      frequency: 'weekly',
      interval: 1,
      start: '2024-01-01T09:00:00',
      duration: 32400,
      rotationStart: null,
      until: null,
      byDay: ['MO', 'TU', 'WE', 'TH', 'FR'],
      byMonth: [],
      byMonthday: [],
      weekStart: 'MO',
      rollingUsers: [['alice'], ['bob']],
      startRotationFromUserIndex: 0,
      timeZone: 'Europe/Berlin',
      level: 0,
    });
    expect(s!.rotations[1]!.rollingUsers).toEqual([['alice'], ['bob']]);
    expect(s!.overrides).toEqual([
      { id: 'demo-critical-alerts-schedule-override-1', start: '2024-01-03T12:00:00', duration: 7200, users: ['carol'], timeZone: 'Europe/Berlin', level: 0 },
    ]);
    expect(onCallAt(s!, '2024-01-03T12:00:00Z')).toEqual(['carol']);
    expect(onCallAt(s!, '2024-01-08T08:30:00Z')).toEqual(['bob']);
  });

  it('reads single events, recurrent events and ical schedules', () => {
    const out = parseSchedules([
      {
        name: 'Ops',
        rotations: [
          { type: 'single_event', start: '2024-05-01T10:00:00Z', duration: '1h30m', users: ['x'] },
          {
            frequency: 'monthly',
            by_monthday: [1, -1],
            by_month: [1, 7],
            start: '2024-01-01T00:00:00',
            duration: '1d',
            users: ['x', 'y'],
            until: '2025-01-01T00:00:00',
          },
        ],
      },
      { id: 'ext', type: 'ical', ical_url: 'https://calendar.example/ops.ics', ical_file_overrides: '/etc/dozor/overrides.ics', ical_refresh_interval: '30m' },
    ]);
    expect(out[0]!.singles).toEqual([
      { id: 'Ops-rotation-1', name: 'Ops-rotation-1', start: '2024-05-01T10:00:00Z', duration: 5400, users: ['x'], timeZone: 'UTC', level: 0 },
    ]);
    expect(out[0]!.rotations[0]).toMatchObject({
      id: 'Ops-rotation-2',
      frequency: 'monthly',
      rollingUsers: [['x', 'y']],
      byMonthday: [1, -1],
      byMonth: [1, 7],
    });
    expect(out[1]).toMatchObject({
      type: 'ical',
      rotations: [],
      ical: { url: 'https://calendar.example/ops.ics', file: null, overridesUrl: null, overridesFile: '/etc/dozor/overrides.ics', refreshSeconds: 1800 },
    });
  });

  it('an absent section is no schedules', () => {
    expect(parseSchedules(undefined)).toEqual([]);
  });

  it('accepts YAML timestamps parsed as Date', () => {
    const [s] = parseSchedules([{ id: 's', rotations: [{ frequency: 'daily', start: new Date('2024-01-01T09:00:00Z'), duration: 3600, users: ['a'] }] }]);
    expect(s!.rotations[0]!.start).toBe('2024-01-01T09:00:00.000Z');
  });

  const rot = (patch: Record<string, unknown>) => [
    { id: 's', rotations: [{ frequency: 'weekly', start: '2024-01-01T09:00:00', duration: 3600, rolling_users: [['a']], ...patch }] },
  ];

  it.each<[string, unknown, (string | number)[], RegExp, string[]?]>([
    ['not a list', { id: 's' }, ['schedules'], /expected a list/],
    ['no id', [{ time_zone: 'UTC' }], ['schedules', 0], /needs an 'id' or a 'name'/],
    ['duplicate id', [{ id: 's' }, { id: 's' }], ['schedules', 1, 'id'], /duplicate schedule id 's'/],
    ['unknown zone', [{ id: 's', time_zone: 'Europe/Berln' }], ['schedules', 0, 'time_zone'], /unknown time zone 'Europe\/Berln'/],
    ['unknown rotation zone', rot({ time_zone: 'Mars/Olympus' }), ['schedules', 0, 'rotations', 0, 'time_zone'], /unknown time zone/],
    ['bad weekday', rot({ by_day: ['MO', 'MON'] }), ['schedules', 0, 'rotations', 0, 'by_day', 1], /bad weekday 'MON' \(expected MO, TU/],
    ['ordinal weekday', rot({ by_day: ['1MO'] }), ['schedules', 0, 'rotations', 0, 'by_day', 0], /ordinal weekdays/],
    ['repeated weekday', rot({ by_day: ['MO', 'MO'] }), ['schedules', 0, 'rotations', 0, 'by_day', 1], /listed twice/],
    ['bad week_start', rot({ week_start: 'monday' }), ['schedules', 0, 'rotations', 0, 'week_start'], /bad weekday/],
    ['bad frequency', rot({ frequency: 'yearly' }), ['schedules', 0, 'rotations', 0, 'frequency'], /expected hourly, daily, weekly, monthly/],
    ['bad interval', rot({ interval: 0 }), ['schedules', 0, 'rotations', 0, 'interval'], /between 1 and 1000/],
    ['bad month', rot({ by_month: [13] }), ['schedules', 0, 'rotations', 0, 'by_month', 0], /between 1 and 12/],
    ['monthday 0', rot({ by_monthday: [0] }), ['schedules', 0, 'rotations', 0, 'by_monthday', 0], /day of month 0/],
    ['impossible monthday', rot({ by_monthday: [30, 31], by_month: [2] }), ['schedules', 0, 'rotations', 0, 'by_monthday'], /never occurs/],
    ['bad start', rot({ start: '2024-02-30T09:00:00' }), ['schedules', 0, 'rotations', 0, 'start'], /expected a date-time/],
    ['missing duration', rot({ duration: undefined }), ['schedules', 0, 'rotations', 0], /missing 'duration'/],
    ['bad duration', rot({ duration: '9 hours' }), ['schedules', 0, 'rotations', 0, 'duration'], /duration such as 9h/],
    ['zero duration', rot({ duration: 0 }), ['schedules', 0, 'rotations', 0, 'duration'], /longer than zero/],
    ['until before start', rot({ until: '2023-12-31T00:00:00' }), ['schedules', 0, 'rotations', 0, 'until'], /not after start/],
    ['no groups', rot({ rolling_users: [] }), ['schedules', 0, 'rotations', 0, 'rolling_users'], /at least one user group/],
    ['start index too big', rot({ start_rotation_from_user_index: 1 }), ['schedules', 0, 'rotations', 0, 'start_rotation_from_user_index'], /between 0 and 0/],
    ['negative level', rot({ level: -1 }), ['schedules', 0, 'rotations', 0, 'level'], /between 0 and/],
    ['typo with a hint', rot({ by_days: ['MO'] }), ['schedules', 0, 'rotations', 0, 'by_days'], /unknown field 'by_days' \(did you mean 'by_day'\?\)/],
    ['unknown user', rot({ rolling_users: [['a'], ['mallory']] }), ['schedules', 0, 'rotations', 0, 'rolling_users', 1, 0], /unknown user 'mallory'/, ['a']],
    ['users on rolling_users', rot({ users: ['a'] }), ['schedules', 0, 'rotations', 0, 'users'], /use 'rolling_users'/],
    [
      'frequency on a single event',
      rot({ type: 'single_event', users: ['a'], rolling_users: undefined }),
      ['schedules', 0, 'rotations', 0, 'frequency'],
      /does not apply to a single_event/,
    ],
    [
      'override without end',
      [{ id: 's', overrides: [{ start: '2024-01-01T00:00:00', users: ['a'] }] }],
      ['schedules', 0, 'overrides', 0],
      /needs 'end' or 'duration'/,
    ],
    [
      'override end before start',
      [{ id: 's', overrides: [{ start: '2024-01-01T10:00:00', end: '2024-01-01T09:00:00', users: ['a'] }] }],
      ['schedules', 0, 'overrides', 0, 'end'],
      /not after start/,
    ],
    ['ical without source', [{ id: 's', type: 'ical' }], ['schedules', 0], /needs ical_url or ical_file/],
    ['ical with rotations', [{ id: 's', type: 'ical', ical_file: 'x.ics', rotations: [] }], ['schedules', 0, 'rotations'], /use type: calendar/],
    ['calendar with ical_url', [{ id: 's', ical_url: 'https://x/y.ics' }], ['schedules', 0, 'ical_url'], /set type: ical/],
    ['bad ical url', [{ id: 's', type: 'ical', ical_url: 'ftp://x/y.ics' }], ['schedules', 0, 'ical_url'], /http\(s\) or webcal/],
    ['bad type', [{ id: 's', type: 'web' }], ['schedules', 0, 'type'], /expected calendar or ical/],
  ])('%s', (_name, raw, path, problem, users) => {
    const e = errorOf(raw, users);
    expect(e.path).toEqual(path);
    expect(e.problem).toMatch(problem);
  });
});

describe('instants stay instants (Europe/Berlin)', () => {
  const berlin = (item: Record<string, unknown>, key: 'overrides' | 'rotations' = 'overrides') =>
    parseSchedules([{ id: 'b', time_zone: 'Europe/Berlin', [key]: [{ id: 'x', users: ['a'], ...item }] }])[0]!;
  const spans = (item: Record<string, unknown>, key: 'overrides' | 'rotations' = 'overrides', to = '2025-10-28T00:00:00Z') =>
    expandShifts(berlin(item, key), '2025-03-01T00:00:00Z', to).map((x) => `${x.start.slice(5, 16)}..${x.end.slice(5, 16)}`);

  it.each<[string, string, string, string]>([
    ['across the autumn change: three real hours, not four', '2025-10-26T00:00:00Z', '2025-10-26T03:00:00Z', '10-26T00:00..10-26T03:00'],
    ['across the spring change: three real hours, not two', '2025-03-30T00:00:00Z', '2025-03-30T03:00:00Z', '03-30T00:00..03-30T03:00'],
    ['starting in the repeated hour: the second 02:30, not the first', '2025-10-26T01:30:00Z', '2025-10-26T02:00:00Z', '10-26T01:30..10-26T02:00'],
    ['with offsets other than the zone’s', '2025-10-26T05:30:00+05:30', '2025-10-25T22:00:00-05:00', '10-26T00:00..10-26T03:00'],
  ])('override %s', (_name, start, end, expected) => {
    expect(spans({ start, end })).toEqual([expected]);
  });

  it('an override with an instant start and a duration lasts that many real seconds', () => {
    expect(spans({ start: '2025-10-26T00:00:00Z', duration: '3h' })).toEqual(['10-26T00:00..10-26T03:00']);
  });

  it('wall-clock overrides keep the documented DST rules', () => {
    // 02:00 CEST (00:00Z) to 04:00 CET (03:00Z) is two wall-clock hours, three real ones
    expect(spans({ start: '2025-10-26T02:00:00', end: '2025-10-26T04:00:00' })).toEqual(['10-26T00:00..10-26T03:00']);
    // 02:30 is repeated: its first occurrence, 02:30 CEST, to 03:00 CET
    expect(spans({ start: '2025-10-26T02:30:00', duration: '30m' })).toEqual(['10-26T00:30..10-26T02:00']);
  });

  it('a single_event starting at an instant in the repeated hour starts at that instant', () => {
    expect(spans({ type: 'single_event', start: '2025-10-26T01:30:00Z', duration: '30m' }, 'rotations')).toEqual(['10-26T01:30..10-26T02:00']);
    expect(spans({ type: 'single_event', start: '2025-10-26T02:30:00+01:00', duration: '2h' }, 'rotations')).toEqual(['10-26T01:30..10-26T03:30']);
  });

  it('a rotation starting at an instant in the repeated hour starts there; later shifts follow the wall clock', () => {
    const daily = { frequency: 'daily', start: '2025-10-26T01:30:00Z', duration: '15m', rolling_users: [['a'], ['b']], users: undefined };
    // 02:30 CET, then 02:30 CET the next day; a 15-minute shift ends at the second 02:45, not the first
    expect(spans(daily, 'rotations')).toEqual(['10-26T01:30..10-26T01:45', '10-27T01:30..10-27T01:45']);
    const hourly = { ...daily, frequency: 'hourly', duration: '1h' };
    expect(spans(hourly, 'rotations', '2025-10-26T03:30:00Z')).toEqual(['10-26T01:30..10-26T02:30', '10-26T02:30..10-26T03:30']);
  });
});
