import { HttpException, HttpStatus } from '@nestjs/common';
import type { PersonalNotificationRule } from '@dozor/contracts';
import { ONCALL_UNDELIVERED_TYPES, undeliveredTypeMessage } from '@dozor/domain';

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

/** `<userId>-<default|important>-<position>`, or null. */
export function parseRuleId(id: string): { userId: string; important: boolean; position: number } | null {
  const m = /^([A-Za-z0-9_-]{1,64})-(default|important)-(\d{1,3})$/.exec(id);
  return m ? { userId: m[1]!, important: m[2] === 'important', position: Number(m[3]) } : null;
}

/** OnCall's default wait (5 minutes) when a wait is created without a duration. */
const DEFAULT_WAIT_SECONDS = 300;

export interface RuleBody {
  userId: string;
  important: boolean;
  /** The rule written; absent in an update that changes only the position or the duration. */
  rule?: PersonalNotificationRule;
  duration?: number;
  position?: number;
}

function bad(detail: string): never {
  throw new HttpException({ detail }, HttpStatus.BAD_REQUEST);
}

/** The body of a POST (create) or PUT (update), in OnCall's field names; a 400 naming the field for anything else. */
export function parseRuleBody(body: unknown, kind: 'create' | 'update'): RuleBody {
  if (!body || typeof body !== 'object' || Array.isArray(body)) bad('body: expected a JSON object');
  const b = body as Record<string, unknown>;
  const allowed = kind === 'create' ? ['user_id', 'type', 'duration', 'important', 'position'] : ['type', 'duration', 'position'];
  for (const k of Object.keys(b)) if (!allowed.includes(k)) bad(`${k}: unknown field (expected ${allowed.join(', ')})`);
  const userId = kind === 'create' ? (typeof b.user_id === 'string' && b.user_id ? b.user_id : bad('user_id: is required')) : '';
  if (b.important !== undefined && typeof b.important !== 'boolean') bad('important: must be true or false');
  let duration: number | undefined;
  if (b.duration !== undefined && b.duration !== null) {
    if (typeof b.duration !== 'number' || !Number.isInteger(b.duration) || b.duration < 1) bad('duration: must be a whole number of seconds, at least 1');
    duration = b.duration;
  }
  let position: number | undefined;
  if (b.position !== undefined && b.position !== null) {
    if (typeof b.position !== 'number' || !Number.isInteger(b.position) || b.position < 0) bad('position: must be a whole number, 0 or more');
    position = b.position;
  }
  let rule: PersonalNotificationRule | undefined;
  if (b.type !== undefined) {
    if (typeof b.type !== 'string') bad('type: must be notify_by_telegram or wait');
    if (ONCALL_UNDELIVERED_TYPES.includes(b.type)) bad(`type: ${undeliveredTypeMessage(b.type)}`);
    if (b.type === 'wait') rule = { type: 'wait', seconds: duration ?? DEFAULT_WAIT_SECONDS };
    else if (b.type === 'notify_by_telegram') {
      if (duration !== undefined) bad("duration: only a wait has a duration (OnCall: Duration can't be set)");
      rule = { type: 'notify_by_telegram' };
    } else bad(`type: must be notify_by_telegram or wait, got ${JSON.stringify(b.type)}`);
  } else if (kind === 'create') bad('type: is required (notify_by_telegram or wait)');
  return { userId, important: b.important === true, rule, duration, position };
}

/** The list with `rule` at `position` (clamped to the end, as OnCall's ordering does), replacing the one at `from` when it moves or changes. */
export function placeRule(
  list: PersonalNotificationRule[],
  rule: PersonalNotificationRule,
  position: number,
  from: number | null,
): { list: PersonalNotificationRule[]; position: number } {
  const rest = from === null ? [...list] : list.filter((_, i) => i !== from);
  const at = Math.min(position, rest.length);
  rest.splice(at, 0, rule);
  return { list: rest, position: at };
}
