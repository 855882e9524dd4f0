import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  alertmanagerPayloadAsStored,
  isAlertmanagerKind,
  parseWebhookPayload,
  subjects,
  type AlertReceivedData,
  type HeartbeatReceivedData,
  type IntegrationKind,
  type IntegrationPayload,
  type Source,
  type TemplateErrorRecord,
} from '@dozor/contracts';
import {
  aggregateKeyFromDigest,
  fallbackGroupingKey,
  heartbeatTimerId,
  maintenanceGroupingKey,
  renderIntegrationTemplate,
  templateLabels,
} from '@dozor/domain';
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
    const bodySha256 = createHash('sha256').update(integration.id).update('\n').update(raw).digest('hex');
    let groupingKey: string;
    let groupingError: TemplateErrorRecord | null = null;
    if (mode?.mode === 'maintenance') {
      groupingKey = maintenanceGroupingKey(mode.maintenanceId);
    } else {
      const r = renderIntegrationTemplate(
        integration.templates,
        'grouping_id',
        { payload, labels: templateLabels(kind, payload), integrationName: integration.name },
        { now: now.getTime() },
      );
      if (r?.ok) groupingKey = r.output;
      else {
        // A template that fails never loses the alert: it is grouped by its body's digest and the error is recorded.
        groupingKey = fallbackGroupingKey(bodySha256);
        groupingError = r ? r.error : { template: 'grouping_id', message: 'no grouping id template' };
      }
    }
    const aggregateKey = aggregateKeyFromDigest(sha256(`${integration.id}\n${groupingKey}`));
    const receiptId = randomUUID();
    const data: AlertReceivedData = {
      receiptId,
      integrationId: integration.id,
      integrationKind: kind,
      groupingKey,
      aggregateKey,
      bodySha256,
      payload,
      ...(groupingError ? { groupingError } : {}),
      ...(mode ? { mode: { mode: mode.mode, maintenanceId: mode.maintenanceId } } : {}),
    };
    const result = await this.store.append(subjects.alertGroup(this.store.topology, aggregateKey), [{ type: 'AlertReceived', data }], {
      expected: ExpectedVersion.any,
      actor: { kind: 'integration', id: integration.id, name: integration.name },
      source: sourceOf(kind),
      msgId: `rcv:${bodySha256}`,
    });
    return { receiptId: result.duplicate ? 'duplicate' : receiptId, result };
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
      source: sourceOf(integration.type),
      msgId: timerId,
    });
    return { dueAt, result };
  }
}

function sourceOf(kind: IntegrationKind): Source {
  return isAlertmanagerKind(kind) ? 'alertmanager' : 'integration';
}
