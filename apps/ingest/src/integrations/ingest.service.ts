import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  alertmanagerPayloadAsStored,
  heartbeatTimerId,
  isAlertmanagerKind,
  parseWebhookPayload,
  receiptBodySha256,
  subjects,
  type HeartbeatReceivedData,
  type IntegrationKind,
  type IntegrationPayload,
} from '@dozor/contracts';
import { alertReceipt, receiptSource } from '@dozor/domain';
import { EventStore, ExpectedVersion, type AppendResult } from '@dozor/eventstore';
import type { IntegrationConfig } from '@dozor/config';
import { Runtime } from '@dozor/platform';
import { IntegrationModes } from './integration-modes.js';

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest();

/** Does an integration of `type` answer on `…/<urlKind>/<token>/`? Alertmanager and Grafana Alerting share a payload. */
export function servesKind(type: IntegrationKind, urlKind: IntegrationKind): boolean {
  return type === urlKind || (isAlertmanagerKind(type) && isAlertmanagerKind(urlKind));
}

/**
 * Heartbeats within one bucket share a deadline, `bucket end + timeout`, and a
 * Nats-Msg-Id, so a sender that beats many times a second appends once per
 * bucket. The deadline is therefore late by less than one bucket: 5% of the
 * timeout, between 1 s and 60 s.
 */
export function heartbeatBucketMs(timeoutSeconds: number): number {
  return Math.min(60_000, Math.max(1000, Math.floor((timeoutSeconds * 1000) / 20)));
}

export function heartbeatDeadline(nowMs: number, timeoutSeconds: number): number {
  const bucket = heartbeatBucketMs(timeoutSeconds);
  return (Math.floor(nowMs / bucket) + 1) * bucket + timeoutSeconds * 1000;
}

@Injectable()
export class IngestService {
  private readonly tokens: { digest: Buffer; integration: IntegrationConfig }[];

  constructor(
    private readonly store: EventStore,
    private readonly runtime: Runtime,
    private readonly modes: IntegrationModes,
  ) {
    this.tokens = runtime.config.integrations.map((integration) => ({ digest: sha256(integration.token), integration }));
  }

  /**
   * Finds the integration of a token that serves `kind`, comparing digests in
   * constant time and always over every integration.
   */
  integrationFor(token: string, kind: IntegrationKind): IntegrationConfig | null {
    const d = sha256(token);
    let found: IntegrationConfig | null = null;
    for (const t of this.tokens) if (timingSafeEqual(t.digest, d) && servesKind(t.integration.type, kind)) found = t.integration;
    return found;
  }

  /**
   * Validates the body for the integration's kind and appends AlertReceived to
   * the subject of its grouping key (rendered by the integration's grouping id
   * template; in maintenance mode the maintenance group's key). The
   * Nats-Msg-Id is the digest of integration and body, so a retried or
   * repeated identical body is stored once within the dedup window.
   */
  async receive(integration: IntegrationConfig, body: unknown, raw: Buffer): Promise<{ receiptId: string; result: AppendResult }> {
    const kind = integration.type;
    const payload: IntegrationPayload = isAlertmanagerKind(kind) ? alertmanagerPayloadAsStored(body) : parseWebhookPayload(kind, body);
    const now = this.runtime.clock();
    const mode = await this.modes.modeOf(integration.id, now);
    const bodySha256 = receiptBodySha256(integration.id, raw);
    const data = alertReceipt({ integration, payload, bodySha256, mode, receiptId: randomUUID(), now: now.getTime() });
    const result = await this.store.append(subjects.alertGroup(this.store.topology, data.aggregateKey), [{ type: 'AlertReceived', data }], {
      expected: ExpectedVersion.any,
      actor: { kind: 'integration', id: integration.id, name: integration.name },
      source: receiptSource(kind),
      msgId: `rcv:${bodySha256}`,
    });
    return { receiptId: result.duplicate ? 'duplicate' : data.receiptId, result };
  }

  /** Appends HeartbeatReceived with the next deadline; its durable timer raises DozorHeartbeatMissing when it passes. */
  async heartbeat(integration: IntegrationConfig & { heartbeat: { timeoutSeconds: number } }): Promise<{ dueAt: string; result: AppendResult }> {
    const now = this.runtime.clock();
    const timeoutSeconds = integration.heartbeat.timeoutSeconds;
    const dueAt = new Date(heartbeatDeadline(now.getTime(), timeoutSeconds)).toISOString();
    const timerId = heartbeatTimerId(integration.id, dueAt);
    const data: HeartbeatReceivedData = { integrationId: integration.id, receivedAt: now.toISOString(), timeoutSeconds, dueAt, timerId };
    const result = await this.store.append(subjects.heartbeat(this.store.topology, integration.id), [{ type: 'HeartbeatReceived', data }], {
      expected: ExpectedVersion.any,
      actor: { kind: 'integration', id: integration.id, name: integration.name },
      source: receiptSource(integration.type),
      msgId: timerId,
    });
    return { dueAt, result };
  }
}
