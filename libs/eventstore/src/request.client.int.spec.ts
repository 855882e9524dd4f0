import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { SpanKind, startTelemetry, stopTelemetry, withSpan } from '@dozor/telemetry';
import { RequestClient, RequestFailedError, connectNats } from './index.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('RequestClient on real NATS', () => {
  let nc: NatsConnection;
  let client: RequestClient;
  const base = `t${randomBytes(4).toString('hex')}.rpc`;
  const seen: Msg[] = [];
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    startTelemetry({ serviceName: 'request-client-spec', exporter, env: { OTEL_TRACES_EXPORTER: 'none' } });
    nc = await connectNats(NATS_URL, 'request-client-spec');
    client = new RequestClient(nc, 300);
    nc.subscribe(`${base}.echo`, {
      queue: 'spec',
      callback: (_e, m) => {
        seen.push(m);
        m.respond(JSON.stringify({ ok: true, got: m.json() }));
      },
    });
    nc.subscribe(`${base}.garbage`, { callback: (_e, m) => void m.respond('<html>') });
    nc.subscribe(`${base}.silent`, { callback: () => undefined });
    await nc.flush();
  });
  afterAll(async () => {
    await nc?.close();
    await stopTelemetry();
  });

  it('sends JSON, returns the JSON reply and carries the trace context in the header only', async () => {
    const reply = await withSpan('caller', {}, () => client.request(`${base}.echo`, { q: 1 }, { attributes: { 'dozor.action': 'echo' } }));
    expect(reply).toEqual({ ok: true, got: { q: 1 } });
    const m = seen.at(-1)!;
    expect(m.json()).toEqual({ q: 1 });
    // Export waits for the resource's async attributes, so spans arrive a little later.
    const span = await vi.waitFor(
      () => {
        const s = exporter.getFinishedSpans().find((x) => x.name === `${base}.echo request`);
        if (!s) throw new Error('no client span yet');
        return s;
      },
      { timeout: 10_000 },
    );
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({ 'messaging.destination.name': `${base}.echo`, 'dozor.action': 'echo' });
    expect(m.headers?.get('traceparent')).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it('classifies failures: nobody serving, no answer in time (own deadline or the default), a reply that is not JSON', async () => {
    const reason = (p: Promise<unknown>) =>
      p.then(
        () => 'answered',
        (e: unknown) => (e instanceof RequestFailedError ? [e.reason, e.subject, e.timeoutMs] : String(e)),
      );
    expect(await reason(client.request(`${base}.nobody`, {}))).toEqual(['no_responders', `${base}.nobody`, 300]);
    expect(await reason(client.request(`${base}.silent`, {}))).toEqual(['timeout', `${base}.silent`, 300]);
    expect(await reason(client.request(`${base}.silent`, {}, { timeoutMs: 100 }))).toEqual(['timeout', `${base}.silent`, 100]);
    expect(await reason(client.request(`${base}.garbage`, {}))).toEqual(['bad_reply', `${base}.garbage`, 300]);
  });
});
