import type { DozorEvent } from '@dozor/contracts';
import type { AppendOptions, AppendResult, EventStore } from './event-store.js';
import { ExpectedVersion, WrongExpectedVersionError } from './expected-version.js';

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
 * LRU cache, so a reload reads only what was appended since.
 */
export class AggregateRepository<S> {
  private readonly cache = new Map<string, Loaded<S>>();

  constructor(
    private readonly store: EventStore,
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

  private remember(subject: string, loaded: Loaded<S>): void {
    this.cache.delete(subject);
    this.cache.set(subject, loaded);
    if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value!);
  }

  forget(subject: string): void {
    this.cache.delete(subject);
  }

  /**
   * Load, decide, append with the loaded version; on a version conflict reload
   * and decide again (a few times, with backoff). `decide` returns the events
   * to append, or a value that is not an array to stop without appending.
   */
  async handle<R>(
    subject: string,
    decide: (state: S, version: number) => { events: Parameters<EventStore['append']>[1]; options: Omit<AppendOptions, 'expected'> } | { result: R },
    maxAttempts = 8,
  ): Promise<{ appended: AppendResult | null; state: S; result?: R }> {
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(subject);
      const d = decide(state, version);
      if ('result' in d) return { appended: null, state, result: d.result };
      if (d.events.length === 0) return { appended: null, state };
      try {
        const appended = await this.store.append(subject, d.events, { ...d.options, expected: ExpectedVersion.exact(version) });
        let next = state;
        for (const e of appended.events) next = this.evolver.evolve(next, e, appended.seq);
        if (!appended.duplicate) this.remember(subject, { state: next, version: appended.seq });
        else this.forget(subject);
        return { appended, state: next };
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError) || attempt >= maxAttempts) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }
}
