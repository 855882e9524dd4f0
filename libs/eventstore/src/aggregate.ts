import type { DozorEvent } from '@dozor/contracts';
import type { EventLog } from './event-log.js';

export interface Evolver<S> {
  initialState(): S;
  evolve(state: S, event: DozorEvent, seq: number): S;
}

export interface Loaded<S> {
  state: S;
  /** Stream sequence of the last commit on the subject: the expected version of the next append. */
  version: number;
}

/**
 * Loads aggregates from their subject and keeps the folded state in a small
 * LRU cache with its version, so a reload reads only what was appended since.
 * It only reads: deciding and appending is `commandHandler`'s job, which
 * loads through one of these.
 */
export class AggregateRepository<S> {
  private readonly cache = new Map<string, Loaded<S>>();

  constructor(
    private readonly store: EventLog,
    private readonly evolver: Evolver<S>,
    private readonly maxCached = 10_000,
  ) {}

  async load(subject: string): Promise<Loaded<S>> {
    const cached = this.cache.get(subject);
    let state = cached?.state ?? this.evolver.initialState();
    let version = cached?.version ?? 0;
    const commits = await this.store.readSubject(subject, version);
    for (const c of commits) {
      for (const e of c.events) state = this.evolver.evolve(state, e, c.seq);
      version = c.seq;
    }
    const loaded = { state, version };
    this.remember(subject, loaded);
    return loaded;
  }

  /** The cached state without reading the subject (the initial state at version 0 when it is not cached): possibly stale. */
  cached(subject: string): Loaded<S> {
    return this.cache.get(subject) ?? { state: this.evolver.initialState(), version: 0 };
  }

  /** Folds a commit just appended at `seq` onto a loaded state (without reading it back) and caches the result. */
  applied(subject: string, loaded: Loaded<S>, events: DozorEvent[], seq: number): Loaded<S> {
    let state = loaded.state;
    for (const e of events) state = this.evolver.evolve(state, e, seq);
    const next = { state, version: seq };
    this.remember(subject, next);
    return next;
  }

  private remember(subject: string, loaded: Loaded<S>): void {
    this.cache.delete(subject);
    this.cache.set(subject, loaded);
    if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value!);
  }

  forget(subject: string): void {
    this.cache.delete(subject);
  }
}
