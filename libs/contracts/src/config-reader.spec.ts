import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigFieldError } from './config-error.js';
import { durationAt, formatDuration, objectAt, parseDuration } from './config-reader.js';

function problem(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigFieldError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigFieldError');
}

describe('parseDuration: one grammar for every duration in the configuration', () => {
  it.each([
    ['90s', 90],
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    ['30 s', 30],
    ['1d', 86_400],
    ['2w', 1_209_600],
    ['1w2d3h4m5s', 788_645],
    [' 9h ', 32_400],
    ['600', 600],
    [600, 600],
  ])('reads %j as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([['soon'], ['9 hours'], ['30m1h'], ['1h1h'], ['1.5h'], [''], [1.5], [null], [[]], ['5M']])('refuses %j', (v) => {
    expect(parseDuration(v)).toBeNull();
  });

  it('formatDuration writes what parseDuration reads', () => {
    expect(formatDuration(604_800)).toBe('7d');
    expect(formatDuration(5400)).toBe('1h30m');
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (n) => parseDuration(formatDuration(n)) === n));
  });

  it('durationAt names the field and the bound', () => {
    expect(durationAt('1h30m', ['x'])).toBe(5400);
    expect(problem(() => durationAt('soon', ['steps', 0, 'wait']))).toBe(
      "steps[0].wait: must be a duration such as 9h, 1h30m, 90s or 1d (or whole seconds), got 'soon'",
    );
    expect(problem(() => durationAt(0, ['x']))).toBe('x: must be longer than zero');
    expect(problem(() => durationAt('8d', ['x'], 604_800))).toBe('x: must be between 1s and 7d, got 8d');
  });
});

describe('objectAt', () => {
  it('names an unknown field, suggests a near one and lists the allowed', () => {
    expect(problem(() => objectAt({ by_days: [] }, ['r'], ['by_day', 'users']))).toBe(
      "r.by_days: unknown field 'by_days' (did you mean 'by_day'?); expected one of by_day, users",
    );
    expect(problem(() => objectAt([], ['r']))).toBe('r: expected a mapping, got a list');
  });
});
