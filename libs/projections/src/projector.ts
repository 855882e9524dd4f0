import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore, RecordedCommit } from '@dozor/eventstore';
import { Counter, Gauge } from 'prom-client';
import { JsonLogger, registry, type ReadinessCheck } from '@dozor/telemetry';
import { applyCommit, PROJECTION_TABLES } from './alert-group.projection.js';

const positionGauge =
  (registry.getSingleMetric('dozor_projector_position') as Gauge<'projector'> | undefined) ??
  new Gauge({
    name: 'dozor_projector_position',
    help: 'Last stream sequence a projector replica has applied or seen applied',
    labelNames: ['projector'],
    registers: [registry],
  });
const failureCounter =
  (registry.getSingleMetric('dozor_projector_failures_total') as Counter<'projector'> | undefined) ??
  new Counter({
    name: 'dozor_projector_failures_total',
    help: 'Failed projector transactions and log reads (each is retried)',
    labelNames: ['projector'],
    registers: [registry],
  });

/** The checkpoint name of the read models in this package. */
export const DEFAULT_PROJECTOR_NAME = 'dozor-projections';

export interface ProjectorOptions {
  /** Checkpoint name. Every replica of one projector uses the same name. */
  name?: string;
  /** Stops the projector. */
  signal?: AbortSignal;
  /** Commits applied per transaction when they are already available (default 200). */
  batchSize?: number;
  logger?: JsonLogger;
  /** First retry delay after a failed transaction (default 250 ms, doubling to maxRetryDelayMs). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export interface ProjectorStatus {
  name: string;
  /** Highest stream sequence this replica has applied or seen applied by another replica. */
  position: number;
  /** Failed transactions since the last success. */
  failures: number;
  lastError: string | null;
}

export interface RunningProjector {
  readonly name: string;
  /** Settles when the projector has stopped. */
  readonly done: Promise<void>;
  status(): ProjectorStatus;
  /** Resolves when this replica's position reaches `seq` (rejects if the projector stops first). */
  waitFor(seq: number, signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** The checkpoint moved backwards under a running replica (someone reset it): restart from it. */
class CheckpointMovedBack extends Error {
  constructor(readonly checkpoint: number) {
    super(`checkpoint moved back to ${checkpoint}`);
  }
}

/** Reads a projector's checkpoint: the last stream sequence whose commit is in the tables. 0 when none. */
export async function readCheckpoint(dataSource: DataSource | EntityManager, name = DEFAULT_PROJECTOR_NAME): Promise<number> {
  const rows = (await dataSource.query('SELECT seq FROM projection_checkpoints WHERE name = $1', [name])) as { seq: string }[];
  return rows[0] ? Number(rows[0].seq) : 0;
}

async function ensureCheckpointRow(dataSource: DataSource | EntityManager, name: string): Promise<void> {
  await dataSource.query('INSERT INTO projection_checkpoints (name, seq) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING', [name]);
}

async function lockCheckpoint(m: EntityManager, name: string): Promise<number> {
  const rows = (await m.query('SELECT seq FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [name])) as { seq: string }[];
  if (!rows[0]) throw new Error(`checkpoint row ${name} is missing`);
  return Number(rows[0].seq);
}

/**
 * Follows the event log from the checkpoint and applies every commit to the
 * read models. Each transaction locks the checkpoint row, skips commits at or
 * below it (another replica applied them), applies the rest and moves the
 * checkpoint, so rows and checkpoint commit together and any number of
 * replicas give the result of one. A failed transaction is retried, with
 * backoff, for ever: an event is never skipped.
 */
export async function runProjector(store: EventStore, dataSource: DataSource, opts: ProjectorOptions = {}): Promise<RunningProjector> {
  const name = opts.name ?? DEFAULT_PROJECTOR_NAME;
  const batchSize = Math.max(1, opts.batchSize ?? 200);
  const log = opts.logger ?? new JsonLogger('projections');
  const firstDelay = opts.retryDelayMs ?? 250;
  const maxDelay = opts.maxRetryDelayMs ?? 30_000;

  const stopper = new AbortController();
  const onOuterAbort = () => stopper.abort();
  if (opts.signal?.aborted) stopper.abort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = stopper.signal;

  await ensureCheckpointRow(dataSource, name);
  let position = await readCheckpoint(dataSource, name);
  let failures = 0;
  let lastError: string | null = null;
  const waiters = new Set<{ seq: number; resolve: () => void; reject: (e: Error) => void }>();
  const advance = (seq: number) => {
    if (seq > position) position = seq;
    positionGauge.set({ projector: name }, position);
    for (const w of waiters) {
      if (position < w.seq) continue;
      waiters.delete(w);
      w.resolve();
    }
  };

  /** Applies a batch in one transaction, with the checkpoint. */
  const applyBatch = async (batch: RecordedCommit[]): Promise<void> => {
    const last = batch[batch.length - 1]!.seq;
    await dataSource.transaction(async (m) => {
      const checkpoint = await lockCheckpoint(m, name);
      if (checkpoint < position) throw new CheckpointMovedBack(checkpoint);
      let applied = 0;
      for (const c of batch) {
        if (c.seq <= checkpoint) continue;
        await applyCommit(m, c);
        applied++;
      }
      if (applied > 0) await m.query('UPDATE projection_checkpoints SET seq = $2 WHERE name = $1', [name, last]);
    });
    advance(last);
  };

  const loop = async (): Promise<void> => {
    while (!signal.aborted) {
      const from = (await readCheckpoint(dataSource, name).catch(() => position)) + 1;
      if (from - 1 < position) position = from - 1; // a reset checkpoint: follow it
      const reader = new AbortController();
      const stopReader = () => reader.abort();
      signal.addEventListener('abort', stopReader, { once: true });
      const buffer = new CommitBuffer(batchSize * 2, reader.signal);
      const pump = (async () => {
        try {
          for await (const c of store.replay({ fromSeq: from, follow: true, signal: reader.signal })) {
            if (!(await buffer.push(c))) break;
          }
          buffer.end(null);
        } catch (err) {
          buffer.end(err as Error);
        }
      })();
      let restart = false;
      // After a failed batch, commits up to its end go one per transaction, so
      // that those before a failing commit still make progress.
      let isolateUntil = 0;
      try {
        for (;;) {
          const batch = await buffer.take(position < isolateUntil ? 1 : batchSize);
          if (batch === null) break;
          for (let attempt = 1; ; attempt++) {
            if (signal.aborted) return;
            try {
              await applyBatch(batch);
              if (failures > 0) log.info(`projector ${name}: recovered at seq ${batch[batch.length - 1]!.seq} after ${failures} failed attempts`);
              failures = 0;
              lastError = null;
              break;
            } catch (err) {
              if (err instanceof CheckpointMovedBack) {
                log.warn(`projector ${name}: checkpoint moved back to ${err.checkpoint} (a reset or rebuild); restarting from there`);
                position = err.checkpoint;
                restart = true;
                break;
              }
              failures++;
              failureCounter.inc({ projector: name });
              lastError = (err as Error).message;
              const delay = Math.min(maxDelay, firstDelay * 2 ** Math.min(attempt - 1, 20));
              const seqs = `${batch[0]!.seq}..${batch[batch.length - 1]!.seq}`;
              log.error(`projector ${name}: applying commits ${seqs} failed (attempt ${attempt}), retrying in ${delay} ms: ${(err as Error).message}`, name);
              if (batch.length > 1) {
                isolateUntil = Math.max(isolateUntil, batch[batch.length - 1]!.seq);
                buffer.unshift(batch.slice(1));
                batch.length = 1;
              }
              await sleep(delay, signal);
            }
          }
          if (restart) break;
        }
        if (!restart && !signal.aborted) {
          // A following replay only ends on an error (or, unexpectedly, without one): resume from the checkpoint.
          const why = buffer.error?.message ?? 'the replay ended';
          failures++;
          failureCounter.inc({ projector: name });
          lastError = why;
          const delay = Math.min(maxDelay, firstDelay * 2 ** Math.min(failures - 1, 20));
          log.error(`projector ${name}: reading the event log failed, resuming from the checkpoint in ${delay} ms: ${why}`, name);
          await sleep(delay, signal);
        }
      } finally {
        reader.abort();
        signal.removeEventListener('abort', stopReader);
        await pump;
      }
    }
  };

  const done = loop()
    .catch((err) => {
      log.error(`projector ${name} stopped on an unexpected error: ${(err as Error).stack ?? err}`, name);
      throw err;
    })
    .finally(() => {
      opts.signal?.removeEventListener('abort', onOuterAbort);
      for (const w of waiters) w.reject(new Error(`projector ${name} stopped before reaching seq ${w.seq}`));
      waiters.clear();
    });
  done.catch(() => undefined);

  log.info(`projector ${name}: following the event log from seq ${position + 1}`);
  return {
    name,
    done,
    status: () => ({ name, position, failures, lastError }),
    waitFor(seq: number, waitSignal?: AbortSignal) {
      if (position >= seq) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const w = { seq, resolve, reject };
        waiters.add(w);
        waitSignal?.addEventListener('abort', () => (waiters.delete(w), reject(new Error('aborted'))), { once: true });
      });
    },
    async stop() {
      stopper.abort();
      await done.catch(() => undefined);
    },
  };
}

/**
 * Empties the projection tables, resets the checkpoint and replays the log
 * from sequence 1 up to its current end, all in one transaction that holds
 * the checkpoint row: readers see the old tables until it commits, running
 * projectors wait for it and then carry on after the rebuilt checkpoint.
 */
export async function rebuildProjections(
  store: EventStore,
  dataSource: DataSource,
  opts: { name?: string; logger?: JsonLogger; signal?: AbortSignal } = {},
): Promise<{ checkpoint: number; commits: number }> {
  const name = opts.name ?? DEFAULT_PROJECTOR_NAME;
  const log = opts.logger ?? new JsonLogger('projections');
  await ensureCheckpointRow(dataSource, name);
  const started = performance.now();
  const result = await dataSource.transaction(async (m) => {
    await lockCheckpoint(m, name);
    // Read the end after taking the lock: every checkpoint written before is at or below it.
    const end = await store.lastSeq();
    // DELETE, not TRUNCATE: TRUNCATE would lock readers out until the rebuild
    // commits, while DELETE lets the API keep serving the old rows meanwhile.
    for (const t of PROJECTION_TABLES) await m.query(`DELETE FROM ${t}`);
    let commits = 0;
    let checkpoint = 0;
    if (end > 0) {
      for await (const c of store.replay({ fromSeq: 1, signal: opts.signal })) {
        if (c.seq > end) break;
        await applyCommit(m, c);
        commits++;
        checkpoint = c.seq;
        if (c.seq >= end) break;
      }
      if (opts.signal?.aborted) throw new Error('rebuild aborted');
      // The stream may start above 1 (retention) or end with nothing to show: the checkpoint is the end read above.
      checkpoint = Math.max(checkpoint, end);
    }
    await m.query('UPDATE projection_checkpoints SET seq = $2 WHERE name = $1', [name, checkpoint]);
    return { checkpoint, commits };
  });
  log.info(`projections rebuilt: ${result.commits} commits up to seq ${result.checkpoint} in ${Math.round(performance.now() - started)} ms`, { name });
  return result;
}

export interface ProjectorLag {
  name: string;
  checkpoint: number;
  /** Last sequence in the event log. */
  head: number;
  lag: number;
}

/** How far the tables are behind the log. */
export async function projectorLag(store: EventStore, dataSource: DataSource, name = DEFAULT_PROJECTOR_NAME): Promise<ProjectorLag> {
  const [checkpoint, head] = await Promise.all([readCheckpoint(dataSource, name), store.lastSeq()]);
  return { name, checkpoint, head, lag: Math.max(0, head - checkpoint) };
}

/** A readiness check for HealthRegistry: ready while the projection is at most `maxLag` commits behind. */
export function projectorReadiness(store: EventStore, dataSource: DataSource, opts: { name?: string; maxLag?: number } = {}): ReadinessCheck {
  const maxLag = opts.maxLag ?? 1000;
  return async () => {
    const l = await projectorLag(store, dataSource, opts.name);
    return { ok: l.lag <= maxLag, detail: `checkpoint ${l.checkpoint}, log head ${l.head}, lag ${l.lag}` };
  };
}

/** A small bounded queue between the log reader and the applier. */
class CommitBuffer {
  private items: RecordedCommit[] = [];
  private ended = false;
  error: Error | null = null;
  private wakeTaker: (() => void) | null = null;
  private wakePusher: (() => void) | null = null;

  /** `signal` stops both sides: take() returns null and push() returns false. */
  constructor(
    private readonly capacity: number,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => (this.wakeT(), this.wakeP()), { once: true });
  }

  /** False when the reader should stop. */
  async push(c: RecordedCommit): Promise<boolean> {
    while (this.items.length >= this.capacity && !this.signal.aborted) {
      await new Promise<void>((r) => (this.wakePusher = r));
    }
    if (this.signal.aborted) return false;
    this.items.push(c);
    this.wakeT();
    return true;
  }

  /** Puts commits taken but not applied back at the front. */
  unshift(cs: RecordedCommit[]): void {
    this.items.unshift(...cs);
  }

  end(err: Error | null): void {
    this.ended = true;
    this.error = err;
    this.wakeT();
  }

  /** Up to `max` commits; waits for at least one. Null when the reader has ended or the signal fired. */
  async take(max: number): Promise<RecordedCommit[] | null> {
    while (this.items.length === 0) {
      if (this.ended || this.signal.aborted) return null;
      await new Promise<void>((r) => (this.wakeTaker = r));
    }
    if (this.signal.aborted) return null;
    const out = this.items.splice(0, max);
    this.wakeP();
    return out;
  }

  private wakeT(): void {
    const w = this.wakeTaker;
    this.wakeTaker = null;
    w?.();
  }

  private wakeP(): void {
    const w = this.wakePusher;
    this.wakePusher = null;
    w?.();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
