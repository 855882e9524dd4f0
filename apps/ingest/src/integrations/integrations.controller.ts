import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { INTEGRATION_KINDS, isAlertmanagerKind, isIntegrationKind, PayloadError, type IntegrationKind } from '@dozor/contracts';
import { CommitTooLargeError, EventStoreUnavailableError } from '@dozor/eventstore';
import { JsonLogger, metrics, SpanKind, withSpan } from '@dozor/telemetry';
import { Runtime } from '@dozor/platform';
import type { IntegrationConfig } from '@dozor/config';
import { IngestService } from './ingest.service.js';
import { RateLimiter } from './rate-limiter.js';
import { helpPage } from './help-page.js';

type Span = Parameters<Parameters<typeof withSpan>[2]>[0];
type Send = (status: number, body: Record<string, unknown>, headers?: Record<string, string>) => void;

/**
 * The integration URLs Grafana OnCall used: POST /integrations/v1/<kind>/<token>/
 * for alertmanager, grafana_alerting, webhook and formatted_webhook, and
 * GET or POST …/heartbeat/. Alertmanager retries only on 5xx, so a failed
 * append, and for Alertmanager kinds the rate limit, answer 503; the other
 * kinds get 429 with Retry-After over the limit.
 */
@Controller('integrations/v1')
export class IntegrationsController {
  private readonly limiter = new RateLimiter();

  constructor(
    private readonly ingest: IngestService,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  @Post(':kind/:token')
  async receive(
    @Param('kind') kind: string,
    @Param('token') token: string,
    @Req() req: FastifyRequest & { rawBody?: Buffer },
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const started = performance.now();
    await this.serve('POST', `/integrations/v1/${metricKind(kind)}/:token/`, req, reply, async (send, span) => {
      if (!isIntegrationKind(kind)) return send(404, unknownKind(kind));
      const integration = this.ingest.integrationFor(token, kind);
      if (!integration) return send(403, { detail: 'unknown integration token' });
      span.setAttribute('dozor.integration', integration.id);
      const limited = this.limit(integration, kind);
      if (limited) return send(limited.status, limited.body, limited.headers);
      const ct = String(req.headers['content-type'] ?? '');
      if (req.body !== undefined && !/^application\/(.+\+)?json\b/i.test(ct)) {
        return send(415, { detail: `content type must be application/json, got ${JSON.stringify(ct || 'none')}` });
      }
      if (req.body === undefined || req.rawBody === undefined || req.rawBody.length === 0) {
        return send(400, { detail: `body: is empty; expected ${isAlertmanagerKind(kind) ? 'an Alertmanager webhook JSON object' : 'a JSON object'}` });
      }
      try {
        const { receiptId, result } = await this.ingest.receive(integration, req.body, req.rawBody);
        span.setAttribute('messaging.message.id', String(result.seq));
        send(200, { status: 'accepted', receipt_id: receiptId, duplicate: result.duplicate });
      } catch (err) {
        if (err instanceof PayloadError) {
          const what = isAlertmanagerKind(integration.type) ? 'Alertmanager payload' : `${integration.type} payload`;
          return send(400, { detail: `invalid ${what}: ${err.message}`, field: err.field });
        }
        if (err instanceof CommitTooLargeError) return send(413, { detail: err.message });
        if (err instanceof EventStoreUnavailableError) return this.unavailable(send, err);
        throw err;
      } finally {
        metrics.ingestLatency.observe((performance.now() - started) / 1000);
      }
    });
  }

  @Post(':kind/:token/heartbeat')
  heartbeatPost(@Param('kind') kind: string, @Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.heartbeat('POST', kind, token, req, reply);
  }

  @Get(':kind/:token/heartbeat')
  heartbeatGet(@Param('kind') kind: string, @Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.heartbeat('GET', kind, token, req, reply);
  }

  /** A short help page for the kind; the same for every token, valid or not. */
  @Get(':kind/:token')
  help(@Param('kind') kind: string, @Res() reply: FastifyReply): void {
    if (!isIntegrationKind(kind)) {
      reply.status(404).header('content-type', 'application/json; charset=utf-8').send(unknownKind(kind));
      return;
    }
    reply.status(200).header('content-type', 'text/plain; charset=utf-8').send(helpPage(kind));
  }

  private async heartbeat(method: 'GET' | 'POST', kind: string, token: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.serve(method, `/integrations/v1/${metricKind(kind)}/:token/heartbeat/`, req, reply, async (send, span) => {
      if (!isIntegrationKind(kind)) return send(404, unknownKind(kind));
      const integration = this.ingest.integrationFor(token, kind);
      if (!integration) return send(403, { detail: 'unknown integration token' });
      span.setAttribute('dozor.integration', integration.id);
      const hb = integration.heartbeat;
      if (!hb) return send(404, { detail: 'heartbeats are not enabled for this integration; add `heartbeat: { timeout: 5m }` to it in dozor.yaml' });
      try {
        const { dueAt } = await this.ingest.heartbeat({ ...integration, heartbeat: hb });
        send(200, { status: 'ok', next_heartbeat_due_by: dueAt });
      } catch (err) {
        if (err instanceof EventStoreUnavailableError) return this.unavailable(send, err);
        throw err;
      }
    });
  }

  private limit(
    integration: IntegrationConfig,
    kind: IntegrationKind,
  ): { status: number; body: Record<string, unknown>; headers: Record<string, string> } | null {
    const d = this.limiter.take(integration.id, integration.rateLimit, this.runtime.clock().getTime());
    if (d.ok) return null;
    metrics.ingestRateLimited.inc({ integration: integration.id });
    const detail = `rate limit of ${integration.rateLimit.requests} requests per ${integration.rateLimit.perSeconds} s exceeded for this integration; retry in ${d.retryAfterSeconds} s`;
    // Alertmanager gives up a flush on any 4xx (429 included) and retries only on 5xx.
    return { status: isAlertmanagerKind(kind) ? 503 : 429, body: { detail }, headers: { 'retry-after': String(d.retryAfterSeconds) } };
  }

  private unavailable(send: Send, err: Error): void {
    this.log.error(`append failed, answering 503: ${err.message}`, 'ingest');
    send(503, { detail: 'the event log is unavailable; the alert was not accepted, retry later' }, { 'retry-after': '5' });
  }

  private async serve(
    method: string,
    route: string,
    req: FastifyRequest,
    reply: FastifyReply,
    handle: (send: Send, span: Span) => Promise<void>,
  ): Promise<void> {
    await withSpan(
      `${method} ${route}`,
      {
        kind: SpanKind.SERVER,
        parent: (req.headers.traceparent as string | undefined) ?? null,
        attributes: { 'http.request.method': method, 'http.route': route, 'url.scheme': 'http', 'user_agent.original': req.headers['user-agent'] ?? '' },
      },
      async (span) => {
        const send: Send = (status, body, headers = {}) => {
          span.setAttribute('http.response.status_code', status);
          metrics.httpRequests.inc({ route, status: String(status) });
          for (const [k, v] of Object.entries(headers)) reply.header(k, v);
          reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
        };
        await handle(send, span);
      },
    );
  }
}

/** Metric labels stay bounded: an unknown kind is not a label value. */
function metricKind(kind: string): string {
  return isIntegrationKind(kind) ? kind : 'unknown';
}

function unknownKind(kind: string): Record<string, unknown> {
  return { detail: `unknown integration kind ${JSON.stringify(kind.slice(0, 40))}; this endpoint serves: ${INTEGRATION_KINDS.join(', ')}` };
}
