import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readCheckpoint } from '@dozor/projections';

/** How often the checkpoint is read while someone waits for it. */
const POLL_MS = 100;

/**
 * Waits until the projections have applied a stream sequence, so that a live
 * update sent to a browser reads tables that already show it. One poll of the
 * checkpoint row per process, however many streams wait; none while nobody does.
 */
@Injectable()
export class CheckpointWaiter implements OnModuleDestroy {
  private known = 0;
  private waiters: { seq: number; done: () => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** Resolves once the checkpoint is at or past `seq`, or after `timeoutMs` (the caller sends what the tables show then). */
  reached(seq: number, timeoutMs = 10_000): Promise<boolean> {
    if (this.known >= seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== entry);
        resolve(false);
      }, timeoutMs);
      const entry = {
        seq,
        done: () => {
          clearTimeout(t);
          resolve(true);
        },
      };
      this.waiters.push(entry);
      this.schedule(0);
    });
  }

  private schedule(delay: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), delay);
  }

  private async poll(): Promise<void> {
    try {
      this.known = Math.max(this.known, await readCheckpoint(this.ds));
    } catch {
      /* the database is away: try again */
    }
    this.timer = null;
    const ready = this.waiters.filter((w) => w.seq <= this.known);
    this.waiters = this.waiters.filter((w) => w.seq > this.known);
    for (const w of ready) w.done();
    if (this.waiters.length) this.schedule(POLL_MS);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
