import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTORS, type DozorEvent, type NewEvent } from '@dozor/contracts';
import { specEvents } from '@dozor/testing';
import { resolveNoticeRecipients } from './index.js';

const G = 'abcdefghijklmnopqrst-1';
const toEvent = specEvents<NewEvent, DozorEvent>({ occurredAt: '2026-11-24T01:00:00.000Z', actor: SYSTEM_ACTORS.escalator, source: 'system' });
const sent = (userId: string, alertGroupId = G): DozorEvent =>
  toEvent({
    type: 'NotificationSent',
    data: { alertGroupId, notificationId: `ntf:${alertGroupId}:1:0:${userId}`, userId, channel: 'telegram', chatId: '1', messageId: 1 },
  });

describe('resolve notice recipients', () => {
  it('given pages sent, then every paged user once, in the order first paged', () => {
    expect(resolveNoticeRecipients([sent('bob'), sent('alice'), sent('bob')], G)).toEqual(['bob', 'alice']);
  });

  it('leaves out chat posts, other groups and whoever resolved', () => {
    expect(resolveNoticeRecipients([sent('chat|-100'), sent('carol', 'zzzzzzzzzzzzzzzzzzzz-1'), sent('alice'), sent('bob')], G, 'alice')).toEqual(['bob']);
  });

  it('given no page was sent, then nobody', () => {
    expect(resolveNoticeRecipients([], G)).toEqual([]);
  });
});
