import { describe, expect, it } from 'vitest';
import { earliestSlot, isGroupChat, RateLimiter, TELEGRAM_RATE_LIMITS } from './rate-limiter.js';

type Step = [chatId: number | string, nowMs: number, expectedDelayMs: number];

describe('RateLimiter.reserve', () => {
  it.each<[string, Step[]]>([
    ['first message goes at once', [[1, 0, 0]]],
    [
      'a private chat gets one message per second',
      [
        [1, 0, 0],
        [1, 0, 1000],
        [1, 0, 2000],
        [1, 500, 2500],
      ],
    ],
    [
      'a later call waits only for what is left',
      [
        [1, 0, 0],
        [1, 400, 600],
        [1, 5000, 0],
      ],
    ],
    [
      'chats do not wait for each other',
      [
        [1, 0, 0],
        [2, 0, 0],
        [1, 0, 1000],
        [2, 0, 1000],
      ],
    ],
    [
      'chat ids as strings are the same chat',
      [
        [7, 0, 0],
        ['7', 0, 1000],
      ],
    ],
    [
      'a group gets 20 per minute, then waits for the oldest to leave the minute',
      [...Array.from({ length: 20 }, (_, i): Step => [-100, i * 1000, 0]), [-100, 20_000, 40_000], [-100, 20_000, 41_000], [-100, 60_000, 2000]],
    ],
    [
      'a group also keeps one per second',
      [
        [-5, 0, 0],
        [-5, 0, 1000],
        [-5, 1000, 1000],
      ],
    ],
  ])('%s', (_name, steps) => {
    const limiter = new RateLimiter();
    for (const [chatId, now, expected] of steps) {
      expect(limiter.reserve(chatId, now), `chat ${chatId} at ${now}`).toBe(expected);
    }
  });

  it('sends at most 30 per second overall', () => {
    const limiter = new RateLimiter();
    const delays = Array.from({ length: 65 }, (_, i) => limiter.reserve(i + 1, 0));
    expect(delays.slice(0, 30)).toEqual(Array(30).fill(0));
    expect(delays.slice(30, 60)).toEqual(Array(30).fill(1000));
    expect(delays.slice(60)).toEqual(Array(5).fill(2000));
  });

  it('a backlog in one chat does not hold back other chats', () => {
    const limiter = new RateLimiter();
    const backlog = Array.from({ length: 40 }, () => limiter.reserve(1, 0));
    expect(backlog.at(-1)).toBe(39_000);
    expect(limiter.reserve(2, 0)).toBe(0);
    expect(limiter.reserve(3, 100)).toBe(0);
  });

  it('fills the overall budget around bookings already made for the future', () => {
    const limiter = new RateLimiter({ global: { limit: 2, windowMs: 1000 } });
    expect(limiter.reserve(1, 0)).toBe(0);
    expect(limiter.reserve(1, 0)).toBe(1000); // chat 1 books 1000
    // Windows are half-open, (end - 1000, end]: 0 and 1000 never share one.
    expect(limiter.reserve(2, 0)).toBe(0); // {0, 0, 1000}
    expect(limiter.reserve(3, 0)).toBe(1000); // (0, 1000] holds one booking, room for one more
    expect(limiter.reserve(4, 0)).toBe(2000); // {0, 0, 1000, 1000}: full until 2000
  });

  it('defers a chat after a 429', () => {
    const limiter = new RateLimiter();
    limiter.deferChat(1, 5000);
    expect(limiter.reserve(1, 0)).toBe(5000);
    expect(limiter.reserve(2, 0)).toBe(0);
  });

  it('forgets idle chats', () => {
    const limiter = new RateLimiter();
    limiter.reserve(1, 0);
    limiter.reserve(-2, 0);
    expect(limiter.trackedChats).toBe(2);
    limiter.prune(61_000);
    expect(limiter.trackedChats).toBe(0);
    expect(limiter.pending(61_000)).toBe(0);
  });

  it('keeps every window within its limit under a random load', () => {
    const limiter = new RateLimiter();
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sent: { chat: number; at: number }[] = [];
    let now = 0;
    for (let i = 0; i < 600; i++) {
      now += Math.floor(rnd() * 40);
      const chat = rnd() < 0.3 ? -1 - Math.floor(rnd() * 3) : 1 + Math.floor(rnd() * 20);
      sent.push({ chat, at: now + limiter.reserve(chat, now) });
    }
    const within = (list: number[], limit: number, windowMs: number) => {
      const sorted = [...list].sort((a, b) => a - b);
      for (let i = limit; i < sorted.length; i++) expect(sorted[i]! - sorted[i - limit]!).toBeGreaterThanOrEqual(windowMs);
    };
    within(
      sent.map((s) => s.at),
      TELEGRAM_RATE_LIMITS.global.limit,
      TELEGRAM_RATE_LIMITS.global.windowMs,
    );
    for (const chat of new Set(sent.map((s) => s.chat))) {
      const times = sent.filter((s) => s.chat === chat).map((s) => s.at);
      within(times, 1, 1000);
      if (chat < 0) within(times, 20, 60_000);
    }
  });
});

describe('earliestSlot', () => {
  it.each<[number[], number, number, number, number]>([
    [[], 1, 1000, 0, 0],
    [[0], 1, 1000, 0, 1000],
    [[500], 1, 1000, 0, 1500],
    [[2000], 1, 1000, 0, 0],
    [[1500], 1, 1000, 1000, 2500],
    [[0, 0], 2, 1000, 0, 1000],
    [[0, 1000], 2, 1000, 0, 0],
    [[0, 0, 1000], 2, 1000, 0, 1000],
    [[0, 500, 1000], 2, 1000, 0, 1500],
  ])('times %j, %d per %d ms, from %d → %d', (times, limit, windowMs, from, expected) => {
    expect(earliestSlot(times, { limit, windowMs }, from)).toBe(expected);
  });
});

describe('isGroupChat', () => {
  it.each<[number | string, boolean]>([
    [42, false],
    [-42, true],
    ['-1001234567890', true],
    ['42', false],
  ])('%j → %s', (id, group) => {
    expect(isGroupChat(id)).toBe(group);
  });
});
