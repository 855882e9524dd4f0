import type { NewEvent, Topology } from '@dozor/contracts';
import type { AppendOptions, AppendResult, RecordedCommit } from './event.store.js';

/**
 * What aggregates need of the log: append one commit with an expected version
 * and a msg id, and read a subject back. `EventStore` is the JetStream one;
 * specs use the in-memory one in libs/testing, with the same semantics.
 */
export interface EventLog {
  readonly topology: Topology;
  append(subject: string, events: NewEvent[], opts: AppendOptions): Promise<AppendResult>;
  readSubject(subject: string, afterSeq?: number): Promise<RecordedCommit[]>;
  /** Stream sequence of the last commit on a subject, 0 when there is none. */
  lastSeqOf(subject: string): Promise<number>;
}
