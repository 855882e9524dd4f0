import { Body, Controller, Headers, HttpCode, HttpException, Post } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Update } from 'telegraf/types';
import { Runtime } from '@dozor/platform';
import { TelegramUpdates } from './telegram-updates.service.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Webhook mode: Telegram posts updates here with X-Telegram-Bot-Api-Secret-Token. */
@Controller('telegram')
export class TelegramWebhookController {
  constructor(
    private readonly updates: TelegramUpdates,
    private readonly runtime: Runtime,
  ) {}

  @Post('webhook')
  @HttpCode(200)
  async webhook(@Headers('x-telegram-bot-api-secret-token') secret: string | undefined, @Body() update: Update): Promise<{ ok: true }> {
    const expected = this.runtime.settings.telegramWebhookSecret;
    if (this.runtime.settings.telegramMode !== 'webhook' || !expected)
      throw new HttpException({ detail: 'Telegram webhook mode is not enabled (TELEGRAM_MODE=webhook and TELEGRAM_WEBHOOK_SECRET)' }, 404);
    if (!secret || !timingSafeEqual(digest(secret), digest(expected))) throw new HttpException({ detail: 'bad X-Telegram-Bot-Api-Secret-Token' }, 403);
    await this.updates.handle(update);
    return { ok: true };
  }
}
