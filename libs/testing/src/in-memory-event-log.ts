import { topology as makeTopology, type DozorEvent, type NewEvent, type Topology } from '@dozor/contracts';
import { stampEvents, WrongExpectedVersionError, type AppendOptions, type AppendResult, type EventLog, type RecordedCommit } from '@dozor/eventstore';

/**
 * An `EventLog` in memory, for handler specs that should not need NATS. Same
 * append semantics as the JetStream store: one stream sequence over all
 * subjects, the expected version checked against the subject's last sequence,
 * and a commit whose msg id was seen before answered as a duplicate (with the
 * original sequence and events) instead of appended again.
 */
export class InMemoryEventLog implements EventLog {
  readonly topology: Topology;
  private readonly commits: RecordedCommit[] = [];
  private readonly byMsgId = new Map<string, number>();
  private readonly clock: () => Date;

  constructor(opts: { topology?: Topology; clock?: () => Date } = {}) {
    this.topology = opts.topology ?? makeTopology('spec');
    this.clock = opts.clock ?? (() => new Date());
  }

  async append(subject: string, events: NewEvent[], opts: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const stamped = stampEvents(events, opts, this.clock().toISOString(), null);
    const msgId = opts.msgId ?? stamped[0]!.metadata.eventId;
    const seen = this.byMsgId.get(msgId);
    if (seen !== undefined) return { seq: seen, duplicate: true, events: stamped };
    const last = this.lastSeqOfSync(subject);
    const e = opts.expected;
    if ((e.kind === 'no_stream' && last !== 0) || (e.kind === 'exact' && last !== e.seq)) throw new WrongExpectedVersionError(subject, e);
    const seq = this.commits.length + 1;
    this.commits.push({ subject, seq, events: stamped, traceparent: null });
    this.byMsgId.set(msgId, seq);
    return { seq, duplicate: false, events: stamped };
  }

  async readSubject(subject: string, afterSeq = 0): Promise<RecordedCommit[]> {
    return this.commits.filter((c) => c.subject === subject && c.seq > afterSeq);
  }

  async lastSeqOf(subject: string): Promise<number> {
    return this.lastSeqOfSync(subject);
  }

  /** Every commit so far, in stream order (on one subject, when given). */
  all(subject?: string): RecordedCommit[] {
    return subject === undefined ? [...this.commits] : this.commits.filter((c) => c.subject === subject);
  }

  /** The types of every event so far (on one subject, when given), in stream order. */
  eventTypes(subject?: string): DozorEvent['type'][] {
    return this.all(subject).flatMap((c) => c.events.map((e) => e.type));
  }

  private lastSeqOfSync(subject: string): number {
    return this.commits.findLast((c) => c.subject === subject)?.seq ?? 0;
  }
}
