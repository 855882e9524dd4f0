import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import type { Update } from 'telegraf/types';
import { subjects, type AlertGroupCommandRequest, type CommandReply } from '@dozor/contracts';
import { EventStore } from '@dozor/eventstore';
import { mintConsoleLoginCode, Runtime } from '@dozor/platform';
import { JsonLogger, SpanKind, withSpan } from '@dozor/telemetry';
import { verifyCallback } from '../telegram/index.js';
import { TelegramBot } from '../telegram-bot.js';
import { TelegramAccounts } from '../accounts/telegram-accounts.js';
import { GroupOpener } from '../delivery/group-opener.js';
import { codeRefusal } from '@dozor/domain';

const LOCK_KEY = 'telegram-poller';

interface CallbackQuery {
  id: string;
  from: { id: number };
  data?: string;
  message?: { message_id?: number; chat?: { id: number } };
}
const LOCK_TTL_MS = 15_000;

const DONE_TEXT: Record<string, string> = {
  acknowledge: 'Acknowledged',
  unacknowledge: 'Unacknowledged',
  resolve: 'Resolved',
  unresolve: 'Unresolved',
  silence: 'Silenced',
  unsilence: 'Unsilenced',
};

/**
 * Telegram updates: button presses and /start. In polling mode exactly one
 * replica polls (Telegram allows one getUpdates at a time): it holds a lease
 * in a NATS KV bucket whose entries expire, and renews it while it polls.
 */
@Injectable()
export class TelegramUpdates implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly owner = randomUUID();
  private abort = new AbortController();

  constructor(
    private readonly telegram: TelegramBot,
    private readonly store: EventStore,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
    private readonly accounts: TelegramAccounts,
    private readonly opener: GroupOpener,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.telegram.bot || this.runtime.settings.telegramMode !== 'polling') return;
    this.running = true;
    this.loop = this.poll();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  private async lease(kv: KV, held: { revision: number } | null): Promise<{ revision: number } | null> {
    try {
      if (held) return { revision: await kv.update(LOCK_KEY, this.owner, held.revision) };
      return { revision: await kv.create(LOCK_KEY, this.owner) };
    } catch {
      return null;
    }
  }

  private async poll(): Promise<void> {
    const kv = await new Kvm(this.runtime.nc).create(`${this.runtime.settings.topology.prefix}-locks`, { ttl: LOCK_TTL_MS, history: 1 });
    const telegram = this.telegram.bot!.telegram;
    await telegram.deleteWebhook().catch((e) => this.log.warn(`deleteWebhook: ${(e as Error).message}`, 'telegram'));
    let held: { revision: number } | null = null;
    let renewedAt = 0;
    let offset = 0;
    while (this.running) {
      if (Date.now() - renewedAt > LOCK_TTL_MS / 3) {
        held = await this.lease(kv, held);
        renewedAt = held ? Date.now() : 0;
        if (!held) {
          await new Promise((r) => setTimeout(r, 2000));
          continue;
        }
      }
      try {
        const updates = (await telegram.callApi('getUpdates', { offset, timeout: 2, allowed_updates: ['message', 'callback_query'] }, {
          signal: this.abort.signal,
        } as never)) as Update[];
        for (const u of updates) {
          offset = u.update_id + 1;
          await this.handle(u).catch((e) => this.log.error(`update ${u.update_id}: ${(e as Error).stack ?? e}`, 'telegram'));
        }
      } catch (err) {
        if (!this.running) break;
        this.log.warn(`getUpdates failed: ${(err as Error).message}`, 'telegram');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (held) await kv.delete(LOCK_KEY).catch(() => undefined);
  }

  /** One update, from polling or the webhook. */
  async handle(u: Update): Promise<void> {
    if ('callback_query' in u && u.callback_query) return this.onCallback(u.callback_query as CallbackQuery);
    if ('message' in u && u.message && 'text' in u.message)
      return this.onText(u.message.chat.id, u.message.chat.type === 'private', u.message.from?.id, u.message.text);
  }

  /**
   * `/start`, `/start <code>` (the deep link), or a plain message with a
   * verification code in it. Every message in a private chat gets a reply.
   */
  private async onText(chatId: number, isPrivate: boolean, fromId: number | undefined, text: string): Promise<void> {
    if (/^\/login(?:@\w+)?\s*$/.test(text.trim())) return this.onLogin(chatId, isPrivate, fromId);
    const start = /^\/start(?:@\w+)?(?:\s+(.*))?$/s.exec(text.trim());
    if (!start && !isPrivate) return;
    const reply = (t: string) => this.telegram.sender!.send(chatId, { text: t });
    const param = start ? (start[1] ?? '').trim() : text;
    if (fromId !== undefined && param) {
      let attempt;
      try {
        attempt = await this.accounts.tryLink(param, fromId, chatId, this.runtime.clock());
      } catch (err) {
        this.log.error(`linking Telegram account ${fromId}: ${(err as Error).stack ?? err}`, 'telegram');
        return void (await reply('Dozor could not check this verification code right now; send it again in a minute.'));
      }
      if (attempt.found) return void (await reply(attempt.reply));
      if (start) return void (await reply(codeRefusal('unknown')));
    }
    const user = await this.accounts.userOf(fromId).catch((err) => {
      this.log.error(`looking up Telegram account ${fromId}: ${(err as Error).stack ?? err}`, 'telegram');
      return undefined;
    });
    if (user === undefined) return void (await reply('Dozor could not look up this Telegram account right now; try again in a minute.'));
    const text2 = user
      ? `Hello, ${user.name}. This Telegram account is linked to the Dozor user ${user.id}; alerts escalated to you arrive here.`
      : `This Telegram account (id ${fromId}) is not linked to a Dozor user. Ask your Dozor admin for a verification code and send it here as /start <code>, or to set telegram_user_id: "${fromId}" for your user in dozor.yaml.`;
    await reply(start ? text2 : `${text2} (Dozor did not find a verification code in your message.)`);
  }

  /**
   * `/login`: a one-time link that signs the linked user in to the console
   * (10 minutes, redeemed once; `ConsoleLoginCodeIssued`). Only in a private
   * chat, so nobody else in a group sees the link.
   */
  private async onLogin(chatId: number, isPrivate: boolean, fromId: number | undefined): Promise<void> {
    const reply = (t: string) => this.telegram.sender!.send(chatId, { text: t });
    if (!isPrivate) return void (await reply('Send /login to me in a direct message: a sign-in link is not for a shared chat.'));
    const user = await this.accounts.userOf(fromId).catch(() => undefined);
    if (user === undefined) return void (await reply('Dozor could not look up this Telegram account right now; try again in a minute.'));
    if (!user) return void (await reply(`This Telegram account (id ${fromId}) is not linked to a Dozor user, so it cannot sign in to the console.`));
    const { code, expiresAt } = await mintConsoleLoginCode(this.store, user.id, {
      now: new Date(), // the wall clock, as the console redeems it
      actor: { kind: 'user', id: user.id, name: user.name },
      source: 'telegram',
    });
    const until = expiresAt.slice(11, 16);
    await reply(
      `Sign in to the Dozor console as ${user.name}: ${this.runtime.settings.publicUrl}/login?code=${code}\nThe link works once, until ${until} UTC.`,
    );
  }

  /** Every callback query is answered, even when handling it fails, so the button never spins. */
  private async onCallback(q: CallbackQuery): Promise<void> {
    try {
      await this.actOnCallback(q);
    } catch (err) {
      this.log.error(`callback ${q.id}: ${(err as Error).stack ?? err}`, 'telegram');
      await this.telegram.sender!.answerCallback(q.id, 'Dozor could not process this button; try again.', { showAlert: false }).catch(() => undefined);
    }
  }

  private async actOnCallback(q: CallbackQuery): Promise<void> {
    await withSpan('telegram callback_query', { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'telegram' } }, async () => {
      const answer = (text: string) => this.telegram.sender!.answerCallback(q.id, text, { showAlert: false });
      const parsed = verifyCallback(this.runtime.settings.callbackSecret, q.data);
      if (!parsed) return void (await answer('This button is not valid (unknown or tampered data).'));
      const user = await this.accounts.userOf(q.from.id);
      if (!user) return void (await answer(`Your Telegram account (id ${q.from.id}) is not linked to a Dozor user; nothing was changed.`));
      const chatId = String(q.message?.chat?.id ?? q.from.id);
      if (parsed.action === 'open') return void (await answer(await this.opener.open(parsed.alertGroupId, chatId, user.id)));
      if (q.message?.message_id !== undefined) {
        await this.opener
          .adopt(parsed.alertGroupId, chatId, q.message.message_id, user.id)
          .catch((err: unknown) => this.log.warn(`cannot adopt message ${chatId}/${q.message?.message_id}: ${(err as Error).message}`, 'telegram'));
      }
      const req: AlertGroupCommandRequest = {
        action: parsed.action,
        alertGroupId: parsed.alertGroupId,
        actor: { kind: 'user', id: user.id, name: user.name },
        source: 'telegram',
        durationSeconds: parsed.action === 'silence' ? silenceSeconds(parsed.silence) : undefined,
      };
      let reply: CommandReply;
      try {
        reply = await this.store.requests.request<CommandReply>(subjects.alertGroupCommands(this.store.topology), req, {
          attributes: { 'dozor.action': parsed.action, 'dozor.alert_group_id': parsed.alertGroupId },
        });
      } catch (err) {
        reply = { ok: false, code: 'unavailable', message: `Dozor could not process the action (${(err as Error).message}); try again` };
      }
      const done = reply.ok && reply.events?.includes('AlertGroupAcknowledgmentConfirmed') ? 'Confirmed: still acknowledged by you' : DONE_TEXT[parsed.action];
      await answer(reply.ok ? (done ?? 'Done') : reply.message.slice(0, 190));
    });
  }
}

function silenceSeconds(s: string | undefined): number | null {
  if (!s || s === 'forever') return null;
  const n = Number(s.slice(0, -1));
  return s.endsWith('m') ? n * 60 : n * 3600;
}
