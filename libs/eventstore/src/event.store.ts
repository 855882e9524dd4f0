import { connect, headers as natsHeaders, type NatsConnection, type MsgHdrs, type Subscription } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type Consumer,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
  type StoredMsg,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { subjects, type Actor, type DozorEvent, type EventEnvelope, type NewEvent, type Source, type Topology } from '@dozor/contracts';
import { currentTraceparent, metrics, withSpan, SpanKind } from '@dozor/telemetry';
import { decodeCommit, encodeCommit, HDR_ENCODING, HDR_TYPES } from './codec.js';
import { EventStoreUnavailableError, WrongExpectedVersionError, type ExpectedVersion } from './expected-version.js';
import type { EventLog } from './event-log.js';
import { stampEvents } from './stamp.js';
import { RequestClient } from './request.client.js';

/** "stream name already in use" (another replica created it first); not in the library's JetStreamApiCodes. */
const STREAM_NAME_IN_USE = 10058;

/** A commit as read back: the events one decision appended, at one stream sequence. */
export interface RecordedCommit {
  subject: string;
  seq: number;
  events: DozorEvent[];
  /** traceparent header of the producing span. */
  traceparent: string | null;
}

export interface AppendOptions {
  expected: ExpectedVersion;
  actor: Actor;
  source: Source;
  /** The event or command that caused this commit. */
  causation?: { eventId: string; correlationId: string } | null;
  correlationId?: string;
  /** Deduplication id for the whole commit (Nats-Msg-Id). Defaults to the first event's id. */
  msgId?: string;
  /** Event ids, when the caller wants them deterministic (e.g. derived from a timer id). */
  eventIds?: string[];
}

export interface AppendResult {
  seq: number;
  duplicate: boolean;
  events: DozorEvent[];
}

export interface EventStoreOptions {
  topology: Topology;
  /** Stream replicas: 1 on a single node, 3 on a production cluster. */
  replicas?: number;
  /** How long events are kept; 0 keeps them forever. */
  maxAgeMs?: number;
  /** Window in which Nats-Msg-Id deduplicates. */
  duplicateWindowMs?: number;
  clock?: () => Date;
}

export const DEFAULT_DUPLICATE_WINDOW_MS = 10 * 60_000;

/**
 * The event log on JetStream. The NATS connection and the JetStream clients
 * stay inside: what other code needs of them is a named method here, so the
 * stream's name, its error codes and the consumer settings live in one place.
 */
export class EventStore implements EventLog {
  /** Request-reply over this store's connection (commands and queries between services). */
  readonly requests: RequestClient;
  private readonly js: JetStreamClient;
  private maxPayload: number;
  /** The clock that stamps occurredAt: the process's Runtime clock (the test clock under DOZOR_TEST_CLOCK). */
  readonly clock: () => Date;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    readonly options: EventStoreOptions,
  ) {
    this.js = jetstream(nc);
    this.requests = new RequestClient(nc);
    this.maxPayload = nc.info?.max_payload ?? 1024 * 1024;
    this.clock = options.clock ?? (() => new Date());
  }

  get topology(): Topology {
    return this.options.topology;
  }

  static async open(nc: NatsConnection, options: EventStoreOptions): Promise<EventStore> {
    const jsm = await jetstreamManager(nc);
    const store = new EventStore(nc, jsm, options);
    await store.ensureStream();
    return store;
  }

  /** Creates the stream, or brings its mutable settings up to date. Safe to call from every replica at start. */
  async ensureStream(): Promise<void> {
    const { topology, replicas = 1, maxAgeMs = 0, duplicateWindowMs = DEFAULT_DUPLICATE_WINDOW_MS } = this.options;
    const config: Partial<StreamConfig> & { name: string } = {
      name: topology.stream,
      subjects: [subjects.all(topology)],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      num_replicas: replicas,
      max_age: maxAgeMs * 1_000_000,
      duplicate_window: duplicateWindowMs * 1_000_000,
      allow_direct: true,
      max_msg_size: -1,
    };
    try {
      const info = await this.jsm.streams.info(topology.stream);
      const c = info.config;
      if (c.max_age !== config.max_age || c.duplicate_window !== config.duplicate_window || c.num_replicas !== replicas || !c.allow_direct) {
        await this.jsm.streams.update(topology.stream, { ...c, ...config } as StreamConfig);
      }
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
        try {
          await this.jsm.streams.add(config);
        } catch (e) {
          // Another replica created it first.
          if (!(e instanceof JetStreamApiError && e.code === STREAM_NAME_IN_USE)) throw e;
        }
      } else throw err;
    }
  }

  /** Stamps metadata on new events, exactly as append would, without writing them. */
  stamp(events: NewEvent[], opts: Omit<AppendOptions, 'expected'>): DozorEvent[] {
    return stampEvents(events, opts, this.clock().toISOString(), currentTraceparent());
  }

  /**
   * Appends one commit to a subject, checking the subject's last sequence
   * (Nats-Expected-Last-Subject-Sequence) and deduplicating by Nats-Msg-Id.
   * The append is the publish: consumers read the stream.
   */
  async append(subject: string, events: NewEvent[], opts: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const aggregate = subjects.parse(this.topology, subject)?.kind ?? 'unknown';
    return withSpan(
      `${this.topology.stream} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'send',
          'messaging.destination.name': subject,
          'dozor.event_types': events.map((e) => e.type).join(','),
        },
      },
      async (span) => {
        const stamped = this.stamp(events, opts);
        const { body, gzip } = encodeCommit(stamped, this.maxPayload);
        const h: MsgHdrs = natsHeaders();
        h.set(HDR_TYPES, stamped.map((e) => e.type).join(','));
        if (gzip) h.set(HDR_ENCODING, 'gzip');
        const tp = currentTraceparent();
        if (tp) h.set('traceparent', tp);
        const expect = opts.expected.kind === 'any' ? {} : { lastSubjectSequence: opts.expected.kind === 'no_stream' ? 0 : opts.expected.seq };
        try {
          const ack = await this.coalesced(() =>
            this.js.publish(subject, body, {
              msgID: opts.msgId ?? stamped[0]!.metadata.eventId,
              headers: h,
              expect,
              timeout: 5000,
            }),
          );
          span.setAttribute('messaging.message.id', String(ack.seq));
          metrics.appends.inc({ aggregate, result: ack.duplicate ? 'duplicate' : 'ok' });
          return { seq: ack.seq, duplicate: ack.duplicate, events: stamped };
        } catch (err) {
          if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence) {
            metrics.appends.inc({ aggregate, result: 'conflict' });
            throw new WrongExpectedVersionError(subject, opts.expected);
          }
          metrics.appends.inc({ aggregate, result: 'error' });
          throw new EventStoreUnavailableError(`append to ${subject} failed: ${(err as Error).message}`, { cause: err });
        }
      },
    );
  }

  private pending: (() => void)[] = [];

  /**
   * Runs publishes queued during one turn of the event loop together, in the
   * check phase: the NATS client then writes them to the socket at once
   * instead of once per request (appends from concurrent HTTP requests each
   * arrive in their own I/O callback). Adds no timer delay.
   */
  private coalesced<T>(publish: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.drain());
      this.pending.push(() => {
        try {
          publish().then(resolve, reject);
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  private drain(): void {
    const batch = this.pending;
    this.pending = [];
    for (const run of batch) run();
  }

  /**
   * Every commit on one subject after `afterSeq`, in order, via direct get (no
   * consumer is created). The subject's last commit is read beside the first
   * one, and the walk stops on reaching it: without it, the walk ends only on
   * a read that finds nothing, one more round trip in series. The last
   * commit also names the one before it when it was appended with an expected
   * version (the server keeps the Nats-Expected-Last-Subject-Sequence header
   * it checked): once the walk is there, or starts there, nothing lies
   * between, so a reload that finds two new commits (a receipt and the
   * router's decision on it) takes one round trip instead of three.
   * What it returns is the subject as it was at that moment or later: every
   * commit up to the last one then.
   */
  async readSubject(subject: string, afterSeq = 0): Promise<RecordedCommit[]> {
    const lastRead = this.lastOn(subject);
    const firstRead = this.nextOn(subject, afterSeq + 1);
    // Both are awaited below, unless the other one settles the read.
    lastRead.catch(() => undefined);
    firstRead.catch(() => undefined);
    const last = await lastRead;
    if (last && last.seq > afterSeq && previousOf(last) === afterSeq) return [toCommit(last.subject, last.seq, last.data, last.header)];
    const out: RecordedCommit[] = [];
    for (let m = await firstRead; m; m = await this.nextOn(subject, m.seq + 1)) {
      out.push(toCommit(m.subject, m.seq, m.data, m.header));
      if (!last || m.seq >= last.seq) break;
      if (previousOf(last) === m.seq) {
        out.push(toCommit(last.subject, last.seq, last.data, last.header));
        break;
      }
    }
    return out;
  }

  /** The first commit on a subject at or after `seq`, null when there is none. */
  private async nextOn(subject: string, seq: number): Promise<StoredMsg | null> {
    try {
      return await this.jsm.direct.getMessage(this.topology.stream, { seq, next_by_subj: subject });
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.NoMessageFound) return null;
      throw new EventStoreUnavailableError(`read of ${subject} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Stream sequence of the last commit on a subject, 0 when there is none. */
  async lastSeqOf(subject: string): Promise<number> {
    return (await this.lastOn(subject))?.seq ?? 0;
  }

  /** The last commit on a subject, null when there is none. */
  private async lastOn(subject: string): Promise<StoredMsg | null> {
    try {
      return await this.jsm.direct.getMessage(this.topology.stream, { last_by_subj: subject });
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.NoMessageFound) return null;
      throw new EventStoreUnavailableError(`read of ${subject} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The sequence of the first commit at or after `fromSeq` on a subject the filter matches, null when there is none. */
  private async nextMatching(filter: string, fromSeq: number): Promise<number | null> {
    try {
      const m = await this.jsm.direct.getMessage(this.topology.stream, { seq: fromSeq, next_by_subj: filter });
      return m?.seq ?? null;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.NoMessageFound) return null;
      throw new EventStoreUnavailableError(`read of ${filter} from ${fromSeq} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The last sequence in the whole stream. */
  async lastSeq(): Promise<number> {
    const info = await this.streamInfo();
    return info.state.last_seq;
  }

  /** The stream's configuration and state; fails when the stream or the server is not there (the readiness probe). */
  async streamInfo(): Promise<StreamInfo> {
    return this.jsm.streams.info(this.topology.stream);
  }

  /** Every subject in the stream that matches a filter (e.g. all schedule subjects): stream info with a subject filter, nats-server 2.9. */
  async subjectsMatching(filter: string): Promise<string[]> {
    const info = await this.jsm.streams.info(this.topology.stream, { subjects_filter: filter });
    return Object.keys(info.state.subjects ?? {});
  }

  /**
   * A durable consumer on the stream, created, or updated when it exists with
   * other settings (what may be updated: the deliver policy may not). Safe to
   * call from every replica at start.
   */
  async durableConsumer(config: Partial<ConsumerConfig> & { durable_name: string }): Promise<Consumer> {
    const stream = this.topology.stream;
    try {
      await this.jsm.consumers.add(stream, config);
    } catch (err) {
      if (!(err instanceof JetStreamApiError)) throw err;
      const { deliver_policy: _d, ...mutable } = config;
      await this.jsm.consumers.update(stream, config.durable_name, mutable);
    }
    return this.js.consumers.get(stream, config.durable_name);
  }

  async consumerInfo(durable: string): Promise<ConsumerInfo> {
    return this.jsm.consumers.info(this.topology.stream, durable);
  }

  /** Removes a durable consumer; nothing happens when there is none. */
  async deleteConsumer(durable: string): Promise<void> {
    await this.jsm.consumers.delete(this.topology.stream, durable).catch(() => undefined);
  }

  /** Core NATS requests on a subject, shared with the other replicas in a queue group (the serving side of {@link requests}). */
  subscribeRequests(subject: string, queue: string): Subscription {
    return this.nc.subscribe(subject, { queue });
  }

  /**
   * Ordered replay from `fromSeq` (inclusive). With `follow`, it goes on with
   * live commits and never ends; otherwise it stops at the stream's last
   * sequence as it was when the replay started.
   */
  async *replay(opts: { fromSeq?: number; filter?: string; follow?: boolean; signal?: AbortSignal } = {}): AsyncGenerator<RecordedCommit> {
    const fromSeq = Math.max(1, opts.fromSeq ?? 1);
    const filter = opts.filter ?? subjects.all(this.topology);
    const until = opts.follow ? Infinity : await this.lastSeq();
    if (until < fromSeq) return;
    // Nothing the filter matches from fromSeq to the end: the consumer below would deliver nothing and never say it is
    // done (nothing carries its pending count), so the replay would never return. One direct get answers it first.
    if (!opts.follow) {
      const first = await this.nextMatching(filter, fromSeq);
      if (first === null || first > until) return;
    }
    const consumer = await this.js.consumers.get(this.topology.stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: fromSeq,
    });
    const iter = await consumer.consume({ max_messages: 512 });
    const onAbort = () => void iter.stop();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Each message says how many more the filter matches; the last one (0 pending) ends a replay that does not follow,
      // even when the filter has no message at `until` itself.
      for await (const m of iter) {
        yield toCommit(m.subject, m.seq, m.data, m.headers);
        if (m.seq >= until || (!opts.follow && m.info.pending === 0)) break;
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      await iter.close().catch(() => undefined);
    }
  }

  async deleteStream(): Promise<void> {
    await this.jsm.streams.delete(this.topology.stream).catch(() => undefined);
  }
}

/** The sequence the subject's last commit had when this one was appended on it (its checked expected version), null when it was appended without one. */
function previousOf(m: StoredMsg): number | null {
  const v = m.header?.get('Nats-Expected-Last-Subject-Sequence');
  return v ? Number(v) : null;
}

export function toCommit(subject: string, seq: number, data: Uint8Array, hdrs: MsgHdrs | undefined): RecordedCommit {
  const gzip = hdrs?.get(HDR_ENCODING) === 'gzip';
  return { subject, seq, events: decodeCommit(data, gzip), traceparent: hdrs?.get('traceparent') || null };
}

/** Connects to NATS with a message that says what to do when it is not there. */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  try {
    // noAsyncTraces: no stack capture per request; a profile of ingest showed it at ~7% of CPU.
    return await connect({ servers: url.split(','), name, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 5000, noAsyncTraces: true });
  } catch (err) {
    throw new EventStoreUnavailableError(
      `cannot connect to NATS at ${url}: ${(err as Error).message}. ` +
        `Dozor needs nats-server 2.9+ with JetStream. Start one with: nats-server -js -sd /var/lib/nats-server ` +
        `(or set NATS_URL to a running server).`,
      { cause: err },
    );
  }
}

export type { EventEnvelope };
