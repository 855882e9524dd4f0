import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  aggregateKeyOf,
  alertGroupId,
  escalationTimerId,
  heartbeatTimerId,
  maintenanceTimerId,
  notificationId,
  parseAlertGroupId,
  parseEscalationTimerId,
  parseHeartbeatTimerId,
  parseMaintenanceTimerId,
  parseNotificationId,
  parseReminderTimerId,
  parseUnackTimerId,
  parseSilenceTimerId,
  reminderTimerId,
  silenceTimerId,
  unackTimerId,
} from './ids.js';

const groupIds = fc
  .tuple(fc.stringMatching(/^[a-z2-7]{20}$/), fc.integer({ min: 1, max: 999_999_999 }))
  .map(([key, generation]) => alertGroupId(key, generation));
/** dozor.yaml ids: 1-64 letters, digits, `-` or `_`. */
const configIds = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const instants = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const counts = fc.integer({ min: 0, max: 1_000_000 });

describe('ids', () => {
  it('the aggregate key is 20 base32 characters of sha256(integrationId \\n groupingKey)', () => {
    expect(aggregateKeyOf('am', '{}:{alertname="X"}')).toMatch(/^[a-z2-7]{20}$/);
    expect(aggregateKeyOf('am', 'a')).toBe(aggregateKeyOf('am', 'a'));
    expect(aggregateKeyOf('am', 'a')).not.toBe(aggregateKeyOf('am2', 'a'));
    expect(aggregateKeyOf('am', 'g')).toBe('qbt4sidpk7fd5i7zh3pd');
    fc.assert(fc.property(configIds, fc.string(), (i, g) => parseAlertGroupId(alertGroupId(aggregateKeyOf(i, g), 1))?.aggregateKey === aggregateKeyOf(i, g)));
  });

  it('acknowledge reminder and unack timer ids round-trip and never parse as each other', () => {
    expect(reminderTimerId('abc-1', 7, 1)).toBe('reminder:abc-1:7:1');
    expect(unackTimerId('abc-1', 7, 1)).toBe('unack:abc-1:7:1');
    fc.assert(
      fc.property(groupIds, counts, counts, (g, ack, n) => {
        expect(parseReminderTimerId(reminderTimerId(g, ack, n))).toEqual({ alertGroupId: g, ack, n });
        expect(parseUnackTimerId(unackTimerId(g, ack, n))).toEqual({ alertGroupId: g, ack, n });
        expect(parseReminderTimerId(unackTimerId(g, ack, n))).toBeNull();
        expect(parseEscalationTimerId(reminderTimerId(g, ack, n))).toBeNull();
      }),
    );
  });

  it('escalation timer ids round-trip', () => {
    expect(escalationTimerId('abc-1', 2, 3)).toBe('esc:abc-1:2:3');
    fc.assert(
      fc.property(groupIds, counts, counts, (g, epoch, step) => {
        expect(parseEscalationTimerId(escalationTimerId(g, epoch, step))).toEqual({ alertGroupId: g, epoch, stepIndex: step });
      }),
    );
  });

  it('silence timer ids round-trip', () => {
    expect(silenceTimerId('abc-1', '2026-11-24T01:00:00.000Z')).toBe('silence:abc-1|2026-11-24T01:00:00.000Z');
    fc.assert(
      fc.property(groupIds, instants, (g, until) => {
        expect(parseSilenceTimerId(silenceTimerId(g, until))).toEqual({ alertGroupId: g, until });
      }),
    );
  });

  it('maintenance timer ids round-trip', () => {
    expect(maintenanceTimerId('am', '3-xyz')).toBe('maintenance:am:3-xyz');
    fc.assert(
      fc.property(configIds, fc.stringMatching(/^[0-9]{1,6}-[0-9a-z]{1,12}$/), (i, m) => {
        expect(parseMaintenanceTimerId(maintenanceTimerId(i, m))).toEqual({ integrationId: i, maintenanceId: m });
      }),
    );
  });

  it('heartbeat timer ids round-trip', () => {
    expect(heartbeatTimerId('am', '2026-11-24T01:05:00.000Z')).toBe('heartbeat:am|2026-11-24T01:05:00.000Z');
    fc.assert(
      fc.property(configIds, instants, (i, dueAt) => {
        expect(parseHeartbeatTimerId(heartbeatTimerId(i, dueAt))).toEqual({ integrationId: i, dueAt });
      }),
    );
  });

  it('notification ids round-trip', () => {
    expect(notificationId('abc-1', 1, 2, 'alice')).toBe('ntf:abc-1:1:2:alice');
    fc.assert(
      fc.property(groupIds, counts, counts, configIds, (g, epoch, step, userId) => {
        expect(parseNotificationId(notificationId(g, epoch, step, userId))).toEqual({ alertGroupId: g, epoch, stepIndex: step, userId });
      }),
    );
  });

  it('a parser refuses the other kinds', () => {
    const ids = [
      escalationTimerId('abc-1', 1, 1),
      silenceTimerId('abc-1', 'x'),
      maintenanceTimerId('am', 'm'),
      heartbeatTimerId('am', 'x'),
      notificationId('abc-1', 1, 1, 'u'),
    ];
    const parsers = [parseEscalationTimerId, parseSilenceTimerId, parseMaintenanceTimerId, parseHeartbeatTimerId, parseNotificationId];
    parsers.forEach((parse, i) =>
      ids.forEach((id, j) => {
        expect(parse(id) !== null).toBe(i === j);
      }),
    );
  });
});
