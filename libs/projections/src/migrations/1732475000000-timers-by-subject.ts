import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Heartbeat deadlines replace the earlier pending timer of the same subject
 * (TimerStore.scheduleLatest): look them up by subject and purpose.
 */
export class TimersBySubject1732475000000 implements MigrationInterface {
  name = 'TimersBySubject1732475000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "timers_subject_purpose_due" ON "timers" ("subject", "purpose", "due_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "timers_subject_purpose_due"`);
  }
}
