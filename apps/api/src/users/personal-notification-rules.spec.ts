import { describe, expect, it } from 'vitest';
import { parseRuleBody, parseRuleId, personalNotificationRuleViews, placeRule } from './personal-notification-rules.js';

describe('personal notification rules in OnCall public API shape', () => {
  const users = [
    { id: 'bob', personalRules: null },
    {
      id: 'alice',
      personalRules: {
        default: [{ type: 'notify_by_telegram' as const }, { type: 'wait' as const, seconds: 300 }, { type: 'notify_by_telegram' as const }],
        important: [],
      },
    },
  ];

  it('lists users in id order, default before important, a wait with its duration in seconds', () => {
    const views = personalNotificationRuleViews(users);
    expect(views.map((v) => v.id)).toEqual(['alice-default-0', 'alice-default-1', 'alice-default-2', 'alice-important-0', 'bob-default-0', 'bob-important-0']);
    expect(views[1]).toEqual({ id: 'alice-default-1', user_id: 'alice', position: 1, important: false, type: 'wait', duration: 300 });
    expect(views[0]).not.toHaveProperty('duration');
  });

  it('shows an empty or missing list as the fallback: one Telegram message', () => {
    expect(personalNotificationRuleViews(users, { userId: 'bob', important: true })).toEqual([
      { id: 'bob-important-0', user_id: 'bob', position: 0, important: true, type: 'notify_by_telegram' },
    ]);
  });

  it('filters by user and by importance', () => {
    expect(personalNotificationRuleViews(users, { userId: 'alice', important: false })).toHaveLength(3);
    expect(personalNotificationRuleViews(users, { userId: 'nobody' })).toEqual([]);
  });
});

/** The `detail` of the HttpException a call throws. */
function detailOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return ((e as { getResponse(): { detail: string } }).getResponse?.() ?? { detail: String(e) }).detail;
  }
  return '(nothing thrown)';
}

describe('personal notification rule writes: body and placement', () => {
  it('parses OnCall field names and refuses what Dozor cannot deliver, naming the field', () => {
    expect(parseRuleBody({ user_id: 'alice', type: 'wait', duration: 60, important: true }, 'create')).toEqual({
      userId: 'alice',
      important: true,
      rule: { type: 'wait', seconds: 60 },
      duration: 60,
      position: undefined,
    });
    expect(parseRuleBody({ user_id: 'alice', type: 'wait' }, 'create').rule).toEqual({ type: 'wait', seconds: 300 });
    expect(detailOf(() => parseRuleBody({ user_id: 'alice', type: 'notify_by_sms' }, 'create'))).toMatch(/use notify_by_telegram/);
    expect(detailOf(() => parseRuleBody({ user_id: 'alice', type: 'notify_by_telegram', duration: 60 }, 'create'))).toMatch(/only a wait has a duration/);
    expect(detailOf(() => parseRuleBody({ type: 'wait' }, 'create'))).toMatch(/user_id: is required/);
    expect(detailOf(() => parseRuleBody({ user_id: 'alice', type: 'wait', color: 1 }, 'create'))).toMatch(/color: unknown field/);
    expect(detailOf(() => parseRuleBody({ position: -1 }, 'update'))).toMatch(/position/);
  });

  it('places a rule at a position, clamped to the end, moving it when updated', () => {
    const tg = { type: 'notify_by_telegram' as const };
    const w = { type: 'wait' as const, seconds: 60 };
    expect(placeRule([tg], w, 9, null)).toEqual({ list: [tg, w], position: 1 });
    expect(placeRule([tg, w], w, 0, 1)).toEqual({ list: [w, tg], position: 0 });
    expect(parseRuleId('alice-important-2')).toEqual({ userId: 'alice', important: true, position: 2 });
    expect(parseRuleId('alice-other-2')).toBeNull();
  });
});
