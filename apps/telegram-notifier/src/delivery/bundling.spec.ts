import { describe, expect, it } from 'vitest';
import { nextStep, type BundlePolicy, type ChatPace, type NextStep } from './bundling.js';

const policy: BundlePolicy = { minIntervalMs: 1000, maxMembers: 40, windowMs: 10_000 };
const T = 100_000;
const fresh: ChatPace = { lastRequestEndedAt: null, bundle: null };
const after = (ms: number, bundle: ChatPace['bundle'] = null): ChatPace => ({ lastRequestEndedAt: T - ms, bundle });

describe('nextStep (storm bundling for one chat)', () => {
  it.each<[string, ChatPace, number, NextStep]>([
    ['nothing queued: idle', fresh, 0, { kind: 'idle' }],
    ['first page to a quiet chat: its own message', fresh, 1, { kind: 'single' }],
    ['one page a second apart: its own message', after(1000), 1, { kind: 'single' }],
    ['the chat took a request 400 ms ago: wait the rest of the second', after(400), 5, { kind: 'wait', ms: 600 }],
    ['two pages due at once: more than the chat allows, bundle them', after(1000), 2, { kind: 'new-bundle', take: 2 }],
    ['sixty due at once: a bundle of the first forty', after(1000), 60, { kind: 'new-bundle', take: 40 }],
    ['storm goes on: the bundle grows', after(1000, { members: 12, lastGrownAt: T - 1000 }), 5, { kind: 'grow-bundle', take: 5 }],
    ['storm goes on with one page: the bundle still grows', after(1000, { members: 12, lastGrownAt: T - 1000 }), 1, { kind: 'grow-bundle', take: 1 }],
    ['the bundle grows only to its limit', after(1000, { members: 35, lastGrownAt: T - 1000 }), 20, { kind: 'grow-bundle', take: 5 }],
    ['a full bundle during a storm: the next bundle', after(1000, { members: 40, lastGrownAt: T - 1000 }), 1, { kind: 'new-bundle', take: 1 }],
    ['storm over (no growth for the window): one message per group again', after(1000, { members: 12, lastGrownAt: T - 10_000 }), 1, { kind: 'single' }],
    ['storm over, but many due at once again: a new bundle', after(1000, { members: 12, lastGrownAt: T - 60_000 }), 3, { kind: 'new-bundle', take: 3 }],
  ])('%s', (_name, chat, queued, step) => {
    expect(nextStep(chat, queued, T, policy)).toEqual(step);
  });

  it('paces 200 pages arriving within 5 s into a handful of requests, one per second', () => {
    // 40 arrivals per second; the outbox takes a step whenever the chat is ready.
    const arrivals = Array.from({ length: 200 }, (_, i) => i * 25);
    const chat: ChatPace = { lastRequestEndedAt: null, bundle: null };
    let queued = 0;
    let next = 0;
    const requests: { at: number; step: NextStep['kind'] }[] = [];
    for (let now = 0; now < 60_000 && (next < arrivals.length || queued > 0); now += 5) {
      while (next < arrivals.length && arrivals[next]! <= now) {
        queued++;
        next++;
      }
      const s = nextStep(chat, queued, now, policy);
      if (s.kind === 'idle' || s.kind === 'wait') continue;
      const take = s.kind === 'single' ? 1 : s.take;
      queued -= take;
      requests.push({ at: now, step: s.kind });
      if (s.kind === 'new-bundle') chat.bundle = { members: take, lastGrownAt: now };
      if (s.kind === 'grow-bundle') chat.bundle = { members: chat.bundle!.members + take, lastGrownAt: now };
      chat.lastRequestEndedAt = now + 50;
    }
    expect(queued).toBe(0);
    expect(requests[0]!.step).toBe('single');
    for (let i = 1; i < requests.length; i++) expect(requests[i]!.at - requests[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(requests.filter((r) => r.step !== 'grow-bundle').length).toBeLessThanOrEqual(7);
    expect(requests.length).toBeLessThanOrEqual(8);
  });
});
