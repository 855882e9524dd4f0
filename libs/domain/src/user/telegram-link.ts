import { isOneOf, type DozorEvent, type TelegramAccountLinkedData } from '@dozor/contracts';
import type { Decider, Decision, DomainRejection } from '../decider.js';

/** A user's Telegram state from `<prefix>.evt.user.<userId>`: issued codes and the linked account. */
export interface UserTelegramState {
  /** By code hash. */
  codes: Record<string, { expiresAt: string; used: boolean }>;
  /** The last account linked; null until one is. */
  linked: { telegramUserId: string; chatId: string } | null;
}

export function initialUserTelegramState(): UserTelegramState {
  return { codes: {}, linked: null };
}

const isUserEvent = isOneOf('TelegramVerificationCodeIssued', 'TelegramAccountLinked');

export function evolveUserTelegram(s: UserTelegramState, e: DozorEvent): UserTelegramState {
  if (!isUserEvent(e)) return s;
  switch (e.type) {
    case 'TelegramVerificationCodeIssued':
      return { ...s, codes: { ...s.codes, [e.data.codeHash]: { expiresAt: e.data.expiresAt, used: false } } };
    case 'TelegramAccountLinked': {
      const code = s.codes[e.data.codeHash];
      return {
        codes: code ? { ...s.codes, [e.data.codeHash]: { ...code, used: true } } : s.codes,
        linked: { telegramUserId: e.data.telegramUserId, chatId: e.data.chatId },
      };
    }
    default: {
      const never: never = e;
      return never;
    }
  }
}

export type CodeStatus = 'valid' | 'unknown' | 'expired' | 'used';

/** Whether a code (by hash) can link an account now. Expired at exactly `expiresAt`. */
export function codeStatus(s: UserTelegramState, codeHash: string, now: Date): CodeStatus {
  const c = s.codes[codeHash];
  if (!c) return 'unknown';
  if (c.used) return 'used';
  return Date.parse(c.expiresAt) <= now.getTime() ? 'expired' : 'valid';
}

export type LinkDecision = { ok: true; linked: TelegramAccountLinkedData } | { ok: false; status: Exclude<CodeStatus, 'valid'> };

/** Use a code: the TelegramAccountLinked to append, or why not. */
export function decideTelegramLink(
  s: UserTelegramState,
  req: { userId: string; codeHash: string; telegramUserId: string; chatId: string; now: Date },
): LinkDecision {
  const status = codeStatus(s, req.codeHash, req.now);
  if (status !== 'valid') return { ok: false, status };
  return { ok: true, linked: { userId: req.userId, telegramUserId: req.telegramUserId, chatId: req.chatId, codeHash: req.codeHash } };
}

/** The reply to a code that cannot be used. */
export function codeRefusal(status: Exclude<CodeStatus, 'valid'>): string {
  switch (status) {
    case 'unknown':
      return 'This verification code is not valid. Ask for a new code (POST /api/v1/users/<id>/telegram_verification_code) and send it here as /start <code>.';
    case 'expired':
      return 'This verification code has expired (codes are valid for 1 hour). Ask for a new one.';
    case 'used':
      return 'This verification code has already been used. Ask for a new one.';
  }
}

/** Link the Telegram account that sent a verification code to the code's user. */
export interface LinkTelegramAccount {
  type: 'LinkTelegramAccount';
  userId: string;
  codeHash: string;
  telegramUserId: string;
  chatId: string;
  now: Date;
}

export type UserCommand = LinkTelegramAccount;

/** A code that cannot be used; the message is the bot's reply. */
export type UserRejection = DomainRejection<Exclude<CodeStatus, 'valid'>>;

/** The user aggregate (`evt.user.<userId>`): verification codes and the linked Telegram account. */
export const userDecider: Decider<UserCommand, DozorEvent, UserTelegramState, UserRejection> = {
  decide(cmd, state): Decision<UserRejection> {
    const d = decideTelegramLink(state, cmd);
    if (!d.ok) return { rejected: { code: d.status, message: codeRefusal(d.status) } };
    return { events: [{ type: 'TelegramAccountLinked', data: d.linked }] };
  },
  evolve: evolveUserTelegram,
  initialState: initialUserTelegramState,
};
