import { HttpException, HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { headers as natsHeaders, RequestError, TimeoutError, NoRespondersError } from '@nats-io/transport-node';
import { subjects, type Actor, type AlertGroupAction, type AlertGroupCommandRequest, type CommandReply } from '@dozor/contracts';
import { EventStore } from '@dozor/eventstore';
import { currentTraceparent, withSpan, SpanKind } from '@dozor/telemetry';
import { ApiAuth } from '@dozor/platform';

/** Who acts through the REST API until API tokens are tied to users. */
export const API_ACTOR: Actor = { kind: 'user', id: 'api', name: 'api' };

const STATUS: Record<Extract<CommandReply, { ok: false }>['code'], number> = {
  not_found: HttpStatus.NOT_FOUND,
  invalid_transition: HttpStatus.BAD_REQUEST,
  bad_request: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Sends an action to the router (request-reply on `<prefix>.cmd.alert-group`)
 * and turns its reply into a result or an HttpException with a `detail`.
 */
@Injectable()
export class AlertGroupCommands {
  private readonly timeoutMs: number;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Optional() @Inject(ApiAuth) auth?: ApiAuth,
  ) {
    this.timeoutMs = auth?.commandTimeoutMs ?? 5000;
  }

  async send(action: AlertGroupAction, alertGroupId: string, durationSeconds?: number | null): Promise<Extract<CommandReply, { ok: true }>> {
    const subject = subjects.alertGroupCommands(this.store.topology);
    return withSpan(
      `${subject} request`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'send',
          'messaging.destination.name': subject,
          'dozor.action': action,
          'dozor.alert_group_id': alertGroupId,
        },
      },
      async () => {
        const traceparent = currentTraceparent();
        const req: AlertGroupCommandRequest = { action, alertGroupId, actor: API_ACTOR, source: 'api', traceparent };
        if (action === 'silence') req.durationSeconds = durationSeconds ?? null;
        const h = natsHeaders();
        if (traceparent) h.set('traceparent', traceparent);
        let raw: string;
        try {
          const msg = await this.store.nc.request(subject, JSON.stringify(req), { timeout: this.timeoutMs, headers: h });
          raw = msg.string();
        } catch (err) {
          throw unavailable(err, subject, this.timeoutMs);
        }
        let reply: CommandReply;
        try {
          reply = JSON.parse(raw) as CommandReply;
        } catch {
          throw new HttpException({ detail: `The router sent a reply that is not JSON: ${raw.slice(0, 200)}` }, HttpStatus.BAD_GATEWAY);
        }
        if (reply.ok) return reply;
        const status = STATUS[reply.code] ?? HttpStatus.BAD_GATEWAY;
        throw new HttpException({ detail: reply.message || `the router refused the action (${reply.code})`, code: reply.code }, status);
      },
    );
  }
}

/** The HTTP error for a request the router did not answer. */
export function unavailable(err: unknown, subject: string, timeoutMs: number): HttpException {
  const e = err as Error & { cause?: unknown };
  const noResponders = e instanceof NoRespondersError || e.cause instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders());
  const timeout = e instanceof TimeoutError || e.cause instanceof TimeoutError;
  const detail = noResponders
    ? `No router is answering on ${subject}: the action was not applied. Is the router service running?`
    : timeout
      ? `The router did not answer within ${timeoutMs} ms: the action may or may not have been applied; check the alert group before retrying.`
      : `Cannot reach the router: ${e.message}`;
  return new HttpException({ detail }, HttpStatus.SERVICE_UNAVAILABLE);
}
