import { durationAt, failAt, formatDuration, objectAt, type ConfigPath } from '@dozor/contracts';
import { ACKNOWLEDGE_REMIND_HOURS, UNACKNOWLEDGE_TIMEOUT_MINUTES, type AckReminderPolicy } from '@dozor/domain';

/**
 * A chain's `acknowledge_reminder:` in dozor.yaml, with Grafana OnCall's
 * choices only (`acknowledge_remind_timeout`, `unacknowledge_timeout`):
 *
 *   acknowledge_reminder:
 *     remind_every: 1h             1h, 3h, 5h or 10h
 *     unacknowledge_after: 5m      5m, 15m, 30m or 45m; absent: only remind
 *     notify_paged_on_resolve: true  a resolve notice to everyone paged (OnCall #3984)
 *
 * Absent or null: no reminders. The escalator reads it from the chain of
 * the group's escalation when the group is acknowledged, and again when a
 * reminder is due (a setting, as in OnCall, not part of the frozen snapshot).
 */
export interface AckReminderConfig {
  policy: AckReminderPolicy;
  notifyPagedOnResolve: boolean;
}

const REMIND_SECONDS = ACKNOWLEDGE_REMIND_HOURS.map((h) => h * 3600);
const UNACK_SECONDS = UNACKNOWLEDGE_TIMEOUT_MINUTES.map((m) => m * 60);

function choice(v: unknown, path: ConfigPath, allowed: readonly number[]): number {
  const seconds = durationAt(v, path);
  if (!allowed.includes(seconds))
    failAt(path, `must be one of ${allowed.map(formatDuration).join(', ')} (as in Grafana OnCall), got ${formatDuration(seconds)}`);
  return seconds;
}

export function parseAckReminder(v: unknown, p: ConfigPath): AckReminderConfig | null {
  if (v === undefined || v === null) return null;
  const o = objectAt(v, p, ['remind_every', 'unacknowledge_after', 'notify_paged_on_resolve']);
  if (o.remind_every === undefined || o.remind_every === null)
    failAt([...p, 'remind_every'], `is required: one of ${REMIND_SECONDS.map(formatDuration).join(', ')}`);
  const remindEverySeconds = choice(o.remind_every, [...p, 'remind_every'], REMIND_SECONDS);
  const unack = o.unacknowledge_after;
  const unackAfterSeconds = unack === undefined || unack === null ? null : choice(unack, [...p, 'unacknowledge_after'], UNACK_SECONDS);
  const notify = o.notify_paged_on_resolve ?? false;
  if (typeof notify !== 'boolean') failAt([...p, 'notify_paged_on_resolve'], `must be true or false, got ${JSON.stringify(notify)}`);
  return { policy: { remindEverySeconds, unackAfterSeconds }, notifyPagedOnResolve: notify };
}
