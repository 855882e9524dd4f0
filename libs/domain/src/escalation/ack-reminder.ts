import { parseReminderTimerId, parseUnackTimerId, reminderTimerId, unackTimerId } from '@dozor/contracts';

/** OnCall's `acknowledge_remind_timeout` choices, in hours (0 there means never: here, no policy). */
export const ACKNOWLEDGE_REMIND_HOURS = [1, 3, 5, 10] as const;
/** OnCall's `unacknowledge_timeout` choices, in minutes (0 there means never: here, `unackAfterSeconds: null`). */
export const UNACKNOWLEDGE_TIMEOUT_MINUTES = [5, 15, 30, 45] as const;

/** The acknowledge reminder settings of a route or chain. */
export interface AckReminderPolicy {
  /** Remind the acknowledger this long after the ack, and after each answered reminder. */
  remindEverySeconds: number;
  /** Unacknowledge when a reminder is not answered within this long; null: remind again instead. */
  unackAfterSeconds: number | null;
}

/**
 * What the caller knows of the group when a reminder timer is due: its state,
 * the stream sequence of the acknowledgment that holds now (null when it is
 * not acknowledged), who acknowledged (null for the alert source), and which
 * reminders of that ack the acknowledger answered ("I'm still on it").
 */
export interface AckReminderGroup {
  alertGroupId: string;
  state: 'firing' | 'acknowledged' | 'resolved' | 'silenced';
  ack: number | null;
  acknowledgedBy: string | null;
  answered: number[];
}

export interface AckReminderTimer {
  kind: 'reminder' | 'unack';
  timerId: string;
  n: number;
  dueAt: string;
}

export type AckReminderDecision =
  /** Nothing to do, and why (for the log). */
  | { kind: 'nothing'; why: string }
  /** Schedule this timer. */
  | { kind: 'schedule'; timer: AckReminderTimer }
  /** Send reminder `n` to the acknowledger, then schedule the next timer. */
  | { kind: 'remind'; userId: string; n: number; next: AckReminderTimer }
  /** Unanswered: unacknowledge the group (escalation then restarts, as on any unack). */
  | { kind: 'unacknowledge'; userId: string; n: number };

const at = (now: string, seconds: number) => new Date(Date.parse(now) + seconds * 1000).toISOString();

/**
 * A user acknowledged (the ack at stream sequence `ack`): the first reminder
 * is due `remindEverySeconds` later. An ack by the alert source reminds nobody,
 * as in OnCall (`acknowledged_by == USER`).
 */
export function onAcknowledged(g: AckReminderGroup, policy: AckReminderPolicy | null, now: string): AckReminderDecision {
  if (!policy) return { kind: 'nothing', why: 'no acknowledge reminder for this route' };
  if (g.state !== 'acknowledged' || g.ack === null) return { kind: 'nothing', why: 'not acknowledged' };
  if (g.acknowledgedBy === null) return { kind: 'nothing', why: 'acknowledged by the alert source' };
  return { kind: 'schedule', timer: { kind: 'reminder', timerId: reminderTimerId(g.alertGroupId, g.ack, 1), n: 1, dueAt: at(now, policy.remindEverySeconds) } };
}

/**
 * A reminder or unack timer is due. A timer of an earlier ack (the group was
 * unacknowledged, resolved or acknowledged again since) does nothing, as
 * OnCall's process id check. A reminder is sent and followed by its answer
 * deadline, or by the next reminder when unacknowledging is off. At the
 * deadline, an answered reminder schedules the next one a full period after
 * the reminder (OnCall: `remind - unack` after the deadline); an unanswered
 * one unacknowledges.
 */
export function onAckReminderTimer(timerId: string, g: AckReminderGroup, policy: AckReminderPolicy | null, now: string): AckReminderDecision {
  const reminder = parseReminderTimerId(timerId);
  const unack = reminder ? null : parseUnackTimerId(timerId);
  const t = reminder ?? unack;
  if (!t || t.alertGroupId !== g.alertGroupId) return { kind: 'nothing', why: `not an acknowledge reminder timer of ${g.alertGroupId}` };
  if (!policy) return { kind: 'nothing', why: 'no acknowledge reminder for this route any more' };
  if (g.state !== 'acknowledged' || g.ack !== t.ack || g.acknowledgedBy === null)
    return { kind: 'nothing', why: 'the acknowledgment it follows no longer holds' };
  const nextReminder = (n: number, dueAt: string): AckReminderTimer => ({ kind: 'reminder', timerId: reminderTimerId(g.alertGroupId, t.ack, n), n, dueAt });
  if (reminder) {
    const next: AckReminderTimer =
      policy.unackAfterSeconds === null
        ? nextReminder(t.n + 1, at(now, policy.remindEverySeconds))
        : { kind: 'unack', timerId: unackTimerId(g.alertGroupId, t.ack, t.n), n: t.n, dueAt: at(now, policy.unackAfterSeconds) };
    return { kind: 'remind', userId: g.acknowledgedBy, n: t.n, next };
  }
  if (g.answered.includes(t.n)) {
    const after = Math.max(0, policy.remindEverySeconds - (policy.unackAfterSeconds ?? 0));
    return { kind: 'schedule', timer: nextReminder(t.n + 1, at(now, after)) };
  }
  return { kind: 'unacknowledge', userId: g.acknowledgedBy, n: t.n };
}
