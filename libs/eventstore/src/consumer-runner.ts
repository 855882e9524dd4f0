import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JsMsg } from '@nats-io/jetstream';
import { metrics, withSpan, SpanKind, JsonLogger } from '@dozor/telemetry';
import type { EventStore, RecordedCommit } from './event.store.js';
import { toCommit } from './event.store.js';

/**
 * What a handler says happened. Thrown errors count as Retry. `pending`: the
 * work goes on after the handler returns (e.g. queued behind a rate limit);
 * the runner frees the handler's slot, keeps the message alive with
 * `working()` so it is not redelivered while it waits, and acks or naks when
 * `settled` gives the final outcome. A process that dies stops the
 * keep-alive, so the message is redelivered one ack wait later.
 */
export type HandlerOutcome =
  | { kind: 'done' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'retry'; reason: string; delayMs?: number }
  | { kind: 'pending'; reason: string; settled: Promise<FinalOutcome> };

export type FinalOutcome = Exclude<HandlerOutcome, { kind: 'pending' }>;

export const Outcome = {
  done: { kind: 'done' } as HandlerOutcome,
  skipped: (reason: string): HandlerOutcome => ({ kind: 'skipped', reason }),
  retry: (reason: string, delayMs?: number): HandlerOutcome => ({ kind: 'retry', reason, delayMs }),
  pending: (reason: string, settled: Promise<FinalOutcome>): HandlerOutcome => ({ kind: 'pending', reason, settled }),
};

export interface ConsumerSpec {
  /** Durable name: replicas with the same name share the work. */
  durable: string;
  filter: string;
  /** Handlers running at once in this process. */
  concurrency?: number;
  ackWaitMs?: number;
  /** Messages delivered but not yet acked, over all replicas. */
  maxAckPending?: number;
  /** Start at new messages instead of the beginning, for a consumer created after the fact. */
  deliverNew?: boolean;
}

export type CommitHandler = (commit: RecordedCommit) => Promise<HandlerOutcome>;

export interface RunningConsumer {
  stop(): Promise<void>;
  readonly done: Promise<void>;
}

/** Backoff for a failed message: 250 ms doubling to 30 s, by delivery count. */
export function retryDelay(deliveryCount: number): number {
  return Math.min(30_000, 250 * 2 ** Math.max(0, deliveryCount - 1));
}

/**
 * A durable pull consumer with bounded concurrency: it acks after the handler
 * succeeds and naks with a delay after it fails. Created or updated
 * idempotently at start.
 */
export async function runConsumer(store: EventStore, spec: ConsumerSpec, handler: CommitHandler, log = new JsonLogger('eventstore')): Promise<RunningConsumer> {
  const concurrency = spec.concurrency ?? 8;
  const ackWaitMs = spec.ackWaitMs ?? 30_000;
  const config: Partial<ConsumerConfig> & { durable_name: string } = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: spec.filter,
    ack_wait: ackWaitMs * 1_000_000,
    max_ack_pending: spec.maxAckPending ?? 1000,
    max_deliver: -1,
    deliver_policy: spec.deliverNew ? DeliverPolicy.New : DeliverPolicy.All,
  };
  const consumer = await store.durableConsumer(config);
  const messages = await consumer.consume({ max_messages: concurrency * 2 });
  let stopping = false;
  const inflight = new Set<Promise<void>>();

  const handleOne = async (m: JsMsg): Promise<void> => {
    const started = performance.now();
    let commit: RecordedCommit;
    try {
      commit = toCommit(m.subject, m.seq, m.data, m.headers);
    } catch (err) {
      // A commit this build cannot read (e.g. written by a newer version during a rolling upgrade): try later.
      log.error(`cannot decode ${m.subject}#${m.seq}: ${(err as Error).message}`, spec.durable);
      metrics.handled.inc({ consumer: spec.durable, outcome: 'undecodable' });
      m.nak(retryDelay(m.info.deliveryCount));
      return;
    }
    let outcome: HandlerOutcome;
    try {
      outcome = await withSpan(
        `${spec.durable} process`,
        {
          kind: SpanKind.CONSUMER,
          parent: commit.traceparent,
          attributes: {
            'messaging.system': 'nats',
            'messaging.operation.type': 'process',
            'messaging.destination.name': m.subject,
            'messaging.consumer.group.name': spec.durable,
            'messaging.message.id': String(m.seq),
            'dozor.event_types': commit.events.map((e) => e.type).join(','),
          },
        },
        () => handler(commit),
      );
    } catch (err) {
      outcome = Outcome.retry((err as Error).message);
      log.warn(`handler failed on ${m.subject}#${m.seq} (delivery ${m.info.deliveryCount}): ${(err as Error).stack ?? err}`, spec.durable);
    }
    const settle = (final: FinalOutcome): void => {
      metrics.handled.inc({ consumer: spec.durable, outcome: final.kind });
      metrics.handlerLatency.observe({ consumer: spec.durable }, (performance.now() - started) / 1000);
      if (final.kind === 'retry') m.nak(final.delayMs ?? retryDelay(m.info.deliveryCount));
      else m.ack();
    };
    if (outcome.kind === 'pending') {
      // The slot is free for the next message; this one is acked when its work ends.
      void keepAlive(m, outcome.settled).then(settle, (err: unknown) => settle({ kind: 'retry', reason: (err as Error).message }));
      return;
    }
    settle(outcome);
  };

  /** Tells the server the message is still being worked on, a few times per ack wait, until `settled` settles. */
  const keepAlive = async <T>(m: JsMsg, settled: Promise<T>): Promise<T> => {
    const timer = setInterval(() => m.working(), Math.max(100, Math.floor(ackWaitMs / 3)));
    try {
      return await settled;
    } finally {
      clearInterval(timer);
    }
  };

  const loop = (async () => {
    for await (const m of messages) {
      if (stopping) {
        m.nak(0);
        continue;
      }
      while (inflight.size >= concurrency) await Promise.race(inflight);
      const p = handleOne(m).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.allSettled(inflight);
  })();

  return {
    done: loop,
    async stop() {
      stopping = true;
      await Promise.allSettled(inflight);
      await messages.close().catch(() => undefined);
      await loop.catch(() => undefined);
    },
  };
}
