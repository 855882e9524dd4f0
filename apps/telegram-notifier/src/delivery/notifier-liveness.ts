import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';

/** Same bucket and settings as the poller's lease (telegram-updates.service.ts): entries expire 15 s after their last write. */
const TTL_MS = 15_000;
const RENEW_MS = 5_000;

/**
 * Whether the notifier process that holds a claim is still alive. Each
 * process writes `notifier.<owner>` in the `<prefix>-locks` KV bucket every
 * 5 s; the bucket drops entries 15 s after their last write. A claim whose
 * owner has no entry belongs to a process that died (or has been cut off
 * from NATS for 15 s), so its page may be recovered.
 */
@Injectable()
export class NotifierLiveness implements OnApplicationShutdown {
  /** This process's name in claims: unique per start, so a restarted process does not pass for its predecessor. */
  readonly owner = `n${process.pid}-${randomBytes(6).toString('hex')}`;
  private kv: Promise<KV> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  /** Starts renewing this process's entry; the first claim calls it, so a notifier that never pages writes nothing. */
  async start(): Promise<void> {
    if (!this.kv) {
      this.kv = new Kvm(this.runtime.nc).create(`${this.runtime.settings.topology.prefix}-locks`, { ttl: TTL_MS, history: 1 });
      const kv = await this.kv;
      await kv.put(this.key(this.owner), new Date().toISOString());
      this.timer = setInterval(() => {
        kv.put(this.key(this.owner), new Date().toISOString()).catch((e: unknown) =>
          this.log.warn(`liveness renewal failed: ${(e as Error).message}`, 'telegram'),
        );
      }, RENEW_MS);
      this.timer.unref();
    }
    await this.kv;
  }

  async alive(owner: string): Promise<boolean> {
    await this.start();
    const e = await (await this.kv!).get(this.key(owner));
    return !!e && e.operation === 'PUT';
  }

  /** Stops renewing and removes this process's entry: its claims count as orphaned at once. Called once its sends are recorded. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.kv) await (await this.kv).delete(this.key(this.owner)).catch(() => undefined);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private key(owner: string): string {
    return `notifier.${owner}`;
  }
}
