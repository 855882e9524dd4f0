import { notificationId, personalNotificationId, personalTimerId, type NewEvent, type PersonalNotificationRule } from '@dozor/contracts';

/**
 * A user's personal notification policy, as Grafana OnCall's
 * `UserNotificationPolicy`: a `default` list for ordinary pages and an
 * `important` list for `important: true` steps. An empty list falls back to
 * one Telegram message (OnCall's `get_default_fallback_notification_policy`).
 */
export interface PersonalPolicy {
  default: PersonalNotificationRule[];
  important: PersonalNotificationRule[];
}

/** Policies by user id; a user who is not here has none. */
export type PersonalPolicies = Record<string, PersonalPolicy>;

/** OnCall's `wait_delay` choices, in seconds (1, 5, 15, 30 min, 1 h); dozor.yaml takes any duration up to MAX_PERSONAL_WAIT_SECONDS. */
export const ONCALL_PERSONAL_WAIT_SECONDS = [60, 300, 900, 1800, 3600] as const;
/** Grafana OnCall's personal notify types Dozor cannot deliver: named when refused, so an exported OnCall policy says what to change. */
export const ONCALL_UNDELIVERED_TYPES: readonly string[] = [
  'notify_by_slack',
  'notify_by_sms',
  'notify_by_phone_call',
  'notify_by_email',
  'notify_by_mobile_app',
  'notify_by_mobile_app_critical',
  'notify_by_msteams',
];

/** Why an OnCall notify type is refused. */
export function undeliveredTypeMessage(type: string): string {
  return `${type} is a Grafana OnCall type Dozor does not deliver; Dozor notifies by Telegram: use notify_by_telegram`;
}

/** The longest personal wait dozor.yaml accepts: a day (OnCall's longest is an hour). */
export const MAX_PERSONAL_WAIT_SECONDS = 86_400;

/** The list a page runs: the user's `important` or `default` list, or null when it is empty or the user has no policy (the fallback). */
export function personalRules(policies: PersonalPolicies, userId: string, important: boolean): PersonalNotificationRule[] | null {
  const p = policies[userId];
  if (!p) return null;
  const rules = important ? p.important : p.default;
  return rules.length ? rules : null;
}

export interface PersonalRun {
  alertGroupId: string;
  epoch: number;
  /** The chain step that notified the user. */
  stepIndex: number;
  userId: string;
  important: boolean;
  aggregateKey: string;
  /** The user's list (from personalRules), or null: the fallback, one Telegram message. */
  rules: PersonalNotificationRule[] | null;
  /** Where to start in `rules`. */
  from: number;
  now: string;
}

/**
 * Runs a user's rules from `run.from`: each `notify_by_telegram` asks for a
 * message, until a `wait` (its own timer, PersonalNotificationScheduled, with
 * the rule after it) or the end of the list. A wait with nothing after it
 * schedules nothing. Pure: the same run gives the same ids, so a redelivered
 * decision asks for the same messages.
 */
export function runPersonalRules(run: PersonalRun): NewEvent[] {
  const ref = { alertGroupId: run.alertGroupId };
  const request = (id: string, personalRule?: number): NewEvent => ({
    type: 'NotificationRequested',
    data: {
      ...ref,
      notificationId: id,
      userId: run.userId,
      important: run.important,
      stepIndex: run.stepIndex,
      aggregateKey: run.aggregateKey,
      ...(personalRule === undefined ? {} : { personalRule }),
    },
  });
  if (run.rules === null) return [request(notificationId(run.alertGroupId, run.epoch, run.stepIndex, run.userId))];
  const events: NewEvent[] = [];
  let first = true;
  for (let k = run.from; k < run.rules.length; k++) {
    const rule = run.rules[k]!;
    switch (rule.type) {
      case 'notify_by_telegram': {
        // The first message of a step run keeps the plain id: a page is a page, with or without a policy.
        const id =
          first && run.from === 0
            ? notificationId(run.alertGroupId, run.epoch, run.stepIndex, run.userId)
            : personalNotificationId(run.alertGroupId, run.epoch, run.stepIndex, run.userId, k);
        first = false;
        events.push(request(id, k));
        break;
      }
      case 'wait': {
        if (k + 1 >= run.rules.length) return events;
        events.push({
          type: 'PersonalNotificationScheduled',
          data: {
            ...ref,
            timerId: personalTimerId(run.alertGroupId, run.epoch, run.stepIndex, k + 1, run.userId),
            userId: run.userId,
            stepIndex: run.stepIndex,
            important: run.important,
            ruleIndex: k + 1,
            rules: run.rules,
            dueAt: new Date(Date.parse(run.now) + rule.seconds * 1000).toISOString(),
          },
        });
        return events;
      }
      default: {
        const never: never = rule;
        return never;
      }
    }
  }
  return events;
}

/** OnCall's short verbal of a list ("Telegram, wait 5m, Telegram"), for the timeline and the docs. */
export function describeRules(rules: PersonalNotificationRule[] | null): string {
  if (rules === null) return 'no personal policy: one Telegram message';
  return rules.map((r) => (r.type === 'wait' ? `wait ${formatWaitSeconds(r.seconds)}` : 'Telegram')).join(', ');
}

function formatWaitSeconds(sec: number): string {
  if (sec % 3600 === 0) return `${sec / 3600}h`;
  if (sec % 60 === 0) return `${sec / 60}m`;
  return `${sec}s`;
}
