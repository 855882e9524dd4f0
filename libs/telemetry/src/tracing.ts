import { context, propagation, trace, SpanKind, SpanStatusCode, type Span, type Context, type Attributes } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';

export const TRACER_NAME = 'dozor';

let sdk: NodeSDK | null = null;
const propagator = new W3CTraceContextPropagator();

export interface TelemetryOptions {
  serviceName: string;
  /** Extra exporter, for tests (e.g. the SDK's InMemorySpanExporter). */
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts the OpenTelemetry SDK once per process. The OTLP/HTTP exporter is
 * configured by the standard OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL=http/json or
 * http/protobuf, OTEL_TRACES_EXPORTER=none to switch it off, ...).
 */
export function startTelemetry(opts: TelemetryOptions): void {
  if (sdk) return;
  const env = opts.env ?? process.env;
  const processors: SpanProcessor[] = [];
  const exporterKind = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((s) => s.trim());
  const endpointSet = !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (exporterKind.includes('otlp') && endpointSet) {
    // Both exporters read OTEL_EXPORTER_OTLP_* themselves. The protocol picks
    // the wire format: http/json, or http/protobuf (the spec's default).
    const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
    if (protocol === 'grpc') throw new Error('OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported; use http/protobuf or http/json');
    const exporter = protocol === 'http/json' ? new OTLPTraceExporter() : new OTLPProtoTraceExporter();
    processors.push(new BatchSpanProcessor(exporter, { scheduledDelayMillis: Number(env.OTEL_BSP_SCHEDULE_DELAY ?? 500) }));
  }
  if (opts.exporter) processors.push(new SimpleSpanProcessor(opts.exporter));
  const contextManager = new AsyncLocalStorageContextManager();
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? opts.serviceName }),
    spanProcessors: processors,
    contextManager,
    textMapPropagator: propagator,
    instrumentations: [],
    traceExporter: undefined,
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  const s = sdk;
  sdk = null;
  if (s) await s.shutdown().catch(() => undefined);
}

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** The W3C traceparent of the active span, or null. */
export function currentTraceparent(ctx: Context = context.active()): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent ?? null;
}

/** A context whose parent is the given traceparent (or the active context when null). */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  const id = span?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Parent from a message header; default is the active context. */
  parent?: string | null;
}

/** Runs fn inside a new span; records exceptions and ends the span. */
export async function withSpan<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parentCtx = opts.parent !== undefined ? contextFromTraceparent(opts.parent) : context.active();
  const span = tracer().startSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes }, parentCtx);
  return context.with(trace.setSpan(parentCtx, span), async () => {
    try {
      const out = await fn(span);
      return out;
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

export { SpanKind, SpanStatusCode, context, trace, propagation };
export type { Span };

// Make propagation work even when the SDK is not started (unit tests).
propagation.setGlobalPropagator(propagator);
