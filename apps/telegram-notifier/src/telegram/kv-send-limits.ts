import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import {
  emptySendLimits,
  restoreSendLimits,
  snapshotSendLimits,
  type Change,
  type SendLimits,
  type SendLimitsPolicy,
  type SendLimitsSnapshot,
  type SendLimitsStore,
} from './send-limits.js';

/** Entries of the limits bucket outlive their use by far; the bucket's max_age drops an idle bot's entry (nats-server 2.9 has no per-message TTL). */
export const LIMITS_MAX_AGE_MS = 60 * 60_000;

const MAX_CONFLICTS = 32;

interface QueuedChange {
  now: number;
  change: (s: SendLimits) => Change<unknown>;
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * One bot's SendLimits in one NATS KV entry, shared by every replica.
 *
 * Every change is a compare-and-set: put with the revision it was computed
 * from (Nats-Expected-Last-Subject-Sequence), run again on the newer value
 * after a conflict; the changes a process makes at once share one write, so
 * conflicts come only from other replicas. Each process watches the entry and keeps the newest value
 * it has seen, so a change usually costs one round trip (the put). A send
 * that waited for its slot reads the entry once more just before going out
 * (`current`): a 429 or a breaker trip recorded by one replica by then stops
 * it, however late the watch delivers.
 *
 * One entry for the whole bot rather than one per chat: the global limit
 * (30 per second) needs a shared count anyway, one entry makes a booking
 * one round trip instead of two, and at 30 sends per second contention on
 * it is low. Times in it are epoch milliseconds, so the value carries its own
 * expiry; the snapshot drops what no longer matters on every write.
 */
export class KvSendLimits implements SendLimitsStore {
  private kv: KV | null = null;
  private opening: Promise<KV> | null = null;
  private mirror: { revision: number; snapshot: SendLimitsSnapshot | null } = { revision: 0, snapshot: null };
  private watching: { stop(): void } | null = null;
  /** Changes waiting for the write in flight to end; the next write takes them all. */
  private readonly queued: QueuedChange[] = [];
  private writing = false;

  constructor(
    private readonly open: () => Promise<KV>,
    private readonly key: string,
    private readonly policy: SendLimitsPolicy = {},
  ) {}

  /**
   * Changes made in this process at once share one write: while a put is on
   * its way the next changes queue, and the writer applies them all, in
   * order, to the newest state it has and puts the result once. Sixteen
   * pages booking their slots at once would otherwise race each other for the
   * same revision, fifteen of them conflicting, reading and trying again.
   */
  update<R>(now: number, change: (s: SendLimits) => Change<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queued.push({ now, change: change as (s: SendLimits) => Change<unknown>, resolve: resolve as (r: unknown) => void, reject });
      if (!this.writing) void this.write();
    });
  }

  private async write(): Promise<void> {
    this.writing = true;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0);
        try {
          const results = await this.commit(batch);
          batch.forEach((c, i) => c.resolve(results[i]));
        } catch (err) {
          for (const c of batch) c.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** Applies a batch of changes to the newest state and stores the result with a compare-and-set; on a conflict, again on the newer state. */
  private async commit(batch: QueuedChange[]): Promise<unknown[]> {
    const kv = await this.ready();
    for (let conflicts = 0; ;) {
      const { revision, snapshot } = this.mirror;
      const state = snapshot ? restoreSendLimits(snapshot, this.policy) : emptySendLimits(this.policy);
      let changed = false;
      const results = batch.map((c) => {
        const r = c.change(state);
        changed ||= r.changed;
        return r.result;
      });
      if (!changed) return results;
      const next = snapshotSendLimits(state, Math.max(...batch.map((c) => c.now)));
      try {
        this.remember(await kv.put(this.key, JSON.stringify(next), { previousSeq: revision }), next);
        return results;
      } catch (err) {
        if (!isConflict(err) || ++conflicts >= MAX_CONFLICTS) throw err;
        // Replicas that keep colliding take turns: a short random pause, longer as collisions repeat.
        if (conflicts > 1) await new Promise((r) => setTimeout(r, Math.random() * Math.min(20, conflicts * 2)));
        await this.refresh(kv);
      }
    }
  }

  async current(): Promise<SendLimits> {
    await this.refresh(await this.ready());
    return this.latest();
  }

  latest(): SendLimits {
    const { snapshot } = this.mirror;
    return snapshot ? restoreSendLimits(snapshot, this.policy) : emptySendLimits(this.policy);
  }

  async close(): Promise<void> {
    const watch = this.watching;
    this.watching = null;
    watch?.stop();
  }

  private ready(): Promise<KV> {
    if (this.kv) return Promise.resolve(this.kv);
    this.opening ??= (async () => {
      try {
        const kv = await this.open();
        await this.refresh(kv);
        const watch = await kv.watch({ key: this.key });
        this.watching = watch;
        // A watch can end (a NATS restart it does not survive): open a new one on the next change rather than trust a copy no longer kept up.
        void (async () => {
          for await (const e of watch) this.take(e);
        })()
          .catch(() => undefined)
          .finally(() => this.lost(watch));
        this.kv = kv;
        return kv;
      } catch (err) {
        this.opening = null;
        throw err;
      }
    })();
    return this.opening;
  }

  private lost(watch: { stop(): void }): void {
    if (this.watching !== watch) return;
    this.watching = null;
    this.kv = null;
    this.opening = null;
  }

  /**
   * What the entry holds now is the truth, even at a lower revision than the
   * copy: a NATS server killed before its store was flushed restarts with its
   * last writes gone, and a copy that kept them would fail every
   * compare-and-set and hide the stored pauses from `current`.
   */
  private async refresh(kv: KV): Promise<void> {
    const e = await kv.get(this.key);
    this.mirror = e ? { revision: e.revision, snapshot: snapshotOf(e) } : { revision: 0, snapshot: null };
  }

  private take(e: KvEntry): void {
    if (e.revision <= this.mirror.revision && this.mirror.revision !== 0) return;
    this.remember(e.revision, snapshotOf(e));
  }

  private remember(revision: number, snapshot: SendLimitsSnapshot | null): void {
    if (revision >= this.mirror.revision) this.mirror = { revision, snapshot };
  }
}

function snapshotOf(e: KvEntry): SendLimitsSnapshot | null {
  return e.operation === 'PUT' && e.value.length > 0 ? (e.json() as SendLimitsSnapshot) : null;
}

function isConflict(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
