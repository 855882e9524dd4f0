import { describe, expect, it } from 'vitest';
import { breakerFailure, breakerGate, breakerSuccess, CLOSED, type BreakerParams, type BreakerState } from './circuit-breaker.js';

const P: BreakerParams = { threshold: 3, baseOpenMs: 1000, maxOpenMs: 4000, probeTimeoutMs: 500 };

/** One step: at `at`, a call asks to go out (`gate`) or reports its answer (`5xx` or `ok`); then the state and what the gate said. */
type Step = [at: number, what: 'gate' | '5xx' | 'ok', expected: BreakerState, gate?: 'pass' | 'probe' | `wait ${number}`];

describe('circuit breaker', () => {
  it.each<[string, Step[]]>([
    ['closed lets calls through', [[0, 'gate', CLOSED, 'pass']]],
    [
      'server errors in a row open it at the threshold',
      [
        [0, '5xx', { mode: 'closed', failures: 1 }],
        [10, '5xx', { mode: 'closed', failures: 2 }],
        [20, '5xx', { mode: 'open', until: 1020, trips: 1 }],
        [30, 'gate', { mode: 'open', until: 1020, trips: 1 }, 'wait 1020'],
      ],
    ],
    [
      'a success in between resets the count',
      [
        [0, '5xx', { mode: 'closed', failures: 1 }],
        [0, '5xx', { mode: 'closed', failures: 2 }],
        [0, 'ok', CLOSED],
        [0, '5xx', { mode: 'closed', failures: 1 }],
      ],
    ],
    [
      'after the wait one probe goes; the others wait for its answer',
      [
        [0, '5xx', { mode: 'closed', failures: 1 }],
        [0, '5xx', { mode: 'closed', failures: 2 }],
        [0, '5xx', { mode: 'open', until: 1000, trips: 1 }],
        [1000, 'gate', { mode: 'half_open', probeUntil: 1500, trips: 1 }, 'probe'],
        [1100, 'gate', { mode: 'half_open', probeUntil: 1500, trips: 1 }, 'wait 1500'],
        [1200, 'ok', CLOSED],
        [1200, 'gate', CLOSED, 'pass'],
      ],
    ],
    [
      'a failed probe opens it again for twice as long, up to the maximum',
      [
        [0, '5xx', { mode: 'closed', failures: 1 }],
        [0, '5xx', { mode: 'closed', failures: 2 }],
        [0, '5xx', { mode: 'open', until: 1000, trips: 1 }],
        [1000, 'gate', { mode: 'half_open', probeUntil: 1500, trips: 1 }, 'probe'],
        [1010, '5xx', { mode: 'open', until: 3010, trips: 2 }],
        [3010, 'gate', { mode: 'half_open', probeUntil: 3510, trips: 2 }, 'probe'],
        [3020, '5xx', { mode: 'open', until: 7020, trips: 3 }],
        [7020, 'gate', { mode: 'half_open', probeUntil: 7520, trips: 3 }, 'probe'],
        [7030, '5xx', { mode: 'open', until: 11_030, trips: 4 }],
      ],
    ],
    [
      'a probe that never answers (its process died) is given up, and another call probes',
      [
        [0, '5xx', { mode: 'closed', failures: 1 }],
        [0, '5xx', { mode: 'closed', failures: 2 }],
        [0, '5xx', { mode: 'open', until: 1000, trips: 1 }],
        [1000, 'gate', { mode: 'half_open', probeUntil: 1500, trips: 1 }, 'probe'],
        [1500, 'gate', { mode: 'half_open', probeUntil: 2000, trips: 1 }, 'probe'],
      ],
    ],
    [
      'errors of calls already in flight when it opened change nothing',
      [
        [0, '5xx', { mode: 'closed', failures: 1 }],
        [0, '5xx', { mode: 'closed', failures: 2 }],
        [0, '5xx', { mode: 'open', until: 1000, trips: 1 }],
        [5, '5xx', { mode: 'open', until: 1000, trips: 1 }],
      ],
    ],
  ])('%s', (_name, steps) => {
    let s: BreakerState = CLOSED;
    for (const [at, what, expected, gate] of steps) {
      if (what === 'gate') {
        const g = breakerGate(s, at, P);
        expect(g.pass ? (g.probe ? 'probe' : 'pass') : `wait ${g.until}`, `gate at ${at}`).toBe(gate);
        if (g.pass) s = g.next;
      } else s = what === '5xx' ? breakerFailure(s, at, P) : breakerSuccess(s);
      expect(s, `${what} at ${at}`).toEqual(expected);
    }
  });

  it('keeps the same object when nothing changes, so a store writes nothing', () => {
    expect(breakerSuccess(CLOSED)).toBe(CLOSED);
    const open: BreakerState = { mode: 'open', until: 10, trips: 1 };
    expect(breakerFailure(open, 5, P)).toBe(open);
  });
});
