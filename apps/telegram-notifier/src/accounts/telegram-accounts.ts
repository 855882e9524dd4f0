import { Inject, Injectable } from '@nestjs/common';
import { hashVerificationCode, subjects, verificationCodeCandidates } from '@dozor/contracts';
import type { UserConfig } from '@dozor/config';
import { userDecider, type UserCommand, type UserRejection, type UserTelegramState } from '@dozor/domain';
import { CommandHandler, EventStore, type EventLog } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';

/** The user aggregate (`<prefix>.evt.user.<userId>`), folded to its Telegram state, cached. */
@Injectable()
export class UserTelegramReader extends CommandHandler<UserCommand, UserTelegramState, UserRejection> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, userDecider);
  }
}

export interface TelegramAccount {
  telegramUserId: string;
  chatId: string;
}

export type LinkAttempt = { found: false } | { found: true; reply: string; linked: boolean };

/**
 * Which Telegram account is a user's, and which user a Telegram account is:
 * an account linked by a verification code (in the log) first, else
 * `telegram_user_id` from dozor.yaml.
 */
@Injectable()
export class TelegramAccounts {
  constructor(
    private readonly store: EventStore,
    private readonly users: UserTelegramReader,
    private readonly runtime: Runtime,
  ) {}

  private async linked(userId: string): Promise<TelegramAccount | null> {
    const { state } = await this.users.load(subjects.user(this.store.topology, userId));
    return state.linked;
  }

  /** Where a user's DMs go, or null when the user has no Telegram account. */
  async accountOf(user: UserConfig): Promise<TelegramAccount | null> {
    const linked = await this.linked(user.id);
    if (linked) return linked;
    return user.telegramUserId ? { telegramUserId: user.telegramUserId, chatId: user.telegramUserId } : null;
  }

  /** The Dozor user a Telegram account acts as, if any. A linked account wins over the config's telegram_user_id. */
  async userOf(telegramUserId: number | string | undefined): Promise<UserConfig | null> {
    if (telegramUserId === undefined) return null;
    const id = String(telegramUserId);
    const users = this.runtime.config.users;
    const links = await Promise.all(users.map((u) => this.linked(u.id)));
    const byLink = users.find((_, i) => links[i]?.telegramUserId === id);
    if (byLink) return byLink;
    return users.find((u, i) => !links[i] && u.telegramUserId === id) ?? null;
  }

  /**
   * Tries the words of a message that look like a verification code. Returns
   * found: false when none is a known code; otherwise the reply (linked, or
   * why not). The code's index subject names the user; the link is appended
   * to the user's subject with its expected version, so a code links once.
   */
  async tryLink(text: string, telegramUserId: number, chatId: number, now: Date): Promise<LinkAttempt> {
    const t = this.store.topology;
    for (const code of verificationCodeCandidates(text)) {
      const codeHash = hashVerificationCode(code);
      let userId: string | null = null;
      for (const c of await this.store.readSubject(subjects.verificationCode(t, codeHash))) {
        for (const e of c.events) if (e.type === 'TelegramVerificationCodeIssued' && e.data.codeHash === codeHash) userId = e.data.userId;
      }
      if (!userId) continue;
      const user = this.runtime.config.users.find((u) => u.id === userId);
      if (!user)
        return { found: true, linked: false, reply: `This verification code belongs to the Dozor user ${userId}, who is no longer in the configuration.` };
      const r = await this.users.handle(
        subjects.user(t, user.id),
        { type: 'LinkTelegramAccount', userId: user.id, codeHash, telegramUserId: String(telegramUserId), chatId: String(chatId), now },
        { actor: { kind: 'user', id: user.id, name: user.name }, source: 'telegram' },
      );
      if (r.kind === 'rejected') return { found: true, linked: false, reply: r.rejection.message };
      if (r.kind === 'conflict')
        return { found: true, linked: false, reply: 'Linking did not go through because your account was changing at the same time; send the code again.' };
      return {
        found: true,
        linked: true,
        reply: `Linked to Dozor user ${user.name}. Alerts escalated to you arrive here, and you can act on them with the buttons.`,
      };
    }
    return { found: false };
  }
}
