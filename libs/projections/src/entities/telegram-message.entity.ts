import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AlertGroupState } from '@dozor/contracts';
import { int8 } from './int8.transformer.js';

/** A Telegram message Dozor sent about an alert group, so it can be edited and linked. */
@Entity({ name: 'telegram_messages' })
@Index('telegram_messages_group_idx', ['alertGroupId', 'seq'])
export class TelegramMessageEntity {
  @PrimaryColumn({ primaryKeyConstraintName: 'telegram_messages_pkey', name: 'chat_id', type: 'text' })
  chatId!: string;

  @PrimaryColumn({ primaryKeyConstraintName: 'telegram_messages_pkey', name: 'message_id', type: 'bigint', transformer: int8 })
  messageId!: number;

  @Column({ name: 'alert_group_id', type: 'text' })
  alertGroupId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'notification_id', type: 'text' })
  notificationId!: string;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt!: Date;

  /** Reserved for the alert group state the message last showed; nothing records it yet, so it is null. */
  @Column({ name: 'shown_state', type: 'text', nullable: true })
  shownState!: AlertGroupState | null;

  @Column({ type: 'bigint', transformer: int8 })
  seq!: number;
}
