import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first projection schema. Written by hand; the entities in ../entities
 * describe the same tables (a spec checks that TypeORM finds nothing to change).
 *
 * No foreign keys: the log is the source of truth, and retention may remove the
 * event that created a row another row points to.
 */
export class InitialSchema1732450000000 implements MigrationInterface {
  name = 'InitialSchema1732450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "alert_groups" (
        "id" text NOT NULL,
        "integration_id" text NOT NULL,
        "aggregate_key" text NOT NULL,
        "grouping_key" text NOT NULL,
        "route_id" text NOT NULL,
        "escalation_chain_id" text,
        "title" text NOT NULL,
        "severity" text,
        "state" text NOT NULL,
        "alerts_count" integer NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL,
        "last_alert_at" timestamptz,
        "acknowledged_at" timestamptz,
        "acknowledged_by" jsonb,
        "resolved_at" timestamptz,
        "resolved_by" jsonb,
        "resolution" text,
        "silenced_at" timestamptz,
        "silenced_until" timestamptz,
        "silenced_by" jsonb,
        "group_labels" jsonb NOT NULL,
        "common_labels" jsonb NOT NULL,
        "common_annotations" jsonb NOT NULL,
        "source_link" text,
        "updated_at" timestamptz NOT NULL,
        "last_seq" bigint NOT NULL,
        CONSTRAINT "alert_groups_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "alert_groups_state_check" CHECK ("state" IN ('firing', 'acknowledged', 'resolved', 'silenced'))
      )`);
    await q.query(`CREATE INDEX "alert_groups_created_at_idx" ON "alert_groups" ("created_at", "id")`);
    await q.query(`CREATE INDEX "alert_groups_state_idx" ON "alert_groups" ("state", "created_at")`);
    await q.query(`CREATE INDEX "alert_groups_integration_idx" ON "alert_groups" ("integration_id", "created_at")`);
    await q.query(`CREATE INDEX "alert_groups_route_idx" ON "alert_groups" ("route_id", "created_at")`);
    await q.query(`CREATE INDEX "alert_groups_aggregate_key_idx" ON "alert_groups" ("aggregate_key")`);

    await q.query(`
      CREATE TABLE "alerts" (
        "id" text NOT NULL,
        "alert_group_id" text NOT NULL,
        "status" text NOT NULL,
        "title" text NOT NULL,
        "payload" jsonb NOT NULL,
        "received_at" timestamptz NOT NULL,
        "seq" bigint NOT NULL,
        CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "alerts_group_idx" ON "alerts" ("alert_group_id", "seq")`);

    await q.query(`
      CREATE TABLE "timeline" (
        "seq" bigint NOT NULL,
        "idx" integer NOT NULL,
        "alert_group_id" text,
        "subject" text NOT NULL,
        "event_type" text NOT NULL,
        "text" text NOT NULL,
        "actor" jsonb NOT NULL,
        "source" text NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        CONSTRAINT "timeline_pkey" PRIMARY KEY ("seq", "idx")
      )`);
    await q.query(`CREATE INDEX "timeline_group_idx" ON "timeline" ("alert_group_id", "seq", "idx")`);

    await q.query(`
      CREATE TABLE "audit_log" (
        "seq" bigint NOT NULL,
        "idx" integer NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "actor" jsonb NOT NULL,
        "actor_id" text NOT NULL,
        "source" text NOT NULL,
        "action" text NOT NULL,
        "target_type" text NOT NULL,
        "target_id" text NOT NULL,
        "details" jsonb NOT NULL,
        "event_id" text NOT NULL,
        CONSTRAINT "audit_log_pkey" PRIMARY KEY ("seq", "idx")
      )`);
    await q.query(`CREATE INDEX "audit_log_target_idx" ON "audit_log" ("target_type", "target_id", "seq")`);
    await q.query(`CREATE INDEX "audit_log_actor_idx" ON "audit_log" ("actor_id", "seq")`);
    await q.query(`CREATE INDEX "audit_log_occurred_at_idx" ON "audit_log" ("occurred_at")`);

    await q.query(`
      CREATE TABLE "telegram_messages" (
        "chat_id" text NOT NULL,
        "message_id" bigint NOT NULL,
        "alert_group_id" text NOT NULL,
        "user_id" text NOT NULL,
        "notification_id" text NOT NULL,
        "sent_at" timestamptz NOT NULL,
        "shown_state" text,
        "seq" bigint NOT NULL,
        CONSTRAINT "telegram_messages_pkey" PRIMARY KEY ("chat_id", "message_id")
      )`);
    await q.query(`CREATE INDEX "telegram_messages_group_idx" ON "telegram_messages" ("alert_group_id", "seq")`);

    await q.query(`
      CREATE TABLE "projection_checkpoints" (
        "name" text NOT NULL,
        "seq" bigint NOT NULL,
        CONSTRAINT "projection_checkpoints_pkey" PRIMARY KEY ("name")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['projection_checkpoints', 'telegram_messages', 'audit_log', 'timeline', 'alerts', 'alert_groups']) {
      await q.query(`DROP TABLE "${t}"`);
    }
  }
}
