import type { EntityManager } from 'typeorm';
import type { EventOf } from '@dozor/contracts';

/**
 * A Telegram account linked to a user: one `audit_log` row, `target_type =
 * 'user'`, the user id as `target_id`, keyed by log position (a rebuild gives
 * the same row). Issued codes are not audited (the log keeps them, hashed).
 */
export async function applyUserEvent(m: EntityManager, e: EventOf<'TelegramAccountLinked'>, at: { seq: number; idx: number }): Promise<void> {
  const details = { telegramUserId: e.data.telegramUserId, chatId: e.data.chatId };
  await m.query(
    `INSERT INTO audit_log (seq, idx, occurred_at, actor, actor_id, source, action, target_type, target_id, details, event_id)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, 'telegram_account_linked', 'user', $7, $8::jsonb, $9)
     ON CONFLICT (seq, idx) DO NOTHING`,
    [at.seq, at.idx, e.metadata.occurredAt, JSON.stringify(e.metadata.actor), e.metadata.actor.id, e.metadata.source, e.data.userId, JSON.stringify(details), e.metadata.eventId],
  );
}
