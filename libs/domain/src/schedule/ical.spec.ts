import { describe, expect, it } from 'vitest';
import type { FinalShift } from './schedule.types.js';
import { defineOverride, defineRotation, defineSchedule, defineSingleShift } from './schedule.defaults.js';
import { finalSchedule } from './final-schedule.js';
import { exportIcal } from './ical-export.js';
import { IcalImportError, importIcal, withIcalShifts } from './ical-import.js';
import type { IcalUser } from './ical-users.js';

const USERS: IcalUser[] = [
  { id: 'u-alice', username: 'alice', email: 'alice@example.com' },
  { id: 'u-bob', username: 'bob', email: 'bob@example.com' },
  { id: 'u-carol', username: 'carol', email: null },
];

const FROM = '2024-03-25T00:00:00Z';
const TO = '2024-04-08T00:00:00Z';

const schedule = defineSchedule({
  id: 'ops',
  name: 'Ops',
  timeZone: 'Europe/Berlin',
  rotations: [
    defineRotation({
      id: 'days',
      frequency: 'daily',
      start: '2024-03-01T09:00',
      duration: 86400,
      timeZone: 'Europe/Berlin',
      rollingUsers: [['u-alice'], ['u-bob']],
    }),
    defineRotation({
      id: 'nights',
      frequency: 'weekly',
      byDay: ['MO', 'TU', 'WE', 'TH', 'FR'],
      start: '2024-03-04T02:30',
      duration: 4 * 3600,
      timeZone: 'America/New_York',
      rollingUsers: [['u-carol', 'u-bob'], ['u-alice']],
      level: 2,
    }),
  ],
  singles: [defineSingleShift({ id: 'one', start: '2024-03-31T02:00', duration: 7200, timeZone: 'Europe/Berlin', users: ['u-carol'], level: 1 })],
  overrides: [defineOverride({ id: 'ov', start: '2024-03-28T12:00:00Z', duration: 5 * 3600, users: ['u-carol'] })],
});

const key = (f: FinalShift[]) => f.map((s) => `${s.start} ${s.end} ${s.gap ? 'gap' : [...s.users].sort().join('+')}`);

describe('iCal export and import', () => {
  it('round trip: export, import, same final shifts', () => {
    const ics = exportIcal(schedule, FROM, TO, { users: USERS });
    const imported = importIcal(ics, { users: USERS, from: FROM, to: TO });
    expect(imported.unmatched).toEqual([]);
    expect(imported.warnings).toEqual([]);
    expect(imported.overrides.map((o) => o.users)).toEqual([['u-carol']]);
    const again = withIcalShifts(defineSchedule({ id: 'ops-ical', type: 'ical' }), imported);
    expect(key(finalSchedule(again, FROM, TO))).toEqual(key(finalSchedule(schedule, FROM, TO)));
  });

  it('writes RFC 5545 events with [L<n>] summaries, attendees and UTC times, deterministically', () => {
    const ics = exportIcal(schedule, FROM, '2024-03-26T00:00:00Z', { users: USERS });
    expect(ics).toBe(exportIcal(schedule, FROM, '2024-03-26T00:00:00Z', { users: USERS }));
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:-\/\/dozor\/\/dozor-scheduler\/\/EN/);
    expect(ics).toContain('SUMMARY:[L2] alice\r\n'); // week of 24 March (week_start SU): second group
    expect(ics).toContain('SUMMARY:bob\r\n');
    expect(ics).toMatch(/ATTENDEE;[^\r]*:MAILTO:bob@example\.com/);
    expect(ics).toContain('DTSTART:20240325T063000Z'); // 02:30 New York (EDT)
    expect(ics).toContain('DTSTAMP:20240325T000000Z');
    expect(ics).toContain('X-DOZOR-SOURCE:rotation:nights');
  });

  it('exports the feed of one user', () => {
    const ics = exportIcal(schedule, FROM, TO, { users: USERS, user: 'u-carol' });
    const imported = importIcal(ics, { users: USERS, from: FROM, to: TO });
    const all = [...imported.shifts, ...imported.overrides];
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((s) => s.users.length === 1 && s.users[0] === 'u-carol')).toBe(true);
  });

  it('imports RRULE, EXDATE, RECURRENCE-ID, TZID, levels and users by name or e-mail', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//test//EN',
      'X-WR-TIMEZONE:Europe/Berlin',
      'BEGIN:VEVENT',
      'UID:daily',
      'DTSTART;TZID=Europe/Berlin:20240329T090000',
      'DTEND;TZID=Europe/Berlin:20240329T180000',
      'RRULE:FREQ=DAILY;UNTIL=20240402T070000Z',
      'EXDATE;TZID=Europe/Berlin:20240330T090000',
      'SUMMARY:[L1] Alice',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:daily',
      'RECURRENCE-ID;TZID=Europe/Berlin:20240401T090000',
      'DTSTART;TZID=Europe/Berlin:20240401T100000',
      'DTEND;TZID=Europe/Berlin:20240401T120000',
      'SUMMARY:[L1] alice',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:mail',
      'DTSTART:20240329T200000Z',
      'DURATION:PT2H',
      'SUMMARY:On call',
      'ATTENDEE;CN=Bob B:mailto:BOB@example.com',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:two',
      'DTSTART:20240329T230000Z',
      'DTEND:20240330T000000Z',
      'SUMMARY:@alice, carol',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:nobody',
      'DTSTART:20240330T230000Z',
      'DTEND:20240331T000000Z',
      'SUMMARY:[L3] mallory',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:gone',
      'STATUS:CANCELLED',
      'DTSTART:20240330T230000Z',
      'DTEND:20240331T000000Z',
      'SUMMARY:bob',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:allday',
      'DTSTART;VALUE=DATE:20240406',
      'SUMMARY:carol',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const r = importIcal(ics, { users: USERS, from: FROM, to: TO });
    const rows = r.shifts.map((s) => `${s.start} ${s.duration / 3600}h L${s.level} ${s.users.join('+') || '-'}`);
    expect(rows).toEqual([
      '2024-03-29T08:00:00.000Z 9h L1 u-alice',
      // 30 March excluded; 31 March is after the change: 09:00 CEST is 07:00Z
      '2024-03-31T07:00:00.000Z 9h L1 u-alice',
      // 1 April is moved by RECURRENCE-ID (below); UNTIL is inclusive, so 2 April 09:00 CEST (07:00Z) is the last
      '2024-04-02T07:00:00.000Z 9h L1 u-alice',
      '2024-04-01T08:00:00.000Z 2h L1 u-alice',
      '2024-03-29T20:00:00.000Z 2h L0 u-bob',
      '2024-03-29T23:00:00.000Z 1h L0 u-alice+u-carol',
      '2024-03-30T23:00:00.000Z 1h L3 -',
      '2024-04-05T22:00:00.000Z 24h L0 u-carol',
    ]);
    expect(r.unmatched).toEqual([{ uid: 'nobody', summary: '[L3] mallory', start: '2024-03-30T23:00:00.000Z', names: ['mallory'] }]);
  });

  it('reads a TZID that is not IANA through the file VTIMEZONE', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//test//EN',
      'BEGIN:VTIMEZONE',
      'TZID:W. Europe Standard Time',
      'BEGIN:STANDARD',
      'DTSTART:16010101T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:16010101T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:w',
      'DTSTART;TZID=W. Europe Standard Time:20240401T090000',
      'DTEND;TZID=W. Europe Standard Time:20240401T100000',
      'SUMMARY:bob',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:x',
      'DTSTART;TZID=Nowhere/Special:20240401T090000',
      'DTEND;TZID=Nowhere/Special:20240401T100000',
      'SUMMARY:bob',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const r = importIcal(ics, { users: USERS, from: FROM, to: TO });
    expect(r.shifts.map((s) => s.start)).toEqual(['2024-04-01T07:00:00.000Z', '2024-04-01T09:00:00.000Z']);
    expect(r.warnings).toEqual(["unknown TZID 'Nowhere/Special': read as UTC"]);
  });

  it('the overrides calendar makes every event an override', () => {
    const ics = exportIcal(
      defineSchedule({
        id: 'x',
        rotations: [defineRotation({ id: 'r', frequency: 'daily', start: '2024-03-25T00:00', duration: 3600, rollingUsers: [['u-bob']] })],
      }),
      FROM,
      '2024-03-27T00:00:00Z',
    );
    const r = importIcal(ics, { users: USERS, from: FROM, to: TO, overrides: true });
    expect([r.shifts.length, r.overrides.length]).toEqual([0, 2]);
  });

  it('rejects what is not iCalendar', () => {
    expect(() => importIcal('hello', { users: USERS, from: FROM, to: TO })).toThrow(IcalImportError);
  });
});
