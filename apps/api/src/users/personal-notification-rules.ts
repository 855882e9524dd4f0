import type { PersonalNotificationRule } from '@dozor/contracts';

/** A user as the personal notification rules endpoint reads them (dozor.yaml `users[]`). */
export interface RulesOwner {
  id: string;
  personalRules?: { default: PersonalNotificationRule[]; important: PersonalNotificationRule[] } | null;
}

/**
 * One rule in Grafana OnCall's public-API shape
 * (apps/public_api/serializers/personal_notification_rules.py): `type` is
 * `wait` or the channel's name, and only a wait has `duration`, in seconds.
 */
export interface PersonalNotificationRuleView {
  id: string;
  user_id: string;
  position: number;
  important: boolean;
  type: PersonalNotificationRule['type'];
  duration?: number;
}

/**
 * The rules that apply to each user, ordered as OnCall orders them (user,
 * then default before important, then position). A list left empty in
 * dozor.yaml, or a user without `personal_notification_rules:`, is shown as
 * what happens: one `notify_by_telegram` (OnCall's fallback policy). Ids
 * are `<userId>-<default|important>-<position>`: stable while the list is.
 */
export function personalNotificationRuleViews(
  users: readonly RulesOwner[],
  filter: { userId?: string; important?: boolean } = {},
): PersonalNotificationRuleView[] {
  const out: PersonalNotificationRuleView[] = [];
  const sorted = [...users].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const u of sorted) {
    if (filter.userId !== undefined && u.id !== filter.userId) continue;
    for (const important of [false, true]) {
      if (filter.important !== undefined && filter.important !== important) continue;
      const listed = (important ? u.personalRules?.important : u.personalRules?.default) ?? [];
      const rules: PersonalNotificationRule[] = listed.length ? listed : [{ type: 'notify_by_telegram' }];
      rules.forEach((r, position) =>
        out.push({
          id: `${u.id}-${important ? 'important' : 'default'}-${position}`,
          user_id: u.id,
          position,
          important,
          type: r.type,
          ...(r.type === 'wait' ? { duration: r.seconds } : {}),
        }),
      );
    }
  }
  return out;
}
