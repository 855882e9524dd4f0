import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { parseAlertmanagerPayload, subjects, SYSTEM_ACTORS, type AlertReceivedData } from '@dozor/contracts';
import { aggregateKeyFromDigest } from '@dozor/domain';
import { EventStore, ExpectedVersion, type AppendResult } from '@dozor/eventstore';
import type { IntegrationConfig } from '@dozor/config';
import { Runtime } from '@dozor/platform';

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest();

@Injectable()
export class IngestService {
  private readonly tokens: { digest: Buffer; integration: IntegrationConfig }[];

  constructor(
    private readonly store: EventStore,
    runtime: Runtime,
  ) {
    this.tokens = runtime.config.integrations.map((integration) => ({ digest: sha256(integration.token), integration }));
  }

  /** Finds the integration of a token, comparing digests in constant time and always over every integration. */
  integrationFor(token: string, kind: string): IntegrationConfig | null {
    const d = sha256(token);
    let found: IntegrationConfig | null = null;
    for (const t of this.tokens) if (timingSafeEqual(t.digest, d) && t.integration.type === kind) found = t.integration;
    return found;
  }

  /**
   * Validates and appends AlertReceived to the subject of its grouping key.
   * The Nats-Msg-Id is the digest of integration and body, so a retried or
   * repeated identical body is stored once within the dedup window.
   */
  async receive(integration: IntegrationConfig, body: unknown, raw: Buffer): Promise<{ receiptId: string; result: AppendResult }> {
    const payload = parseAlertmanagerPayload(body);
    const groupingKey = payload.groupKey;
    const aggregateKey = aggregateKeyFromDigest(sha256(`${integration.id}\n${groupingKey}`));
    const bodySha256 = createHash('sha256').update(integration.id).update('\n').update(raw).digest('hex');
    const receiptId = randomUUID();
    const data: AlertReceivedData = { receiptId, integrationId: integration.id, integrationKind: 'alertmanager', groupingKey, aggregateKey, bodySha256, payload };
    const result = await this.store.append(subjects.alertGroup(this.store.topology, aggregateKey), [{ type: 'AlertReceived', data }], {
      expected: ExpectedVersion.any,
      actor: { kind: 'integration', id: integration.id, name: integration.name },
      source: 'alertmanager',
      msgId: `rcv:${bodySha256}`,
    });
    void SYSTEM_ACTORS;
    return { receiptId: result.duplicate ? 'duplicate' : receiptId, result };
  }
}
