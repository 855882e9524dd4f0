import { HttpException, HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { subjects, type IntegrationCommandReply, type IntegrationCommandRequest, type IntegrationStatus } from '@dozor/contracts';
import { EventStore } from '@dozor/eventstore';
import { currentTraceparent, SpanKind, withSpan } from '@dozor/telemetry';
import { ApiAuth } from '@dozor/platform';
import { API_ACTOR, unavailable } from '../alert-groups/alert-group-commands.js';

const STATUS: Record<Extract<IntegrationCommandReply, { ok: false }>['code'], number> = {
  not_found: HttpStatus.NOT_FOUND,
  invalid_transition: HttpStatus.BAD_REQUEST,
  bad_request: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

type Action =
  { action: 'start_maintenance'; mode: 'maintenance' | 'debug'; durationSeconds: number | null } | { action: 'stop_maintenance' } | { action: 'status' };

/** Sends maintenance/debug commands to the router (request-reply on `<prefix>.cmd.integration`). */
@Injectable()
export class IntegrationCommands {
  private readonly timeoutMs: number;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Optional() @Inject(ApiAuth) auth?: ApiAuth,
  ) {
    this.timeoutMs = auth?.commandTimeoutMs ?? 5000;
  }

  async send(integrationId: string, action: Action): Promise<IntegrationStatus> {
    const subject = subjects.integrationCommands(this.store.topology);
    return withSpan(
      `${subject} request`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'send',
          'messaging.destination.name': subject,
          'dozor.action': action.action,
          'dozor.integration': integrationId,
        },
      },
      async () => {
        const traceparent = currentTraceparent();
        const req: IntegrationCommandRequest = { ...action, integrationId, actor: API_ACTOR, source: 'api', traceparent };
        const h = natsHeaders();
        if (traceparent) h.set('traceparent', traceparent);
        let raw: string;
        try {
          raw = (await this.store.nc.request(subject, JSON.stringify(req), { timeout: this.timeoutMs, headers: h })).string();
        } catch (err) {
          throw unavailable(err, subject, this.timeoutMs);
        }
        let reply: IntegrationCommandReply;
        try {
          reply = JSON.parse(raw) as IntegrationCommandReply;
        } catch {
          throw new HttpException({ detail: `The router sent a reply that is not JSON: ${raw.slice(0, 200)}` }, HttpStatus.BAD_GATEWAY);
        }
        if (reply.ok) return reply.status;
        throw new HttpException(
          { detail: reply.message || `the router refused (${reply.code})`, code: reply.code },
          STATUS[reply.code] ?? HttpStatus.BAD_GATEWAY,
        );
      },
    );
  }
}
