import { describe, expect, it } from 'vitest';
import type { BreakerParams } from './circuit-breaker.js';
import {
  bookSend,
  clearToSend,
  emptySendLimits,
  pauseChat,
  pausedAnswer,
  recordAnswer,
  recordServerError,
  restoreSendLimits,
  snapshotSendLimits,
  type Booking,
} from './send-limits.js';

const P: BreakerParams = { threshold: 2, baseOpenMs: 1000, maxOpenMs: 8000, probeTimeoutMs: 500 };
const MAX_WAIT = 5000;

describe('send limits', () => {
  it.each<[string, (s: ReturnType<typeof emptySendLimits>) => void, [chat: number, now: number, expected: Booking][]]>([
    [
      'a chat books one slot per second',
      () => undefined,
      [
        [1, 0, { kind: 'slot', at: 0, probe: false }],
        [1, 0, { kind: 'slot', at: 1000, probe: false }],
        [2, 0, { kind: 'slot', at: 0, probe: false }],
      ],
    ],
    [
      'a 429 pause moves the chat past it, other chats go on',
      (s) => pauseChat(s, 1, 3000),
      [
        [1, 0, { kind: 'slot', at: 3000, probe: false }],
        [1, 0, { kind: 'slot', at: 4000, probe: false }],
        [2, 0, { kind: 'slot', at: 0, probe: false }],
      ],
    ],
    [
      'nothing is booked further ahead than the caller waits',
      (s) => pauseChat(s, 1, 9000),
      [
        [1, 0, { kind: 'too_far', at: 9000 }],
        [1, 8000, { kind: 'slot', at: 9000, probe: false }],
      ],
    ],
    [
      'an open breaker books nothing until it half-opens, then one probe',
      (s) => {
        recordServerError(s, 0, P);
        recordServerError(s, 0, P);
      },
      [
        [1, 0, { kind: 'wait', until: 1000 }],
        [2, 999, { kind: 'wait', until: 1000 }],
        [1, 1000, { kind: 'slot', at: 1000, probe: true }],
        [2, 1000, { kind: 'wait', until: 1500 }],
      ],
    ],
  ])('%s', (_name, given, steps) => {
    const s = emptySendLimits();
    given(s);
    for (const [chat, now, expected] of steps) expect(bookSend(s, chat, now, MAX_WAIT, P).result, `chat ${chat} at ${now}`).toEqual(expected);
  });

  it('says whether a booked send may still go out: no pause since, breaker closed or this is the probe', () => {
    const s = emptySendLimits();
    expect(clearToSend(s, 1, 0, false)).toBe(true);
    pauseChat(s, 1, 3000);
    expect(clearToSend(s, 1, 2999, false)).toBe(false);
    expect(clearToSend(s, 1, 3000, false)).toBe(true);
    expect(clearToSend(s, 2, 0, false)).toBe(true);
    recordServerError(s, 0, P);
    recordServerError(s, 0, P);
    expect(clearToSend(s, 2, 0, false)).toBe(false);
    expect(clearToSend(s, 2, 0, true)).toBe(true);
    recordAnswer(s);
    expect(clearToSend(s, 2, 0, false)).toBe(true);
  });

  it('reports a change only when there is one to store', () => {
    const s = emptySendLimits();
    expect(recordAnswer(s).changed).toBe(false);
    expect(pauseChat(s, 1, 3000).changed).toBe(true);
    expect(pauseChat(s, 1, 2000).changed).toBe(false);
    expect(recordServerError(s, 0, P).changed).toBe(true);
    expect(recordAnswer(s).changed).toBe(true);
    expect(bookSend(s, 1, 0, 1000, P).changed).toBe(false);
  });

  it('a 429 pauses the chat and counts as an answer for the breaker, in one change', () => {
    const s = emptySendLimits();
    recordServerError(s, 0, P);
    expect(pausedAnswer(s, 1, 3000).changed).toBe(true);
    expect(s.limiter.notBefore(1)).toBe(3000);
    expect(s.breaker).toEqual({ mode: 'closed', failures: 0 });
    expect(pausedAnswer(s, 1, 2000).changed).toBe(false);
  });

  it('survives a snapshot through JSON, which drops what no longer matters', () => {
    const s = emptySendLimits();
    bookSend(s, 1, 0, MAX_WAIT, P);
    bookSend(s, -5, 0, MAX_WAIT, P);
    pauseChat(s, 7, 10_000);
    recordServerError(s, 0, P);
    const copy = restoreSendLimits(JSON.parse(JSON.stringify(snapshotSendLimits(s, 500))));
    expect(bookSend(copy, 1, 500, MAX_WAIT, P).result).toEqual({ kind: 'slot', at: 1000, probe: false });
    expect(bookSend(copy, 7, 500, 20_000, P).result).toEqual({ kind: 'slot', at: 10_000, probe: false });
    expect(copy.breaker).toEqual({ mode: 'closed', failures: 1 });
    // A minute later nothing is left to keep.
    expect(snapshotSendLimits(copy, 120_000).limiter).toEqual({ global: [], chats: {} });
  });
});
