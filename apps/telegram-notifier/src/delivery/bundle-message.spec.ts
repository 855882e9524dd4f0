import { describe, expect, it } from 'vitest';
import { verifyCallback, type GroupView } from '../telegram/index.js';
import { renderBundle } from './bundle-message.js';

const secret = 'bundle-spec-secret';
const view = (i: number, state: GroupView['state'] = 'firing'): GroupView => ({
  alertGroupId: `abcdefghijklmnopqrs${String.fromCharCode(97 + (i % 26))}-${i + 1}`,
  title: `Alert number ${i} on host-${i}`,
  state,
  alertsCount: 1,
  labels: {},
  integrationName: 'Alertmanager',
});

describe('renderBundle', () => {
  it('lists each group with its state and gives each a button that opens it', () => {
    const members = [view(0), view(1, 'acknowledged'), view(2, 'resolved')].map((v) => ({ alertGroupId: v.alertGroupId, view: v }));
    const msg = renderBundle(members, { callbackSecret: secret });
    expect(msg.text).toBe(
      [
        '<b>3 new alert groups</b> (1 firing). Open one for its buttons.',
        '',
        '1. Alert number 0 on host-0 — 🔴 Firing',
        '2. Alert number 1 on host-1 — 🟠 Acknowledged',
        '3. Alert number 2 on host-2 — 🟢 Resolved',
      ].join('\n'),
    );
    const buttons = msg.reply_markup.inline_keyboard;
    expect(buttons.map((row) => row.length)).toEqual([2, 1]);
    expect(buttons.flat().map((b) => verifyCallback(secret, b.callback_data))).toEqual(members.map((m) => ({ action: 'open', alertGroupId: m.alertGroupId })));
  });

  it('keeps a member that is no longer current in the list', () => {
    const msg = renderBundle([{ alertGroupId: 'abcdefghijklmnopqrst-1', view: null }], { callbackSecret: secret });
    expect(msg.text).toContain('1. abcdefghijklmnopqrst-1 — no longer current');
  });

  it('fits forty long titles in one Telegram message', () => {
    const members = Array.from({ length: 40 }, (_, i) => ({ ...view(i), title: 'x'.repeat(500) })).map((v) => ({ alertGroupId: v.alertGroupId, view: v }));
    const msg = renderBundle(members, { callbackSecret: secret });
    expect(msg.text.length).toBeLessThanOrEqual(4096);
    expect(msg.text).toContain('40. ');
    expect(msg.reply_markup.inline_keyboard.flat()).toHaveLength(40);
  });
});
