import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Kvm } from '@nats-io/kv';
import { Telegraf } from 'telegraf';
import { Runtime } from '@dozor/platform';
import { JsonLogger, metrics, SpanKind, withSpan } from '@dozor/telemetry';
import { KvSendLimits, LIMITS_MAX_AGE_MS, TelegramSender } from './telegram/index.js';

/**
 * The Telegraf bot, its API root from TELEGRAM_API_ROOT. Every Bot API call
 * runs in an HTTP client span, so a notification's trace ends at Telegram.
 * Its send limits are the bot's, shared by every replica through the
 * `<prefix>-limits` KV bucket (one entry per bot, keyed by its numeric id).
 */
@Injectable()
export class TelegramBot implements OnApplicationShutdown {
  readonly bot: Telegraf | null;
  readonly sender: TelegramSender | null;
  private readonly limits: KvSendLimits | null = null;

  constructor(runtime: Runtime, log: JsonLogger) {
    const { telegramBotToken: token, telegramApiRoot: apiRoot } = runtime.settings;
    if (!token) {
      this.bot = null;
      this.sender = null;
      return;
    }
    this.bot = new Telegraf(token, { telegram: { apiRoot, webhookReply: false } });
    const telegram = this.bot.telegram;
    const call = telegram.callApi.bind(telegram) as (...a: unknown[]) => Promise<unknown>;
    const url = new URL(apiRoot);
    (telegram as unknown as { callApi: (...a: unknown[]) => Promise<unknown> }).callApi = (method: unknown, ...rest: unknown[]) =>
      withSpan(
        'POST',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': 'POST',
            'server.address': url.hostname,
            'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
            'url.full': `${apiRoot.replace(/\/$/, '')}/bot<token>/${String(method)}`,
            'rpc.system': 'telegram-bot-api',
            'rpc.method': String(method),
          },
        },
        async (span) => {
          try {
            const r = await call(method, ...rest);
            span.setAttribute('http.response.status_code', 200);
            metrics.telegramCalls.inc({ method: String(method), result: 'ok' });
            return r;
          } catch (err) {
            const code = (err as { response?: { error_code?: number } }).response?.error_code;
            if (code) span.setAttribute('http.response.status_code', code);
            metrics.telegramCalls.inc({ method: String(method), result: String(code ?? 'network') });
            throw err;
          }
        },
      );
    const bucket = `${runtime.settings.topology.prefix}-limits`;
    this.limits = new KvSendLimits(() => new Kvm(runtime.nc).create(bucket, { history: 1, ttl: LIMITS_MAX_AGE_MS }), `bot.${token.split(':')[0]}`);
    let warned = 0;
    this.sender = new TelegramSender(telegram, {
      limits: this.limits,
      onLimitsUnavailable: (err) => {
        // Sends wait for the store (and are offered again later when it stays away); say so now and then, not on every send.
        if (Date.now() - warned < 60_000) return;
        warned = Date.now();
        log.warn(`shared send limits unavailable, sends wait for them: ${(err as Error).message}`, 'telegram');
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.limits?.close();
    try {
      this.bot?.stop('shutdown');
    } catch {
      /* not polling through Telegraf */
    }
  }
}
