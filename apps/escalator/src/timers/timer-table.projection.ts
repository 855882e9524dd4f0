import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { maintenanceTimerId, silenceTimerId, subjects, type Topology } from '@dozor/contracts';
import { EventStore, type RecordedCommit } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { TimerStore, type TimerRow } from './timer.store.js';
import { TimerWorker } from './timer.worker.js';

export const TIMER_CHECKPOINT = 'escalator-timers';

type Row = { timerId: string; dueAt: string; subject: string; purpose: TimerRow['purpose']; traceparent: string | null };

export interface TimerFacts {
  /** Timers to schedule (idempotent by id). */
  rows: Row[];
  /** Heartbeat deadlines: only the latest per integration matters. */
  latest: Row[];
  /** Timers whose TimerFired is in the log. */
  fired: { timerId: string; firedAt: string }[];
}

/**
 * Which timers a commit schedules or records as fired: escalation steps,
 * personal waits, acknowledge reminders and their deadlines, silence ends, maintenance ends (fired onto the integration subject) and
 * heartbeat deadlines (fired onto the integration subject, where the router
 * checks them).
 */
export function timerFactsOf(commit: RecordedCommit, t: Topology): TimerFacts {
  const out: TimerFacts = { rows: [], latest: [], fired: [] };
  for (const e of commit.events) {
    const tp = e.metadata.traceparent;
    // A chain step's wait, a user's personal wait and an acknowledge reminder all fire onto the escalation subject.
    if (e.type === 'EscalationStepScheduled' || e.type === 'PersonalNotificationScheduled' || e.type === 'AckReminderScheduled') {
      out.rows.push({ timerId: e.data.timerId, dueAt: e.data.dueAt, subject: commit.subject, purpose: 'escalation', traceparent: tp });
    } else if (e.type === 'AlertGroupSilenced' && e.data.until) {
      out.rows.push({
        timerId: silenceTimerId(e.data.alertGroupId, e.data.until),
        dueAt: e.data.until,
        subject: commit.subject,
        purpose: 'silence',
        traceparent: tp,
      });
    } else if (e.type === 'IntegrationMaintenanceStarted' && e.data.until) {
      out.rows.push({
        timerId: maintenanceTimerId(e.data.integrationId, e.data.maintenanceId),
        dueAt: e.data.until,
        subject: commit.subject,
        purpose: 'maintenance',
        traceparent: tp,
      });
    } else if (e.type === 'HeartbeatReceived') {
      out.latest.push({
        timerId: e.data.timerId,
        dueAt: e.data.dueAt,
        subject: subjects.integration(t, e.data.integrationId),
        purpose: 'heartbeat',
        traceparent: tp,
      });
    } else if (e.type === 'TimerFired') {
      out.fired.push({ timerId: e.data.timerId, firedAt: e.data.firedAt });
    }
  }
  return out;
}

/**
 * The due-table is a projection of the log with its checkpoint in the same
 * database: every escalator replica follows the log (ordered consumer) from
 * the checkpoint, writes idempotently, and records TimerFired facts, so a
 * database that was reset or replaced is rebuilt from sequence 1 without
 * firing anything twice. The checkpoint advances lazily: replaying past it
 * again is harmless.
 */
@Injectable()
export class TimerTableProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private position = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly timers: TimerStore,
    private readonly worker: TimerWorker,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Earlier versions fed the table from a durable consumer; drop it so it does not pile up.
    await this.store.deleteConsumer('escalator-timer-table');
    await this.ds.query(`INSERT INTO projection_checkpoints (name, seq) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`, [TIMER_CHECKPOINT]);
    const [row] = await this.ds.query(`SELECT seq FROM projection_checkpoints WHERE name = $1`, [TIMER_CHECKPOINT]);
    this.position = Number(row?.seq ?? 0);
    this.loop = this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  private async follow(): Promise<void> {
    let saved = this.position;
    let lastSave = Date.now();
    while (!this.abort.signal.aborted) {
      try {
        for await (const commit of this.store.replay({ fromSeq: this.position + 1, follow: true, signal: this.abort.signal })) {
          await this.apply(timerFactsOf(commit, this.runtime.settings.topology));
          this.position = commit.seq;
          if (this.position - saved >= 500 || Date.now() - lastSave > 1000) {
            await this.save();
            saved = this.position;
            lastSave = Date.now();
          }
        }
      } catch (err) {
        if (this.abort.signal.aborted) break;
        this.log.warn(`timer table: ${(err as Error).message}; resuming from ${this.position + 1}`, 'timers');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await this.save().catch(() => undefined);
  }

  private async save(): Promise<void> {
    await this.ds.query(`UPDATE projection_checkpoints SET seq = GREATEST(seq, $2) WHERE name = $1`, [TIMER_CHECKPOINT, this.position]);
  }

  private async apply(f: TimerFacts): Promise<void> {
    if (f.rows.length) await this.timers.schedule(f.rows);
    for (const h of f.latest) await this.timers.scheduleLatest(h);
    if (f.fired.length) await this.timers.recordFired(f.fired);
    if (f.rows.length || f.latest.length) this.worker.wake([...f.rows, ...f.latest].map((r) => new Date(r.dueAt)));
  }
}
