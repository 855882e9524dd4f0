import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PayloadError } from '@dozor/contracts';
import { CommitTooLargeError, EventStoreUnavailableError } from '@dozor/eventstore';
import { JsonLogger, metrics, SpanKind, withSpan } from '@dozor/telemetry';
import { IngestService } from './ingest.service.js';

const KINDS = ['alertmanager', 'grafana_alerting'] as const;

/**
 * The integration URL Grafana OnCall used: POST /integrations/v1/alertmanager/<token>/.
 * Alertmanager retries only on 5xx, so a failed append answers 503.
 */
@Controller('integrations/v1')
export class AlertmanagerController {
  constructor(
    private readonly ingest: IngestService,
    private readonly log: JsonLogger,
  ) {}

  @Post(':kind/:token')
  @HttpCode(200)
  async receive(@Param('kind') kind: string, @Param('token') token: string, @Req() req: FastifyRequest & { rawBody?: Buffer }, @Res() reply: FastifyReply): Promise<void> {
    const started = performance.now();
    const route = `/integrations/v1/${kind}/:token/`;
    await withSpan(
      `POST ${route}`,
      {
        kind: SpanKind.SERVER,
        parent: (req.headers.traceparent as string | undefined) ?? null,
        attributes: { 'http.request.method': 'POST', 'http.route': route, 'url.scheme': 'http', 'user_agent.original': req.headers['user-agent'] ?? '' },
      },
      async (span) => {
        const send = (status: number, body: Record<string, unknown>) => {
          span.setAttribute('http.response.status_code', status);
          metrics.httpRequests.inc({ route, status: String(status) });
          reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
        };
        if (!(KINDS as readonly string[]).includes(kind)) return send(404, { detail: `unknown integration kind ${JSON.stringify(kind)}; this endpoint serves: ${KINDS.join(', ')}` });
        const integration = this.ingest.integrationFor(token, 'alertmanager');
        if (!integration) return send(403, { detail: 'unknown integration token' });
        span.setAttribute('dozor.integration', integration.id);
        const ct = String(req.headers['content-type'] ?? '');
        if (req.body !== undefined && !/^application\/(.+\+)?json\b/i.test(ct)) {
          return send(415, { detail: `content type must be application/json, got ${JSON.stringify(ct || 'none')}` });
        }
        if (req.body === undefined || req.rawBody === undefined || req.rawBody.length === 0) return send(400, { detail: 'body: is empty; expected an Alertmanager webhook JSON object' });
        try {
          const { receiptId, result } = await this.ingest.receive(integration, req.body, req.rawBody);
          span.setAttribute('messaging.message.id', String(result.seq));
          send(200, { status: 'accepted', receipt_id: receiptId, duplicate: result.duplicate });
        } catch (err) {
          if (err instanceof PayloadError) return send(400, { detail: `invalid Alertmanager payload: ${err.message}`, field: err.field });
          if (err instanceof CommitTooLargeError) return send(413, { detail: err.message });
          if (err instanceof EventStoreUnavailableError) {
            this.log.error(`append failed, answering 503: ${err.message}`, 'ingest');
            reply.header('retry-after', '5');
            return send(503, { detail: 'the event log is unavailable; the alert was not accepted, retry later' });
          }
          throw err;
        } finally {
          metrics.ingestLatency.observe((performance.now() - started) / 1000);
        }
      },
    );
  }

  @Get(':kind/:token')
  help(@Param('kind') kind: string): string {
    return `This is a Dozor ${kind} integration endpoint. Send alerts with POST and Content-Type: application/json; for Alertmanager add a webhook receiver whose url is this address.\n`;
  }
}
