import { describe, expect, it } from 'vitest';
import type { DozorEvent } from '@dozor/contracts';
import { decidePage, foldDispatches, type PageStatus } from './dispatch-log.js';

const meta = {
  eventId: 'e',
  occurredAt: '2026-12-03T06:00:00.000Z',
  actor: { kind: 'system' as const, id: 'telegram' },
  source: 'system' as const,
  causationId: null,
  correlationId: 'c',
  traceparent: null,
};
const base = { alertGroupId: 'g-1', notificationId: 'n1', userId: 'alice' };
const ev = (type: string, data: object) => ({ type, schemaVersion: 1, data: { ...base, ...data }, metadata: meta }) as unknown as DozorEvent;
const claim = (attempt: number, dispatchId: string, owner?: string) => ev('NotificationDispatching', { chatId: '1', attempt, dispatchId, owner });
const sent = (dispatchId: string, messageId = 7, bundleId?: string) =>
  ev('NotificationSent', { channel: 'telegram', chatId: '1', messageId, dispatchId, bundleId });
const failed = (dispatchId: string, permanent: boolean) => ev('NotificationFailed', { channel: 'telegram', reason: 'x', permanent, dispatchId });

describe('foldDispatches', () => {
  it.each<[string, DozorEvent[], PageStatus]>([
    [
      'a claim is open until an outcome names it',
      [claim(1, 'd1', 'p1')],
      { finished: false, attempts: 1, open: { dispatchId: 'd1', attempt: 1, owner: 'p1' } },
    ],
    ['sent finishes the page', [claim(1, 'd1', 'p1'), sent('d1')], { finished: true, attempts: 1, open: null }],
    ['a transient failure closes only its claim', [claim(1, 'd1', 'p1'), failed('d1', false)], { finished: false, attempts: 1, open: null }],
    ['a permanent failure finishes the page', [claim(1, 'd1', 'p1'), failed('d1', true)], { finished: true, attempts: 1, open: null }],
    [
      'a transient failure of an older claim leaves the newer one open',
      [claim(1, 'd1', 'p1'), claim(2, 'd2', 'p2'), failed('d1', false)],
      { finished: false, attempts: 2, open: { dispatchId: 'd2', attempt: 2, owner: 'p2' } },
    ],
    ['a late claim after the page was sent stays closed', [claim(1, 'd1'), sent('d1'), claim(2, 'd2')], { finished: true, attempts: 2, open: null }],
  ])('%s', (_name, events, status) => {
    expect(foldDispatches(events).pages.get('n1')).toEqual(status);
  });

  it('keeps every message reference, bundles included', () => {
    const { refs } = foldDispatches([claim(1, 'd1'), sent('d1', 7), claim(2, 'd2'), sent('d2', 9, 'bundle-x')]);
    expect(refs).toEqual([
      { notificationId: 'n1', chatId: '1', messageId: 7 },
      { notificationId: 'n1', chatId: '1', messageId: 9, bundleId: 'bundle-x' },
    ]);
  });
});

describe('decidePage', () => {
  const open = (owner: string | null): PageStatus => ({ finished: false, attempts: 1, open: { dispatchId: 'd1', attempt: 1, owner } });
  const none = () => false;
  it.each<[string, PageStatus | undefined, (d: string) => boolean, (o: string) => boolean, ReturnType<typeof decidePage>]>([
    ['never claimed: claim attempt 1', undefined, none, none, { kind: 'claim', attempt: 1 }],
    ['finished: skip', { finished: true, attempts: 1, open: null }, none, none, { kind: 'skip' }],
    ['closed by a transient failure: claim again', { finished: false, attempts: 1, open: null }, none, none, { kind: 'claim', attempt: 2 }],
    ['held by this process: attach', open('me'), (d) => d === 'd1', none, { kind: 'attach', dispatchId: 'd1' }],
    ['held by a live notifier: wait', open('other'), none, (o) => o === 'other', { kind: 'wait', owner: 'other' }],
    ['its notifier is gone: recover', open('dead'), none, none, { kind: 'recover', attempt: 2, recovers: 'd1' }],
    ['no owner recorded: recover', open(null), none, () => true, { kind: 'recover', attempt: 2, recovers: 'd1' }],
  ])('%s', (_name, status, held, alive, decision) => {
    expect(decidePage(status, held, alive)).toEqual(decision);
  });
});
