import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { subjects, SYSTEM_ACTORS, type ChatNotificationRequestedData, type DozorEvent, type NewEvent, type Topology } from '@dozor/contracts';
import { EventStore, ExpectedVersion, Outcome, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { renderGroupMessage } from '../telegram/index.js';
import { TelegramBot } from '../telegram-bot.js';
import { viewOf } from './group-view.js';
import { NotifierGroupReader } from './notification.handler.js';

export const NOTIFIER_CHAT_REQUESTS = 'notifier.chat-requests';

/**
 * Posts the group in a Telegram chat for a `notify_whole_channel` step, with
 * the group's buttons. The post is recorded as a NotificationSent (its
 * `userId` is `chat|<chatId>`) on the group's notification subject, so the
 * state edits that keep direct messages current keep this one current too.
 */
@Controller()
export class ChatNotificationHandler {
  constructor(
    private readonly store: EventStore,
    private readonly groups: NotifierGroupReader,
    private readonly telegram: TelegramBot,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  private get topology(): Topology {
    return this.runtime.settings.topology;
  }

  @EventPattern(NOTIFIER_CHAT_REQUESTS)
  async onEscalationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const requests = commit.events.filter((e): e is Extract<DozorEvent, { type: 'ChatNotificationRequested' }> => e.type === 'ChatNotificationRequested');
    if (requests.length === 0) return Outcome.skipped('no chat post requested');
    for (const r of requests) {
      const outcome = await this.post(r.data, r.metadata);
      if (outcome.kind === 'retry') return outcome;
    }
    return Outcome.done;
  }

  private async post(req: ChatNotificationRequestedData, meta: DozorEvent['metadata']): Promise<HandlerOutcome> {
    const subject = subjects.notification(this.topology, req.alertGroupId);
    const recipient = `chat|${req.chatId}`;
    const causation = { eventId: meta.eventId, correlationId: meta.correlationId };
    const record = (event: Extract<NewEvent, { type: 'NotificationSent' | 'NotificationFailed' }>) =>
      this.store.append(subject, [event], {
        expected: ExpectedVersion.any,
        actor: SYSTEM_ACTORS.telegram,
        source: 'system',
        causation,
        msgId: `${req.notificationId}:${event.type === 'NotificationSent' ? 'sent' : 'failed:true'}`,
      });
    for (const c of await this.store.readSubject(subject))
      for (const e of c.events)
        if ((e.type === 'NotificationSent' || (e.type === 'NotificationFailed' && e.data.permanent)) && e.data.notificationId === req.notificationId)
          return Outcome.skipped('already posted');
    const failed = (reason: string) =>
      record({
        type: 'NotificationFailed',
        data: { alertGroupId: req.alertGroupId, notificationId: req.notificationId, userId: recipient, channel: 'telegram', reason, permanent: true },
      });
    const sender = this.telegram.sender;
    if (!sender) {
      await failed('Telegram is not configured (TELEGRAM_BOT_TOKEN is not set)');
      return Outcome.done;
    }
    const { state } = await this.groups.load(subjects.alertGroup(this.topology, req.aggregateKey));
    const view = viewOf(state.agg, req.alertGroupId, this.runtime.config, state.telegram);
    if (!view) return Outcome.skipped('alert group is no longer current');
    const msg = renderGroupMessage(view, { callbackSecret: this.runtime.settings.callbackSecret });
    const sent = await sender.send(req.chatId, {
      text: msg.text,
      parse_mode: msg.parse_mode,
      reply_markup: msg.reply_markup,
      ...(req.messageThreadId === undefined ? {} : { messageThreadId: req.messageThreadId }),
    });
    if (!sent.ok) {
      if (!sent.permanent) return Outcome.retry(`telegram: ${sent.description}`, sent.retryAfterMs);
      this.log.warn(`cannot post ${req.alertGroupId} in chat ${req.chatId}: ${sent.description}`, 'telegram');
      await failed(`${sent.reason}: ${sent.description}`);
      return Outcome.done;
    }
    await record({
      type: 'NotificationSent',
      data: {
        alertGroupId: req.alertGroupId,
        notificationId: req.notificationId,
        userId: recipient,
        channel: 'telegram',
        chatId: req.chatId,
        messageId: sent.messageId,
      },
    });
    return Outcome.done;
  }
}

export function chatNotifierConsumers(t: Topology) {
  return { [NOTIFIER_CHAT_REQUESTS]: { durable: 'notifier-chat-requests', filter: subjects.allOf(t, 'escalation'), concurrency: 8 } };
}
