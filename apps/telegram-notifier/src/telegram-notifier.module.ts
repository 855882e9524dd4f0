import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@dozor/platform';
import { NotificationHandler, notifierConsumers } from './delivery/notification.handler.js';
import { GroupViews, NotifierGroupReader } from './delivery/group-views.js';
import { ChatOutbox } from './delivery/chat-outbox.js';
import { NotifierLiveness } from './delivery/notifier-liveness.js';
import { GroupOpener } from './delivery/group-opener.js';
import { ChatNotificationHandler, chatNotifierConsumers } from './delivery/chat-notification.handler.js';
import { TelegramBot } from './telegram-bot.js';
import { TelegramAccounts, UserTelegramReader } from './accounts/telegram-accounts.js';
import { TelegramUpdates } from './updates/telegram-updates.service.js';
import { TelegramWebhookController } from './updates/telegram-webhook.controller.js';

@Module({
  controllers: [NotificationHandler, ChatNotificationHandler, TelegramWebhookController],
  providers: [TelegramBot, NotifierGroupReader, GroupViews, ChatOutbox, NotifierLiveness, GroupOpener, TelegramUpdates, UserTelegramReader, TelegramAccounts],
})
export class TelegramNotifierModule {}

export const telegramNotifierService: ServiceDefinition = {
  target: 'telegram-notifier',
  module: TelegramNotifierModule,
  consumers: (t) => ({ ...notifierConsumers(t), ...chatNotifierConsumers(t) }),
};
