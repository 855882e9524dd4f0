import { HttpException, HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import type { CommandReply, DirectPageReply, IntegrationCommandReply } from '@dozor/contracts';
import { EventStore, RequestFailedError } from '@dozor/eventstore';
import { ApiAuth } from '@dozor/platform';

type Refusal = Extract<CommandReply | IntegrationCommandReply | DirectPageReply, { ok: false }>;

const STATUS: Record<Refusal['code'], number> = {
  not_found: HttpStatus.NOT_FOUND,
  invalid_transition: HttpStatus.BAD_REQUEST,
  bad_request: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Requests from the REST API to the router, with the API's one mapping of the
 * outcome to HTTP: a refusal keeps the router's message under the status of
 * its code, no router or no answer is 503, a reply that is not JSON is 502.
 * The wait is `ApiAuth.commandTimeoutMs`.
 */
@Injectable()
export class RouterRequests {
  private readonly timeoutMs: number | undefined;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Optional() @Inject(ApiAuth) auth?: ApiAuth,
  ) {
    this.timeoutMs = auth?.commandTimeoutMs;
  }

  /** The router's `ok` reply, or an HttpException with a `detail`; `refused` names what was refused when the router gives no message. */
  async send<R extends CommandReply | IntegrationCommandReply | DirectPageReply>(
    subject: string,
    body: unknown,
    attributes: Record<string, string>,
    refused: string,
  ): Promise<Extract<R, { ok: true }>> {
    let reply: R;
    try {
      reply = await this.store.requests.request<R>(subject, body, { timeoutMs: this.timeoutMs, attributes });
    } catch (err) {
      throw httpError(err);
    }
    if (reply.ok) return reply as Extract<R, { ok: true }>;
    const refusal = reply as Refusal;
    throw new HttpException({ detail: refusal.message || `${refused} (${refusal.code})`, code: refusal.code }, STATUS[refusal.code] ?? HttpStatus.BAD_GATEWAY);
  }
}

/** The HTTP error for a request the router did not answer. */
function httpError(err: unknown): HttpException {
  if (!(err instanceof RequestFailedError))
    return new HttpException({ detail: `Cannot reach the router: ${(err as Error).message}` }, HttpStatus.SERVICE_UNAVAILABLE);
  switch (err.reason) {
    case 'no_responders':
      return new HttpException(
        { detail: `No router is answering on ${err.subject}: the action was not applied. Is the router service running?` },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    case 'timeout':
      return new HttpException(
        {
          detail: `The router did not answer within ${err.timeoutMs} ms: the action may or may not have been applied; check the alert group before retrying.`,
        },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    case 'bad_reply':
      return new HttpException({ detail: `The router sent a bad reply: ${err.message}` }, HttpStatus.BAD_GATEWAY);
    case 'unreachable':
      return new HttpException({ detail: `Cannot reach the router: ${err.message}` }, HttpStatus.SERVICE_UNAVAILABLE);
    default: {
      const never: never = err.reason;
      return never;
    }
  }
}
