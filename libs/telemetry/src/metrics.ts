import { Counter, Histogram, Registry, Gauge, collectDefaultMetrics } from 'prom-client';

/** One registry per process: in `--target=all` every service shares it, so /metrics shows all. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'dozor_process_' });

export const metrics = {
  httpRequests: new Counter({
    name: 'dozor_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'],
    registers: [registry],
  }),
  ingestRateLimited: new Counter({
    name: 'dozor_ingest_rate_limited_total',
    help: 'Integration requests refused over the rate limit',
    labelNames: ['integration'],
    registers: [registry],
  }),
  ingestLatency: new Histogram({
    name: 'dozor_ingest_duration_seconds',
    help: 'Webhook handling time, append included',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  appends: new Counter({
    name: 'dozor_eventstore_appends_total',
    help: 'Commits appended to the event log',
    labelNames: ['aggregate', 'result'],
    registers: [registry],
  }),
  handled: new Counter({
    name: 'dozor_consumer_messages_total',
    help: 'Messages handled by consumers',
    labelNames: ['consumer', 'outcome'],
    registers: [registry],
  }),
  handlerLatency: new Histogram({
    name: 'dozor_consumer_handle_seconds',
    help: 'Consumer handler time',
    labelNames: ['consumer'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  }),
  timersPending: new Gauge({ name: 'dozor_timers_pending', help: 'Durable timers not yet fired', registers: [registry] }),
  timerLateness: new Histogram({
    name: 'dozor_timer_lateness_seconds',
    help: 'Fire time minus due time',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  }),
  webhookAttempts: new Counter({
    name: 'dozor_webhook_attempts_total',
    help: 'Outgoing webhook attempts by webhook and result (HTTP status, network, refused, invalid)',
    labelNames: ['webhook', 'result'],
    registers: [registry],
  }),
  telegramCalls: new Counter({
    name: 'dozor_telegram_calls_total',
    help: 'Bot API calls by method and result',
    labelNames: ['method', 'result'],
    registers: [registry],
  }),
};
