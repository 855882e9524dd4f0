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

  constructor(
    private readonly store: EventLog,
    private readonly decider: Decider<C, DozorEvent, S, R>,
    options: CommandHandlerOptions = {},
  ) {
    this.repository = new AggregateRepository(store, decider, options.maxCached);
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  load(subject: string): Promise<Loaded<S>> {
    return this.repository.load(subject);
  }

  async handle(
    subject: string,
    command: CommandInput<C, S>,
    options: CommitOptions | ((command: C, loaded: Loaded<S>) => CommitOptions),
  ): Promise<CommandResult<S, R>> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.repository.load(subject);
      const cmd = typeof command === 'function' ? (command as (l: Loaded<S>) => C | null)(loaded) : command;
      if (cmd === null) return { kind: 'unchanged', ...loaded };
      const decision = this.decider.decide(cmd, loaded.state);
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
