import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface TimerRow {
  timer_id: string;
  due_at: Date;
  subject: string;
  purpose: 'escalation' | 'silence' | 'maintenance' | 'heartbeat';
  traceparent: string | null;
  fired_at: Date | null;
}

/**
 * The durable timer due-table: a projection of the log's …Scheduled facts
 * (EscalationStepScheduled, AlertGroupSilenced with an end). Rows are keyed
 * by timer id, so projecting the same fact twice is harmless. A claim marks
 * rows fired in the same transaction that selects them (FOR UPDATE SKIP
 * LOCKED), so two workers never claim one row; the row then serves as its own
 * outbox until TimerFired is in the log (published_at).
 */
@Injectable()
export class TimerStore {
  constructor(private readonly ds: DataSource) {}

  async schedule(rows: { timerId: string; dueAt: string; subject: string; purpose: TimerRow['purpose']; traceparent: string | null }[]): Promise<number> {
    if (rows.length === 0) return 0;
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.timerId, r.dueAt, r.subject, r.purpose, r.traceparent);
      const b = i * 5;
      return `($${b + 1}, $${b + 2}::timestamptz, $${b + 3}, $${b + 4}, $${b + 5})`;
    });
    const res: unknown[] = await this.ds.query(
      `INSERT INTO timers (timer_id, due_at, subject, purpose, traceparent) VALUES ${tuples.join(', ')} ON CONFLICT (timer_id) DO NOTHING RETURNING timer_id`,
      values,
    );
    await this.ds.query(`NOTIFY dozor_timers`).catch(() => undefined);
    return res.length;
  }

  /**
   * A timer that replaces the pending ones of the same subject and purpose
   * that are due earlier (heartbeat deadlines: each heartbeat moves the
   * deadline, and only the latest matters). A row for a later deadline that
   * is already there wins over this one, so projecting out of order keeps the
   * latest.
   */
  async scheduleLatest(r: { timerId: string; dueAt: string; subject: string; purpose: TimerRow['purpose']; traceparent: string | null }): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(`DELETE FROM timers WHERE subject = $1 AND purpose = $2 AND fired_at IS NULL AND due_at < $3::timestamptz AND timer_id <> $4`, [
        r.subject,
        r.purpose,
        r.dueAt,
        r.timerId,
      ]);
      await m.query(
        `INSERT INTO timers (timer_id, due_at, subject, purpose, traceparent)
         SELECT $1, $2::timestamptz, $3, $4, $5
          WHERE NOT EXISTS (SELECT 1 FROM timers WHERE subject = $3 AND purpose = $4 AND due_at > $2::timestamptz)
         ON CONFLICT (timer_id) DO NOTHING`,
        [r.timerId, r.dueAt, r.subject, r.purpose, r.traceparent],
      );
    });
    await this.ds.query(`NOTIFY dozor_timers`).catch(() => undefined);
  }

  /** TimerFired is in the log: the timer is fired and published, whoever fired it. */
  async recordFired(fired: { timerId: string; firedAt: string }[]): Promise<void> {
    await this.ds.query(
      `UPDATE timers t SET fired_at = COALESCE(t.fired_at, f.fired_at), published_at = COALESCE(t.published_at, f.fired_at)
         FROM unnest($1::text[], $2::timestamptz[]) AS f(timer_id, fired_at)
        WHERE t.timer_id = f.timer_id AND (t.fired_at IS NULL OR t.published_at IS NULL)`,
      [fired.map((f) => f.timerId), fired.map((f) => f.firedAt)],
    );
  }

  /** Claims up to `limit` due timers. `now` is a parameter, not clock_timestamp(), so the index on due_at is used. */
  async claimDue(now: Date, limit = 500): Promise<TimerRow[]> {
    return this.ds.transaction(async (m) => {
      const rows: TimerRow[] = await m.query(
        `UPDATE timers SET fired_at = $1
           WHERE timer_id = ANY(ARRAY(
             SELECT timer_id FROM timers
              WHERE fired_at IS NULL AND due_at <= $1
              ORDER BY due_at LIMIT $2
              FOR UPDATE SKIP LOCKED))
         RETURNING timer_id, due_at, subject, purpose, traceparent, fired_at`,
        [now, limit],
      );
      return Array.isArray(rows[0]) ? (rows[0] as unknown as TimerRow[]) : rows;
    });
  }

  async markPublished(ids: string[], at: Date): Promise<void> {
    if (ids.length) await this.ds.query(`UPDATE timers SET published_at = $2 WHERE timer_id = ANY($1)`, [ids, at]);
  }

  /** Fired but not yet in the log (a worker died between claim and publish), claimed before `olderThan`. */
  async unpublished(olderThan: Date, limit = 500): Promise<TimerRow[]> {
    return this.ds.query(
      `SELECT timer_id, due_at, subject, purpose, traceparent, fired_at FROM timers
        WHERE fired_at IS NOT NULL AND published_at IS NULL AND fired_at <= $1 ORDER BY fired_at LIMIT $2`,
      [olderThan, limit],
    );
  }

  async nextDue(): Promise<Date | null> {
    const [row] = await this.ds.query(`SELECT min(due_at) AS next FROM timers WHERE fired_at IS NULL`);
    return row?.next ? new Date(row.next) : null;
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.ds.query(`SELECT count(*)::int AS n FROM timers WHERE fired_at IS NULL`);
    return Number(row?.n ?? 0);
  }
}
