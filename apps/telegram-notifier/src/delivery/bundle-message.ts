import type { AlertGroupState } from '@dozor/contracts';
import { escapeHtml, signCallback, truncateHtml, type CallbackSecret, type GroupView, type InlineButton, type RenderedMessage } from '../telegram/index.js';

/**
 * The storm bundle: one message listing several alert groups for one chat,
 * each with its current state, and a button per group that sends that
 * group's own message (with its Acknowledge / Resolve / Silence buttons).
 * Pure: the views come in. A member that is no longer current (a newer
 * generation of its grouping key) is listed as such, so no group drops out.
 */
export interface BundleMember {
  alertGroupId: string;
  view: GroupView | null;
}

const STATE_TEXT: Record<AlertGroupState, string> = { firing: '🔴 Firing', acknowledged: '🟠 Acknowledged', resolved: '🟢 Resolved', silenced: '🔕 Silenced' };
const TITLE_CAP = 60;
const BUTTON_TITLE_CAP = 20;

function cap(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function renderBundle(members: readonly BundleMember[], options: { callbackSecret: CallbackSecret }): RenderedMessage {
  const firing = members.filter((m) => m.view?.state === 'firing').length;
  const lines = [`<b>${members.length} new alert groups</b> (${firing} firing). Open one for its buttons.`, ''];
  const buttons: InlineButton[] = [];
  members.forEach((m, i) => {
    const title = m.view ? (m.view.telegramTitle ?? m.view.title) : m.alertGroupId;
    const state = m.view ? STATE_TEXT[m.view.state] : 'no longer current';
    lines.push(`${i + 1}. ${escapeHtml(cap(title, TITLE_CAP))} — ${state}`);
    buttons.push({
      text: `${i + 1}. ${cap(title, BUTTON_TITLE_CAP)}`,
      callback_data: signCallback(options.callbackSecret, { action: 'open', alertGroupId: m.alertGroupId }),
    });
  });
  const rows: InlineButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return { text: truncateHtml(lines.join('\n')), parse_mode: 'HTML', reply_markup: { inline_keyboard: rows } };
}
