import { describe, expect, it } from 'vitest';
import { reminderTimerId, unackTimerId } from '@dozor/contracts';
import { onAcknowledged, onAckReminderTimer, type AckReminderGroup, type AckReminderPolicy } from './index.js';

const G = 'abcdefghijklmnopqrst-1';
const NOW = '2026-11-24T01:00:00.000Z';
const hourly: AckReminderPolicy = { remindEverySeconds: 3600, unackAfterSeconds: 300 };
const remindOnly: AckReminderPolicy = { remindEverySeconds: 3600, unackAfterSeconds: null };
/** Acknowledged by alice at stream sequence 7. */
const acked = (over: Partial<AckReminderGroup> = {}): AckReminderGroup => ({
  alertGroupId: G,
  state: 'acknowledged',
  ack: 7,
  acknowledgedBy: 'alice',
  answered: [],
  ...over,
});

describe('Acknowledge reminders', () => {
  describe('given an acknowledgment', () => {
    it('when a user acked, then the first reminder is due one period later', () => {
      expect(onAcknowledged(acked(), hourly, NOW)).toEqual({
        kind: 'schedule',
        timer: { kind: 'reminder', timerId: reminderTimerId(G, 7, 1), n: 1, dueAt: '2026-11-24T02:00:00.000Z' },
      });
    });

    it('when the alert source acked, or the route has no reminder, or the group is no longer acked, then nothing', () => {
      expect(onAcknowledged(acked({ acknowledgedBy: null }), hourly, NOW)).toMatchObject({ kind: 'nothing', why: 'acknowledged by the alert source' });
      expect(onAcknowledged(acked(), null, NOW)).toMatchObject({ kind: 'nothing' });
      expect(onAcknowledged(acked({ state: 'firing', ack: null }), hourly, NOW)).toMatchObject({ kind: 'nothing', why: 'not acknowledged' });
    });
  });

  describe('given a due reminder', () => {
    it('when the ack still holds, then the acknowledger is reminded and the answer deadline is set', () => {
      expect(onAckReminderTimer(reminderTimerId(G, 7, 1), acked(), hourly, NOW)).toEqual({
        kind: 'remind',
        userId: 'alice',
        n: 1,
        next: { kind: 'unack', timerId: unackTimerId(G, 7, 1), n: 1, dueAt: '2026-11-24T01:05:00.000Z' },
      });
    });

    it('when unacknowledging is off, then the next reminder follows a full period later', () => {
      expect(onAckReminderTimer(reminderTimerId(G, 7, 2), acked(), remindOnly, NOW)).toMatchObject({
        kind: 'remind',
        n: 2,
        next: { kind: 'reminder', timerId: reminderTimerId(G, 7, 3), n: 3, dueAt: '2026-11-24T02:00:00.000Z' },
      });
    });

    it('when the group was unacked, resolved or acked again since, then nothing (the timer is stale)', () => {
      for (const g of [acked({ state: 'firing', ack: null }), acked({ state: 'resolved', ack: null }), acked({ ack: 9 })])
        expect(onAckReminderTimer(reminderTimerId(G, 7, 1), g, hourly, NOW)).toMatchObject({ kind: 'nothing' });
    });

    it('when the timer is not a reminder of this group, then nothing', () => {
      expect(onAckReminderTimer(reminderTimerId('zzzzzzzzzzzzzzzzzzzz-1', 7, 1), acked(), hourly, NOW)).toMatchObject({ kind: 'nothing' });
      expect(onAckReminderTimer(`esc:${G}:1:2`, acked(), hourly, NOW)).toMatchObject({ kind: 'nothing' });
    });
  });

  describe('given a due answer deadline', () => {
    it('when the reminder was not answered, then the group is unacknowledged', () => {
      expect(onAckReminderTimer(unackTimerId(G, 7, 1), acked(), hourly, NOW)).toEqual({ kind: 'unacknowledge', userId: 'alice', n: 1 });
    });

    it('when the reminder was answered, then the next reminder is due a period after the reminder', () => {
      expect(onAckReminderTimer(unackTimerId(G, 7, 1), acked({ answered: [1] }), hourly, NOW)).toEqual({
        kind: 'schedule',
        timer: { kind: 'reminder', timerId: reminderTimerId(G, 7, 2), n: 2, dueAt: '2026-11-24T01:55:00.000Z' },
      });
    });

    it('when an earlier reminder was answered but this one was not, then the group is unacknowledged', () => {
      expect(onAckReminderTimer(unackTimerId(G, 7, 2), acked({ answered: [1] }), hourly, NOW)).toMatchObject({ kind: 'unacknowledge', n: 2 });
    });

    it('when the group was acked again since, then nothing', () => {
      expect(onAckReminderTimer(unackTimerId(G, 7, 1), acked({ ack: 12 }), hourly, NOW)).toMatchObject({ kind: 'nothing' });
    });
  });
});
