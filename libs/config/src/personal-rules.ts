import { durationAt, failAt, listAt, objectAt, type ConfigPath, type PersonalNotificationRule } from '@dozor/contracts';
import { MAX_PERSONAL_WAIT_SECONDS, ONCALL_UNDELIVERED_TYPES, undeliveredTypeMessage, type PersonalPolicy } from '@dozor/domain';

/**
 * A user's `personal_notification_rules:` in dozor.yaml, with Grafana
 * OnCall's public-API rule types (`personal_notification_rules`):
 *
 *   personal_notification_rules:
 *     default:                      ordinary pages
 *       - type: notify_by_telegram
 *       - type: wait
 *         duration: 5m              OnCall: seconds (60, 300, 900, 1800, 3600); here any 1s–24h, 5m when absent
 *       - notify_by_telegram        short form
 *     important:                    `important: true` steps
 *       - notify_by_telegram
 *       - wait: 1m                  short form
 *
 * Absent, or an empty list: that kind of page is one Telegram message
 * (OnCall's fallback policy).
 */
export function parsePersonalRules(v: unknown, p: ConfigPath): PersonalPolicy | null {
  if (v === undefined || v === null) return null;
  const o = objectAt(v, p, ['default', 'important']);
  return { default: rules(o.default, [...p, 'default']), important: rules(o.important, [...p, 'important']) };
}

function rules(v: unknown, p: ConfigPath): PersonalNotificationRule[] {
  if (v === undefined || v === null) return [];
  return listAt(v, p).map((r, i) => rule(r, [...p, i]));
}

function rule(v: unknown, p: ConfigPath): PersonalNotificationRule {
  if (typeof v === 'string') return typed(v, undefined, p, [...p]);
  const o = objectAt(v, p);
  if ('wait' in o && !('type' in o)) {
    objectAt(v, p, ['wait']);
    return { type: 'wait', seconds: wait(o.wait, [...p, 'wait']) };
  }
  objectAt(v, p, ['type', 'duration']);
  if (o.type === undefined || o.type === null) failAt([...p, 'type'], 'is required: notify_by_telegram or wait');
  if (typeof o.type !== 'string') failAt([...p, 'type'], `must be notify_by_telegram or wait, got ${JSON.stringify(o.type)}`);
  return typed(o.type, o.duration, p, [...p, 'type']);
}

function typed(type: string, duration: unknown, p: ConfigPath, typePath: ConfigPath): PersonalNotificationRule {
  if (type === 'wait') return { type: 'wait', seconds: duration === undefined || duration === null ? 300 : wait(duration, [...p, 'duration']) };
  if (type === 'notify_by_telegram') {
    if (duration !== undefined) failAt([...p, 'duration'], "only a wait takes a duration (OnCall: Duration can't be set)");
    return { type: 'notify_by_telegram' };
  }
  if (ONCALL_UNDELIVERED_TYPES.includes(type)) failAt(typePath, undeliveredTypeMessage(type));
  return failAt(typePath, `must be notify_by_telegram or wait, got ${JSON.stringify(type)}`);
}

function wait(v: unknown, p: ConfigPath): number {
  return durationAt(v, p, MAX_PERSONAL_WAIT_SECONDS);
}
