import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseAlertGroupId, subjects, SYSTEM_ACTORS } from '@dozor/contracts';
import { EventStore, ExpectedVersion } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { renderGroupMessage } from '../telegram/index.js';
import { TelegramBot } from '../telegram-bot.js';
import { GroupViews } from './group-views.js';
import { foldDispatches } from './dispatch-log.js';
import { ChatOutbox } from './chat-outbox.js';

/**
 * Messages of a group that a person reaches from the chat, outside the
 * escalation's pages:
 * - the "open" button of a storm bundle sends the group's own message (with
 *   its Acknowledge / Resolve / Silence buttons) to the chat it was pressed
 *   in, and records it like any page, so it is edited on every state change;
 * - a button pressed on a group message the log has no reference for (the
 *   copy a notifier sent just before it died, whose NotificationSent was
 *   never recorded) adopts that message, so it follows the group from then on.
 */
@Injectable()
export class GroupOpener {
  constructor(
    private readonly store: EventStore,
    private readonly views: GroupViews,
    private readonly telegram: TelegramBot,
    private readonly runtime: Runtime,
    private readonly outbox: ChatOutbox,
  ) {}

  /** Returns the answer for the button press. */
  async open(alertGroupId: string, chatId: string, userId: string): Promise<string> {
    const id = parseAlertGroupId(alertGroupId);
    if (!id || !this.telegram.sender) return 'Dozor cannot open this alert group.';
    const view = await this.views.current(id.aggregateKey, alertGroupId);
    if (!view) return 'This alert group is no longer current: a newer one opened for its alerts.';
    const msg = renderGroupMessage(view, { callbackSecret: this.runtime.settings.callbackSecret });
    const sent = await this.outbox.send(chatId, { ...msg, disableNotification: true });
    if (!sent.ok) return `Telegram refused the message (${sent.description.slice(0, 120)}); try again.`;
    const notificationId = `open-${randomUUID()}`;
    await this.store.append(
      subjects.notification(this.runtime.settings.topology, alertGroupId),
      [{ type: 'NotificationSent', data: { alertGroupId, notificationId, userId, channel: 'telegram', chatId, messageId: sent.messageId } }],
      { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.telegram, source: 'system', msgId: `${notificationId}:sent` },
    );
    return 'Sent below';
  }

  /**
   * Records a group message the log does not know (chat and message id from a
   * button press on it), before the action is carried out, so the state
   * change the action makes edits it with the others. Returns whether it was adopted.
   */
  async adopt(alertGroupId: string, chatId: string, messageId: number, userId: string): Promise<boolean> {
    const subject = subjects.notification(this.runtime.settings.topology, alertGroupId);
    const { refs } = foldDispatches((await this.store.readSubject(subject)).flatMap((c) => c.events));
    if (refs.some((r) => r.chatId === chatId && r.messageId === messageId)) return false;
    const notificationId = `adopted-${chatId}-${messageId}`;
    await this.store.append(
      subject,
      [{ type: 'NotificationSent', data: { alertGroupId, notificationId, userId, channel: 'telegram', chatId, messageId, recovered: true } }],
      { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.telegram, source: 'system', msgId: `${notificationId}:sent` },
    );
    return true;
  }
}
