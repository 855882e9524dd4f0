import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { zoneClock } from './zone-offsets.js';

const wall = (text: string): number => Date.parse(`${text}Z`);
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000', '');

describe('wall clock to instant', () => {
  it.each([
    // zone, wall clock, instant, why
    ['Europe/Berlin', '2024-03-31T01:59:00', '2024-03-31T00:59:00Z', 'before the gap'],
    ['Europe/Berlin', '2024-03-31T02:00:00', '2024-03-31T01:00:00Z', 'skipped: end of the gap'],
    ['Europe/Berlin', '2024-03-31T02:30:00', '2024-03-31T01:00:00Z', 'skipped: end of the gap'],
    ['Europe/Berlin', '2024-03-31T03:00:00', '2024-03-31T01:00:00Z', 'first time after the gap'],
    ['Europe/Berlin', '2024-10-27T02:30:00', '2024-10-27T00:30:00Z', 'repeated: first occurrence (CEST)'],
    ['Europe/Berlin', '2024-10-27T03:00:00', '2024-10-27T02:00:00Z', 'after the fold'],
    ['America/New_York', '2024-03-10T02:15:00', '2024-03-10T07:00:00Z', 'skipped'],
    ['America/New_York', '2024-11-03T01:30:00', '2024-11-03T05:30:00Z', 'repeated: EDT'],
    ['Australia/Lord_Howe', '2024-10-06T02:15:00', '2024-10-05T15:30:00Z', '30-minute gap'],
    ['Australia/Lord_Howe', '2024-04-07T01:45:00', '2024-04-06T14:45:00Z', '30-minute fold: first occurrence (+11)'],
    ['Asia/Kolkata', '2024-03-31T02:30:00', '2024-03-30T21:00:00Z', 'no DST'],
    ['Pacific/Apia', '2011-12-30T09:00:00', '2011-12-30T10:00:00Z', 'the skipped day: start of 31 December'],
    ['UTC', '2024-03-31T02:30:00', '2024-03-31T02:30:00Z', 'UTC'],
  ])('%s %s -> %s (%s)', (zone, local, instant) => {
    expect(iso(zoneClock(zone).toInstant(wall(local)))).toBe(instant);
  });

  it.each([
    ['Europe/Berlin', '2024-10-27T02:30:00', '2024-10-27T01:30:00Z', 'repeated: second occurrence (CET)'],
    ['Australia/Lord_Howe', '2024-04-07T01:45:00', '2024-04-06T15:15:00Z', '30-minute fold: second occurrence (+10:30)'],
    ['Europe/Berlin', '2024-03-31T02:30:00', '2024-03-31T01:00:00Z', 'skipped: still the end of the gap'],
    ['Europe/Berlin', '2024-10-27T03:00:00', '2024-10-27T02:00:00Z', 'ordinary time: the only instant'],
  ])("%s %s -> %s with 'second' (%s)", (zone, local, instant) => {
    expect(iso(zoneClock(zone).toInstant(wall(local), 'second'))).toBe(instant);
  });

  it('agrees with luxon outside transitions, whether or not the year is tabulated', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Apia']) {
      const clock = zoneClock(zone);
      for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2026, 0, 1); t += 17_777_777) {
        const local = DateTime.fromMillis(t, { zone });
        expect(clock.toLocal(t)).toBe(t + local.offset * 60_000);
      }
      clock.cover(Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1));
      for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += 13_333_333) {
        expect(clock.toLocal(t)).toBe(t + DateTime.fromMillis(t, { zone }).offset * 60_000);
      }
    }
  });

  it('finds a change and its reversal a week apart (Recife, October 2000; Gaza 2040)', () => {
    for (const [zone, from, to] of [
      ['America/Recife', Date.UTC(2000, 9, 1), Date.UTC(2000, 10, 1)],
      ['Asia/Gaza', Date.UTC(2040, 9, 10), Date.UTC(2040, 10, 10)],
    ] as const) {
      const clock = zoneClock(zone);
      clock.cover(from, to);
      const wrong: string[] = [];
      for (let t = from; t < to; t += 3_600_000) {
        if (clock.toLocal(t) !== t + DateTime.fromMillis(t, { zone }).offset * 60_000) wrong.push(iso(t));
      }
      expect(wrong, zone).toEqual([]);
    }
  });

  it('is monotonic across every transition of a year', () => {
    for (const zone of ['Europe/Berlin', 'Australia/Lord_Howe', 'America/New_York']) {
      const clock = zoneClock(zone);
      clock.cover(Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1));
      let prev = -Infinity;
      const backwards: string[] = [];
      for (let l = wall('2024-01-01T00:00:00'); l < wall('2025-01-01T00:00:00'); l += 15 * 60_000) {
        const t = clock.toInstant(l);
        if (t < prev) backwards.push(iso(l));
        prev = t;
      }
      expect(backwards).toEqual([]);
    }
  });
});
