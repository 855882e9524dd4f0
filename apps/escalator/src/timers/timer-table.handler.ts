import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { subjects, type Topology } from '@dozor/contracts';
import { Outcome, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { TimerStore } from './timer-store.js';
import { TimerWorker } from './timer-worker.js';

export const TIMER_TABLE = 'escalator.timer-table';

/** Projects …Scheduled facts into the due-table; acked after the insert commits. */
@Controller()
export class TimerTableHandler {
  constructor(
    private readonly timers: TimerStore,
    private readonly worker: TimerWorker,
    private readonly runtime: Runtime,
  ) {}

  @EventPattern(TIMER_TABLE)
  async onCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const t = this.runtime.settings.topology;
    const rows = [];
    for (const e of commit.events) {
      if (e.type === 'EscalationStepScheduled') {
        rows.push({ timerId: e.data.timerId, dueAt: e.data.dueAt, subject: commit.subject, purpose: 'escalation' as const, traceparent: e.metadata.traceparent });
      } else if (e.type === 'AlertGroupSilenced' && e.data.until) {
        rows.push({ timerId: silenceTimerId(e.data.alertGroupId, e.data.until), dueAt: e.data.until, subject: commit.subject, purpose: 'silence' as const, traceparent: e.metadata.traceparent });
      }
    }
    if (rows.length === 0) return Outcome.skipped('no timers');
    await this.timers.schedule(rows);
    this.worker.wake(rows.map((r) => new Date(r.dueAt)));
    void t;
    return Outcome.done;
  }
}

export function silenceTimerId(alertGroupId: string, until: string): string {
  return `silence:${alertGroupId}|${until}`;
}

export function timerConsumers(t: Topology) {
  return { [TIMER_TABLE]: { durable: 'escalator-timer-table', filter: subjects.all(t), concurrency: 4 } };
}
