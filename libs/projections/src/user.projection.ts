import type { EntityManager } from 'typeorm';
import type { EventOf } from '@dozor/contracts';
import { writeAuditRow } from './audit-log.writer.js';

/**
 * A Telegram account linked to a user, or a personal notification list changed over the API: one `audit_log` row, `target_type =
 * 'user'`, the user id as `target_id`, keyed by log position (a rebuild gives
 * the same row). Issued codes are not audited (the log keeps them, hashed).
 */
export async function applyUserEvent(
  m: EntityManager,
  e: EventOf<'TelegramAccountLinked'> | EventOf<'PersonalNotificationRulesChanged'>,
  at: { seq: number; idx: number },
): Promise<void> {
  if (e.type === 'PersonalNotificationRulesChanged') {
    const details = { important: e.data.important, rules: e.data.rules };
    return writeAuditRow(m, e, at, { action: 'personal_notification_rules_changed', targetType: 'user', targetId: e.data.userId, details });
  }
  const details = { telegramUserId: e.data.telegramUserId, chatId: e.data.chatId };
  await writeAuditRow(m, e, at, { action: 'telegram_account_linked', targetType: 'user', targetId: e.data.userId, details });
}
