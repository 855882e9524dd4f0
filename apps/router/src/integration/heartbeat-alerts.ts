import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { receiptBodySha256, subjects, SYSTEM_ACTORS, type HeartbeatReceivedData } from '@dozor/contracts';
import { activeMaintenance, alertReceipt, heartbeatAlertPayload, receiptSource, type HeartbeatIncident, type IntegrationAggregate } from '@dozor/domain';
import { EventStore, ExpectedVersion } from '@dozor/eventstore';
import type { IntegrationConfig } from '@dozor/config';
import { Runtime } from '@dozor/platform';

/**
 * Raises and resolves the DozorHeartbeatMissing alert: an AlertReceived in the
 * integration's own format, appended to the alert-group subject its grouping
 * id renders to, so it is grouped, routed and escalated like any alert. The
 * Nats-Msg-Id names the incident and status, so a redelivered commit appends
 * nothing new.
 */
@Injectable()
export class HeartbeatAlerts {
  constructor(
    private readonly store: EventStore,
    private readonly runtime: Runtime,
  ) {}

  /** The last heartbeat of an integration: the last commit on its heartbeat subject. */
  async lastHeartbeat(integrationId: string): Promise<HeartbeatReceivedData | null> {
    const subject = subjects.heartbeat(this.runtime.settings.topology, integrationId);
    const seq = await this.store.lastSeqOf(subject);
    if (seq === 0) return null;
    const [commit] = await this.store.readSubject(subject, seq - 1);
    const e = commit?.events.findLast((x) => x.type === 'HeartbeatReceived');
    return e && e.type === 'HeartbeatReceived' ? e.data : null;
  }

  async raise(
    integration: IntegrationConfig,
    incident: HeartbeatIncident,
    status: 'missed' | 'restored',
    state: IntegrationAggregate,
    causation: { eventId: string; correlationId: string },
  ): Promise<void> {
    const kind = integration.type;
    const payload = heartbeatAlertPayload(kind, {
      integrationId: integration.id,
      integrationName: integration.name,
      status,
      dueAt: incident.dueAt,
      lastHeartbeatAt: incident.lastHeartbeatAt,
      restoredAt: incident.restoredAt,
      timeoutSeconds: integration.heartbeat?.timeoutSeconds ?? 0,
    });
    const now = this.runtime.clock();
    const mode = activeMaintenance(state, now.toISOString());
    const data = alertReceipt({
      integration,
      payload,
      bodySha256: receiptBodySha256(integration.id, JSON.stringify(payload)),
      mode,
      receiptId: randomUUID(),
      now: now.getTime(),
      heartbeat: { incidentId: incident.incidentId, status },
    });
    await this.store.append(subjects.alertGroup(this.runtime.settings.topology, data.aggregateKey), [{ type: 'AlertReceived', data }], {
      expected: ExpectedVersion.any,
      actor: { ...SYSTEM_ACTORS.router, name: `heartbeat of ${integration.name}` },
      source: receiptSource(kind),
      causation,
      msgId: `hbalert:${integration.id}:${incident.incidentId}:${status}`,
    });
  }
}
