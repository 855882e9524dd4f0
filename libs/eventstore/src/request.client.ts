import { headers as natsHeaders, NoRespondersError, RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import { currentTraceparent, SpanKind, SpanStatusCode, withSpan } from '@dozor/telemetry';

/** How long a request waits for its reply unless the caller has a deadline of its own. */
export const REQUEST_TIMEOUT_MS = 5000;

/**
 * Why a request got no usable reply. `no_responders`: nobody serves the
 * subject, so nothing was done. `timeout`: a service took it and did not
 * answer in time, so it may or may not have acted. `unreachable`: NATS itself
 * failed. `bad_reply`: the answer is not JSON.
 */
export type RequestFailure = 'no_responders' | 'timeout' | 'unreachable' | 'bad_reply';

export class RequestFailedError extends Error {
  constructor(
    readonly reason: RequestFailure,
    readonly subject: string,
    readonly timeoutMs: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RequestFailedError';
  }
}

export interface RequestOptions {
  /** A caller's own deadline; {@link REQUEST_TIMEOUT_MS} otherwise. */
  timeoutMs?: number;
  /** Added to the client span (e.g. the action and the id it is about). */
  attributes?: Record<string, string | number | boolean>;
}

/**
 * The client side of request-reply over core NATS, the twin of
 * `JetStreamTransport`'s `@MessagePattern` serving (queue groups): JSON in,
 * JSON out, one client span per request, the trace context in the
 * `traceparent` header (never in the body), and every failure classified as
 * a {@link RequestFailedError} so that callers map reasons, not NATS errors.
 * A reply `{ ok: false, … }` (Dozor's refusals) is returned as it is and
 * marks the span as an error.
 */
export class RequestClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {}

  async request<Reply>(subject: string, body: unknown, opts: RequestOptions = {}): Promise<Reply> {
    const timeout = opts.timeoutMs ?? this.timeoutMs;
    return withSpan(
      `${subject} request`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'messaging.destination.name': subject, ...opts.attributes },
      },
      async (span) => {
        const h = natsHeaders();
        const traceparent = currentTraceparent();
        if (traceparent) h.set('traceparent', traceparent);
        let raw: string;
        try {
          raw = (await this.nc.request(subject, JSON.stringify(body), { timeout, headers: h })).string();
        } catch (err) {
          throw failure(err, subject, timeout);
        }
        let reply: Reply;
        try {
          reply = JSON.parse(raw) as Reply;
        } catch (err) {
          throw new RequestFailedError('bad_reply', subject, timeout, `the reply on ${subject} is not JSON: ${raw.slice(0, 200)}`, { cause: err });
        }
        const refusal = reply as { ok?: unknown; message?: unknown };
        if (refusal && refusal.ok === false) span.setStatus({ code: SpanStatusCode.ERROR, message: String(refusal.message ?? 'refused') });
        return reply;
      },
    );
  }
}

function failure(err: unknown, subject: string, timeoutMs: number): RequestFailedError {
  const e = err as Error & { cause?: unknown };
  const noResponders = e instanceof NoRespondersError || e.cause instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders());
  const timeout = e instanceof TimeoutError || e.cause instanceof TimeoutError;
  const reason: RequestFailure = noResponders ? 'no_responders' : timeout ? 'timeout' : 'unreachable';
  return new RequestFailedError(reason, subject, timeoutMs, e.message, { cause: err });
}
