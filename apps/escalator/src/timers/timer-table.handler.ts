import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { subjects, type Topology } from '@dozor/contracts';
import { Outcome, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { maintenanceTimerId } from '@dozor/domain';
import { TimerStore } from './timer-store.js';
import { TimerWorker } from './timer-worker.js';

export const TIMER_TABLE = 'escalator.timer-table';

/**
 * Projects …Scheduled facts into the due-table; acked after the insert commits:
 * escalation steps, silence ends, maintenance ends (fired onto the integration
 * subject) and heartbeat deadlines (HeartbeatReceived on the heartbeat subject,
 * fired onto the integration subject, where the router checks them).
 */
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
    const heartbeats = [];
    for (const e of commit.events) {
      if (e.type === 'EscalationStepScheduled') {
        rows.push({ timerId: e.data.timerId, dueAt: e.data.dueAt, subject: commit.subject, purpose: 'escalation' as const, traceparent: e.metadata.traceparent });
      } else if (e.type === 'AlertGroupSilenced' && e.data.until) {
        rows.push({ timerId: silenceTimerId(e.data.alertGroupId, e.data.until), dueAt: e.data.until, subject: commit.subject, purpose: 'silence' as const, traceparent: e.metadata.traceparent });
      } else if (e.type === 'IntegrationMaintenanceStarted' && e.data.until) {
        rows.push({ timerId: maintenanceTimerId(e.data.integrationId, e.data.maintenanceId), dueAt: e.data.until, subject: commit.subject, purpose: 'maintenance' as const, traceparent: e.metadata.traceparent });
      } else if (e.type === 'HeartbeatReceived') {
        heartbeats.push({ timerId: e.data.timerId, dueAt: e.data.dueAt, subject: subjects.integration(t, e.data.integrationId), purpose: 'heartbeat' as const, traceparent: e.metadata.traceparent });
      }
    }
    if (rows.length === 0 && heartbeats.length === 0) return Outcome.skipped('no timers');
    if (rows.length) await this.timers.schedule(rows);
    for (const h of heartbeats) await this.timers.scheduleLatest(h);
    this.worker.wake([...rows, ...heartbeats].map((r) => new Date(r.dueAt)));
    return Outcome.done;
  }
}

export function silenceTimerId(alertGroupId: string, until: string): string {
  return `silence:${alertGroupId}|${until}`;
}

export function timerConsumers(t: Topology) {
  return { [TIMER_TABLE]: { durable: 'escalator-timer-table', filter: subjects.all(t), concurrency: 4 } };
}
