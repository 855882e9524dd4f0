import { describe, expect, it } from 'vitest';
import { HttpException } from '@nestjs/common';
import { bodyInstant, dateWindow } from './query.js';

const detail = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpException) return `${e.getStatus()} ${(e.getResponse() as { detail: string }).detail}`;
    throw e;
  }
  return 'no error';
};

describe('dateWindow', () => {
  it('reads dates as UTC days, the end date exclusive (as OnCall’s final_shifts)', () => {
    expect(dateWindow({ start_date: '2024-01-01', end_date: '2024-01-03' }, { required: true })).toEqual({
      from: Date.parse('2024-01-01T00:00:00Z'),
      to: Date.parse('2024-01-03T00:00:00Z'),
    });
  });

  it('takes instants with an offset as they are', () => {
    expect(dateWindow({ start_date: '2024-01-01T09:00:00+02:00', end_date: '2024-01-01T10:00:00Z' }, { required: true })).toEqual({
      from: Date.parse('2024-01-01T07:00:00Z'),
      to: Date.parse('2024-01-01T10:00:00Z'),
    });
  });

  it('uses defaults when not required', () => {
    expect(dateWindow({}, { required: false, defaultFrom: 1, defaultTo: 2 })).toEqual({ from: 1, to: 2 });
  });

  it.each([
    [{ start_date: '2024-01-01' }, /400 start_date and end_date are required/],
    [{ start_date: '2024-01-02', end_date: '2024-01-01' }, /400 end_date must be greater than or equal to start_date/],
    [{ start_date: '2024-01-01', end_date: '2025-01-02' }, /400 end_date cannot be more than 365 days/],
    [{ start_date: 'yesterday', end_date: '2024-01-01' }, /400 start_date must be an ISO 8601 date/],
    [{ start_date: '2024-01-01T09:00:00', end_date: '2024-01-02' }, /400 start_date must be an ISO 8601 date/],
  ])('refuses %j', (q, re) => {
    expect(detail(() => dateWindow(q, { required: true }))).toMatch(re);
  });
});

describe('bodyInstant', () => {
  it('reads ISO 8601 with an offset, and without one as UTC', () => {
    expect(bodyInstant('2026-06-11T00:00:00Z', 'x')).toBe(Date.parse('2026-06-11T00:00:00Z'));
    expect(bodyInstant('2026-07-19T22:00:00.000000Z', 'x')).toBe(Date.parse('2026-07-19T22:00:00Z'));
    expect(bodyInstant('2026-06-11T00:00:00', 'x')).toBe(Date.parse('2026-06-11T00:00:00Z'));
    expect(detail(() => bodyInstant(undefined, 'swap_start'))).toMatch(/400 swap_start is required/);
    expect(detail(() => bodyInstant('11/06/2026', 'swap_start'))).toMatch(/400 swap_start must be an ISO 8601/);
  });
});
