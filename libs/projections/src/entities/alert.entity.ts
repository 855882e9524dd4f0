import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { IntegrationPayload } from '@dozor/contracts';
import { int8 } from './int8.transformer.js';

/** One received payload added to an alert group (Grafana OnCall counts these as alerts). */
@Entity({ name: 'alerts' })
@Index('alerts_group_idx', ['alertGroupId', 'seq'])
export class AlertEntity {
  /** The alertId of the event: the receipt id of the payload. */
  @PrimaryColumn({ primaryKeyConstraintName: 'alerts_pkey', type: 'text' })
  id!: string;

  @Column({ name: 'alert_group_id', type: 'text' })
  alertGroupId!: string;

  @Column({ type: 'text' })
  status!: 'firing' | 'resolved';

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'jsonb' })
  payload!: IntegrationPayload;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'bigint', transformer: int8 })
  seq!: number;
}
