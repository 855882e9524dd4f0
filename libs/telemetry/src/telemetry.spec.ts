import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { JsonLogger, SpanKind, currentTraceparent, startTelemetry, stopTelemetry, withSpan } from './index.js';

describe('telemetry', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => startTelemetry({ serviceName: 'spec', exporter, env: { OTEL_TRACES_EXPORTER: 'none' } }));
  afterAll(() => stopTelemetry());

  it('writes JSON logs that carry the active trace id', async () => {
    const lines: string[] = [];
    const log = new JsonLogger('spec', 'info', (l) => lines.push(l));
    let traceId = '';
    await withSpan('work', {}, async (span) => {
      traceId = span.spanContext().traceId;
      log.info('inside', { extra: 1 });
    });
    log.info('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l));
    expect(inside).toMatchObject({ level: 'info', service: 'spec', msg: 'inside', trace_id: traceId, extra: 1 });
    expect(outside.trace_id).toBeUndefined();
  });

  it('continues a trace from a traceparent header', async () => {
    let header: string | null = null;
    await withSpan('producer', { kind: SpanKind.PRODUCER }, async () => {
      header = currentTraceparent();
    });
    expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await withSpan('consumer', { kind: SpanKind.CONSUMER, parent: header }, async () => undefined);
    // Export waits for the resource's async attributes, so spans arrive a little later.
    await vi.waitFor(() => expect(exporter.getFinishedSpans().map((s) => s.name)).toContain('consumer'));
    const spans = exporter.getFinishedSpans();
    const producer = spans.find((s) => s.name === 'producer')!;
    const consumer = spans.find((s) => s.name === 'consumer')!;
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
  });
});
