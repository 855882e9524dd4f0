import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseAlertGroupId, subjects, SYSTEM_ACTORS } from '@dozor/contracts';
import { EventStore, ExpectedVersion } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { renderGroupMessage } from '../telegram/index.js';
import { TelegramBot } from '../telegram-bot.js';
import { GroupViews } from './group-views.js';

/**
 * The "open" button of a storm bundle: sends the group's own message (with
 * its Acknowledge / Resolve / Silence buttons) to the chat the button was
 * pressed in, and records it like any page, so it is edited on every state
 * change too.
 */
@Injectable()
export class GroupOpener {
  constructor(
    private readonly store: EventStore,
    private readonly views: GroupViews,
    private readonly telegram: TelegramBot,
    private readonly runtime: Runtime,
  ) {}

  /** Returns the answer for the button press. */
  async open(alertGroupId: string, chatId: string, userId: string): Promise<string> {
    const id = parseAlertGroupId(alertGroupId);
    const sender = this.telegram.sender;
    if (!id || !sender) return 'Dozor cannot open this alert group.';
    const view = await this.views.current(id.aggregateKey, alertGroupId);
    if (!view) return 'This alert group is no longer current: a newer one opened for its alerts.';
    const msg = renderGroupMessage(view, { callbackSecret: this.runtime.settings.callbackSecret });
    const sent = await sender.send(chatId, { ...msg, disableNotification: true });
    if (!sent.ok) return `Telegram refused the message (${sent.description.slice(0, 120)}); try again.`;
    const notificationId = `open-${randomUUID()}`;
    await this.store.append(
      subjects.notification(this.runtime.settings.topology, alertGroupId),
      [{ type: 'NotificationSent', data: { alertGroupId, notificationId, userId, channel: 'telegram', chatId, messageId: sent.messageId } }],
      { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.telegram, source: 'system', msgId: `${notificationId}:sent` },
    );
    return 'Sent below';
  }
}
