import { describe, expect, it } from 'vitest';
import { personalNotificationRuleViews } from './personal-notification-rules.js';

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
