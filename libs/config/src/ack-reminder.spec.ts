import { describe, expect, it } from 'vitest';
import { ConfigFieldError } from '@dozor/contracts';
import { parseAckReminder } from './ack-reminder.js';

const P = ['escalation_chains', 0, 'acknowledge_reminder'];
function problem(v: unknown): string {
  try {
    parseAckReminder(v, P);
  } catch (e) {
    if (e instanceof ConfigFieldError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigFieldError');
}

describe('acknowledge_reminder (a chain setting)', () => {
  it('reads OnCall choices: remind every 1h/3h/5h/10h, unacknowledge after 5m/15m/30m/45m', () => {
    expect(parseAckReminder({ remind_every: '1h', unacknowledge_after: '5m', notify_paged_on_resolve: true }, P)).toEqual({
      policy: { remindEverySeconds: 3600, unackAfterSeconds: 300 },
      notifyPagedOnResolve: true,
    });
    expect(parseAckReminder({ remind_every: '10h' }, P)).toEqual({
      policy: { remindEverySeconds: 36_000, unackAfterSeconds: null },
      notifyPagedOnResolve: false,
    });
    expect(parseAckReminder(undefined, P)).toBeNull();
  });

  it('names the field and the allowed values for anything else', () => {
    expect(problem({ remind_every: '2h' })).toBe(
      'escalation_chains[0].acknowledge_reminder.remind_every: must be one of 1h, 3h, 5h, 10h (as in Grafana OnCall), got 2h',
    );
    expect(problem({ remind_every: '1h', unacknowledge_after: '10m' })).toBe(
      'escalation_chains[0].acknowledge_reminder.unacknowledge_after: must be one of 5m, 15m, 30m, 45m (as in Grafana OnCall), got 10m',
    );
    expect(problem({ unacknowledge_after: '5m' })).toMatch(/remind_every: is required: one of 1h, 3h, 5h, 10h$/);
    expect(problem({ remind_every: '1h', notify_paged_on_resolve: 'yes' })).toMatch(/notify_paged_on_resolve: must be true or false/);
    expect(problem({ remind_every: '1h', remind: '1h' })).toMatch(/remind/);
  });
});
