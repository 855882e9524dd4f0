import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Subscription } from '@nats-io/transport-node';
import { withSpan, SpanKind, JsonLogger } from '@dozor/telemetry';
import type { EventStore, RecordedCommit } from './event.store.js';
import { runConsumer, Outcome, type ConsumerSpec, type HandlerOutcome, type RunningConsumer } from './consumer-runner.js';

/**
 * How patterns map to NATS. An `@EventPattern(name)` handler is fed by the
 * durable JetStream consumer registered under that name; a `@MessagePattern(name)`
 * handler answers core NATS requests on the subject registered under it, in a
 * queue group so that replicas share requests.
 */
export interface JetStreamTransportOptions {
  store: EventStore;
  consumers: Record<string, ConsumerSpec>;
  requests: Record<string, { subject: string; queue: string }>;
  logger?: JsonLogger;
}

export class JetStreamTransport extends Server implements CustomTransportStrategy {
  private readonly running: RunningConsumer[] = [];
  private readonly subs: Subscription[] = [];
  private readonly log: JsonLogger;

  constructor(private readonly opts: JetStreamTransportOptions) {
    super();
    this.log = opts.logger ?? new JsonLogger('jetstream-transport');
  }

  on(): void {}
  unwrap<T>(): T {
    return this.opts.store as T;
  }

  listen(callback: (...args: unknown[]) => void): void {
    this.start().then(
      () => callback(),
      (err) => callback(err),
    );
  }

  private async start(): Promise<void> {
    for (const [pattern, handler] of this.getHandlers()) {
      if (handler.isEventHandler) {
        const spec = this.opts.consumers[pattern];
        if (!spec) throw new Error(`@EventPattern('${pattern}') has no consumer registered`);
        this.running.push(await runConsumer(this.opts.store, spec, (c) => this.dispatchEvent(handler, c), this.log));
      } else {
        const req = this.opts.requests[pattern];
        if (!req) throw new Error(`@MessagePattern('${pattern}') has no request subject registered`);
        const sub = this.opts.store.subscribeRequests(req.subject, req.queue);
        this.subs.push(sub);
        void this.serve(sub, pattern, handler);
      }
    }
  }

  private async dispatchEvent(handler: MessageHandler, commit: RecordedCommit): Promise<HandlerOutcome> {
    const result = await handler(commit);
    const value = await lastValue(result);
    return isOutcome(value) ? value : Outcome.done;
  }

  private async serve(sub: Subscription, pattern: string, handler: MessageHandler): Promise<void> {
    for await (const m of sub) {
      void (async () => {
        let body: { traceparent?: string | null } & Record<string, unknown>;
        try {
          body = m.json();
        } catch {
          m.respond(JSON.stringify({ ok: false, code: 'bad_request', message: 'request body is not JSON' }));
          return;
        }
        try {
          const reply = await withSpan(
            `${pattern} process`,
            {
              kind: SpanKind.SERVER,
              // RequestClient sends the trace context in the header; the body field is what older clients sent (rolling upgrades).
              parent: m.headers?.get('traceparent') || body.traceparent || null,
              attributes: { 'messaging.system': 'nats', 'messaging.destination.name': m.subject, 'rpc.method': pattern },
            },
            async () => lastValue(await handler(body)),
          );
          m.respond(JSON.stringify(reply));
        } catch (err) {
          this.log.error(`request ${pattern} failed: ${(err as Error).stack ?? err}`, 'jetstream-transport');
          m.respond(JSON.stringify({ ok: false, code: 'unavailable', message: (err as Error).message }));
        }
      })();
    }
  }

  async close(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    await Promise.all(this.running.map((r) => r.stop()));
  }
}

async function lastValue(v: unknown): Promise<unknown> {
  if (v && typeof (v as { subscribe?: unknown }).subscribe === 'function') {
    const { lastValueFrom } = await import('rxjs');
    return lastValueFrom(v as import('rxjs').Observable<unknown>, { defaultValue: undefined });
  }
  return v;
}

function isOutcome(v: unknown): v is HandlerOutcome {
  return !!v && typeof v === 'object' && ['done', 'skipped', 'retry', 'pending'].includes((v as { kind?: string }).kind ?? '');
}
