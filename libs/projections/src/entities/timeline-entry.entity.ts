import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Actor } from '@dozor/contracts';
import { int8 } from './int8.transformer.js';

/** One event rendered for humans. Keyed by its position in the log: commit sequence and index in the commit. */
@Entity({ name: 'timeline' })
@Index('timeline_group_idx', ['alertGroupId', 'seq', 'idx'])
export class TimelineEntryEntity {
  @PrimaryColumn({ primaryKeyConstraintName: 'timeline_pkey', type: 'bigint', transformer: int8 })
  seq!: number;

  @PrimaryColumn({ primaryKeyConstraintName: 'timeline_pkey', type: 'integer' })
  idx!: number;

  /** Null for events that belong to no alert group (AlertDiscarded). */
  @Column({ name: 'alert_group_id', type: 'text', nullable: true })
  alertGroupId!: string | null;

  /** The NATS subject of the commit, e.g. dozor.evt.alert-group.<aggregateKey>. */
  @Column({ type: 'text' })
  subject!: string;

  /** Event type, e.g. AlertGroupAcknowledged. */
  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'jsonb' })
  actor!: Actor;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
