import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventStore, ExpectedVersion } from '@dozor/eventstore';
import { SYSTEM_ACTORS } from '@dozor/contracts';
import { JsonLogger, metrics, SpanKind, withSpan } from '@dozor/telemetry';
import { Runtime } from '@dozor/platform';
import { TimerStore, type TimerRow } from './timer.store.js';

const MAX_SLEEP_MS = 1000;
const RELAY_AFTER_MS = 5000;

/**
 * Fires due timers: claim (one transaction), append TimerFired to the timer's
 * subject with Nats-Msg-Id = timer id (dedup), then mark published. Sleeps
 * until the next due time, woken early when this process schedules an
 * earlier one or when the (test) clock jumps; at most MAX_SLEEP_MS, so
 * timers scheduled by another process are seen within that. Due times are
 * compared with the Runtime clock, never the database's.
 */
@Injectable()
export class TimerWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private nextWake = Infinity;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly timers: TimerStore,
    private readonly store: EventStore,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.runtime.onClockJump(() => this.wakeUp?.());
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  wake(dues: Date[]): void {
    const earliest = Math.min(...dues.map((d) => d.getTime()));
    if (earliest < this.nextWake) this.wakeUp?.();
  }

  private async run(): Promise<void> {
    let lastRelay = 0;
    while (this.running) {
      try {
        const now = this.runtime.clock();
        const claimed = await this.timers.claimDue(now);
        if (claimed.length) await this.publish(claimed);
        if (now.getTime() - lastRelay > RELAY_AFTER_MS) {
          lastRelay = now.getTime();
          const stale = await this.timers.unpublished(new Date(now.getTime() - RELAY_AFTER_MS));
          if (stale.length) {
            this.log.warn(`relaying ${stale.length} fired timers that were not published`, 'timers');
            await this.publish(stale);
          }
          metrics.timersPending.set(await this.timers.pendingCount());
        }
        if (claimed.length === 500) continue;
        const next = await this.timers.nextDue();
        const sleep = next ? Math.max(0, Math.min(MAX_SLEEP_MS, next.getTime() - this.runtime.clock().getTime())) : MAX_SLEEP_MS;
        await this.sleep(sleep);
      } catch (err) {
        this.log.error(`timer loop: ${(err as Error).message}`, 'timers');
        await this.sleep(MAX_SLEEP_MS);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    this.nextWake = this.runtime.clock().getTime() + ms; // in the clock's time, as due times are
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        self.wakeUp = null;
        self.nextWake = Infinity;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async publish(rows: TimerRow[]): Promise<void> {
    const published: string[] = [];
    const results = await Promise.allSettled(
      rows.map(async (r) => {
        const firedAt = (r.fired_at ?? this.runtime.clock()).toISOString();
        const dueAt = new Date(r.due_at).toISOString();
        metrics.timerLateness.observe(Math.max(0, Date.parse(firedAt) - Date.parse(dueAt)) / 1000);
        await withSpan(`timer fire`, { kind: SpanKind.PRODUCER, parent: r.traceparent, attributes: { 'dozor.timer_id': r.timer_id } }, async () => {
          await this.store.append(r.subject, [{ type: 'TimerFired', data: { timerId: r.timer_id, purpose: r.purpose, dueAt, firedAt } }], {
            expected: ExpectedVersion.any,
            actor: SYSTEM_ACTORS.timer,
            source: 'system',
            msgId: `timer:${r.timer_id}`,
          });
        });
        published.push(r.timer_id);
      }),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length)
      this.log.error(`publishing ${failed.length} fired timers failed (relayed later): ${(failed[0] as PromiseRejectedResult).reason}`, 'timers');
    await this.timers.markPublished(published, this.runtime.clock());
  }
}
