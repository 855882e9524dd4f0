import type { DozorEvent } from '@dozor/contracts';
import type { Decider } from '@dozor/domain';
import { AggregateRepository, type Loaded } from './aggregate.js';
import type { AppendOptions } from './event.store.js';
import type { EventLog } from './event-log.js';
import { ExpectedVersion, WrongExpectedVersionError } from './expected-version.js';

/** Who appends, and why: everything of an append but the expected version, which the handler owns. */
export type CommitOptions = Omit<AppendOptions, 'expected'>;

/** What handling a command came to. Every kind carries the state it was decided on (or, when appended, the new state). */
export type CommandResult<S, R> =
  /** Events appended (or found already appended: `duplicate`, same msg id within the window). */
  | { kind: 'appended'; state: S; version: number; events: DozorEvent[]; duplicate: boolean }
  | { kind: 'rejected'; state: S; version: number; rejection: R }
  /** The decision had no events, or there was no command to decide. */
  | { kind: 'unchanged'; state: S; version: number }
  /** Every attempt lost the race to another writer on the subject. */
  | { kind: 'conflict'; state: S; version: number; attempts: number };

export interface CommandHandlerOptions {
  /** Aggregates kept in the LRU cache. */
  maxCached?: number;
  /** Decisions tried before giving up on a subject that keeps changing. */
  maxAttempts?: number;
  /**
   * Decide first on the cached state (the initial state for a subject not in
   * the cache) without reading the subject, for aggregates this process
   * usually writes last. See `CommandHandler.handle`.
   */
  optimistic?: boolean;
}

/** A command, or how to build it from the loaded state (decided again on every attempt). null: nothing to do. */
export type CommandInput<C, S> = C | ((loaded: Loaded<S>) => C | null);

/**
 * Load → decide → append with the loaded version, for any decider. A stale
 * version (another replica appended first) reloads and decides again, a few
 * times with jittered backoff; the outcome is a value, never a thrown
 * conflict. Loads go through a cached `AggregateRepository`.
 */
export class CommandHandler<C, S, R> {
  readonly repository: AggregateRepository<S>;
  private readonly maxAttempts: number;
  private readonly optimistic: boolean;

  constructor(
    private readonly store: EventLog,
    private readonly decider: Decider<C, DozorEvent, S, R>,
    options: CommandHandlerOptions = {},
  ) {
    this.repository = new AggregateRepository(store, decider, options.maxCached);
    this.maxAttempts = options.maxAttempts ?? 8;
    this.optimistic = options.optimistic ?? false;
  }

  load(subject: string): Promise<Loaded<S>> {
    return this.repository.load(subject);
  }

  async handle(
    subject: string,
    command: CommandInput<C, S>,
    options: CommitOptions | ((command: C, loaded: Loaded<S>) => CommitOptions),
  ): Promise<CommandResult<S, R>> {
    // Optimistic: the first decision is made on the cached state, unread. Only an append is checked against the log
    // (its expected version is the cached one, so it goes through only when the cache held the subject's whole
    // history, and a stale cache ends in a conflict like any lost race); a decision to append nothing, or a
    // rejection, is taken again on what the log holds. A round trip fewer when the cache is current.
    let unread = this.optimistic;
    for (let attempt = 1; ; attempt++) {
      const loaded = unread ? this.repository.cached(subject) : await this.repository.load(subject);
      const cmd = typeof command === 'function' ? (command as (l: Loaded<S>) => C | null)(loaded) : command;
      const decision = cmd === null ? null : this.decider.decide(cmd, loaded.state);
      if (unread && (decision === null || 'rejected' in decision || decision.events.length === 0)) {
        unread = false;
        attempt--;
        continue;
      }
      if (cmd === null || decision === null) return { kind: 'unchanged', ...loaded };
      if ('rejected' in decision) return { kind: 'rejected', ...loaded, rejection: decision.rejected };
      if (decision.events.length === 0) return { kind: 'unchanged', ...loaded };
      const opts = typeof options === 'function' ? options(cmd, loaded) : options;
      try {
        const appended = await this.store.append(subject, decision.events, { ...opts, expected: ExpectedVersion.exact(loaded.version) });
        const next = this.repository.applied(subject, loaded, appended.events, appended.seq);
        // A duplicate was appended earlier, maybe not on top of this version: read it back next time.
        if (appended.duplicate) this.repository.forget(subject);
        return { kind: 'appended', ...next, events: appended.events, duplicate: appended.duplicate };
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError)) throw err;
        if (unread) {
          // The cache was behind (the usual reason, rather than a race): read the subject and decide again, without a pause.
          unread = false;
          continue;
        }
        if (attempt >= this.maxAttempts) return { kind: 'conflict', ...loaded, attempts: attempt };
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }
}

/** `new CommandHandler(store, decider, options)`: the one way to run a decider against the log. */
export function commandHandler<C, S, R>(store: EventLog, decider: Decider<C, DozorEvent, S, R>, options?: CommandHandlerOptions): CommandHandler<C, S, R> {
  return new CommandHandler(store, decider, options);
}
