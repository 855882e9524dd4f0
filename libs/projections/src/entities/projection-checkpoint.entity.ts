import { Column, Entity, PrimaryColumn } from 'typeorm';
import { int8 } from './int8.transformer.js';

/** The last stream sequence a projector applied, written in the same transaction as its rows. */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpointEntity {
  @PrimaryColumn({ primaryKeyConstraintName: 'projection_checkpoints_pkey', type: 'text' })
  name!: string;

  @Column({ type: 'bigint', transformer: int8 })
  seq!: number;
}
