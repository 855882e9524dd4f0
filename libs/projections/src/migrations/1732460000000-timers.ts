import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The escalator's durable timer due-table: a projection of the log's
 * …Scheduled facts (see apps/escalator/src/timers). The partial index keeps
 * the claim query on pending rows only.
 */
export class Timers1732460000000 implements MigrationInterface {
  name = 'Timers1732460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "timers" (
        "timer_id" text PRIMARY KEY,
        "due_at" timestamptz NOT NULL,
        "subject" text NOT NULL,
        "purpose" text NOT NULL,
        "traceparent" text,
        "fired_at" timestamptz,
        "published_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "timers_pending_due" ON "timers" ("due_at") WHERE "fired_at" IS NULL`);
    await q.query(`CREATE INDEX "timers_unpublished" ON "timers" ("fired_at") WHERE "fired_at" IS NOT NULL AND "published_at" IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "timers"`);
  }
}
