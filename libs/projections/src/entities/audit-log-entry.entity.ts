import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Actor } from '@dozor/contracts';
import { int8 } from './int8.transformer.js';

/**
 * Who did what, to what, from where. Every action on an alert group, and
 * (later) every configuration change. Keyed by log position like the timeline.
 */
@Entity({ name: 'audit_log' })
@Index('audit_log_target_idx', ['targetType', 'targetId', 'seq'])
@Index('audit_log_actor_idx', ['actorId', 'seq'])
@Index('audit_log_occurred_at_idx', ['occurredAt'])
export class AuditLogEntryEntity {
  @PrimaryColumn({ primaryKeyConstraintName: 'audit_log_pkey', type: 'bigint', transformer: int8 })
  seq!: number;

  @PrimaryColumn({ primaryKeyConstraintName: 'audit_log_pkey', type: 'integer' })
  idx!: number;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'jsonb' })
  actor!: Actor;

  /** actor.id, for filtering. */
  @Column({ name: 'actor_id', type: 'text' })
  actorId!: string;

  /** api | telegram | cli | system | alertmanager */
  @Column({ type: 'text' })
  source!: string;

  /** acknowledge | unacknowledge | resolve | unresolve | silence | unsilence (config changes later). */
  @Column({ type: 'text' })
  action!: string;

  /** alert_group (config kinds later). */
  @Column({ name: 'target_type', type: 'text' })
  targetType!: string;

  @Column({ name: 'target_id', type: 'text' })
  targetId!: string;

  /** Action details from the event, e.g. silence duration. */
  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;
}
