import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Actor, AlertGroupState } from '@dozor/contracts';
import { int8 } from './int8.transformer.js';

/**
 * One alert group with its current state, as Grafana OnCall shows it. Every
 * value comes from an event (never from now()), so a rebuild gives the same row.
 */
@Entity({ name: 'alert_groups' })
@Check('alert_groups_state_check', `"state" IN ('firing', 'acknowledged', 'resolved', 'silenced')`)
@Index('alert_groups_created_at_idx', ['createdAt', 'id'])
@Index('alert_groups_state_idx', ['state', 'createdAt'])
@Index('alert_groups_integration_idx', ['integrationId', 'createdAt'])
@Index('alert_groups_route_idx', ['routeId', 'createdAt'])
@Index('alert_groups_aggregate_key_idx', ['aggregateKey'])
export class AlertGroupEntity {
  @PrimaryColumn({ primaryKeyConstraintName: 'alert_groups_pkey', type: 'text' })
  id!: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId!: string;

  @Column({ name: 'aggregate_key', type: 'text' })
  aggregateKey!: string;

  @Column({ name: 'grouping_key', type: 'text' })
  groupingKey!: string;

  @Column({ name: 'route_id', type: 'text' })
  routeId!: string;

  @Column({ name: 'escalation_chain_id', type: 'text', nullable: true })
  escalationChainId!: string | null;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  severity!: string | null;

  /** firing | acknowledged | resolved | silenced (OnCall's precedence: resolved, acknowledged, silenced, firing). */
  @Column({ type: 'text' })
  state!: AlertGroupState;

  @Column({ name: 'alerts_count', type: 'integer', default: 0 })
  alertsCount!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_alert_at', type: 'timestamptz', nullable: true })
  lastAlertAt!: Date | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'acknowledged_by', type: 'jsonb', nullable: true })
  acknowledgedBy!: Actor | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolved_by', type: 'jsonb', nullable: true })
  resolvedBy!: Actor | null;

  /** How it was resolved: `source` (the integration), `action` (a person), `escalation` (a resolve step). */
  @Column({ type: 'text', nullable: true })
  resolution!: 'source' | 'action' | 'escalation' | null;

  @Column({ name: 'silenced_at', type: 'timestamptz', nullable: true })
  silencedAt!: Date | null;

  /** Null while silenced means forever. */
  @Column({ name: 'silenced_until', type: 'timestamptz', nullable: true })
  silencedUntil!: Date | null;

  @Column({ name: 'silenced_by', type: 'jsonb', nullable: true })
  silencedBy!: Actor | null;

  @Column({ name: 'group_labels', type: 'jsonb' })
  groupLabels!: Record<string, string>;

  @Column({ name: 'common_labels', type: 'jsonb' })
  commonLabels!: Record<string, string>;

  @Column({ name: 'common_annotations', type: 'jsonb' })
  commonAnnotations!: Record<string, string>;

  @Column({ name: 'source_link', type: 'text', nullable: true })
  sourceLink!: string | null;

  /** occurredAt of the last event that changed this row. */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** Stream sequence of the last commit that changed this row. */
  @Column({ name: 'last_seq', type: 'bigint', transformer: int8 })
  lastSeq!: number;
}
