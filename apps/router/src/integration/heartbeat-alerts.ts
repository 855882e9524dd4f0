import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { subjects, SYSTEM_ACTORS, isAlertmanagerKind, type AlertReceivedData, type HeartbeatReceivedData, type TemplateErrorRecord } from '@dozor/contracts';
import {
  activeMaintenance,
  aggregateKeyFromDigest,
  fallbackGroupingKey,
  heartbeatAlertPayload,
  maintenanceGroupingKey,
  renderIntegrationTemplate,
  templateLabels,
  type HeartbeatIncident,
  type IntegrationAggregate,
} from '@dozor/domain';
import { EventStore, ExpectedVersion } from '@dozor/eventstore';
import type { IntegrationConfig } from '@dozor/config';
import { Runtime } from '@dozor/platform';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

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
    const bodySha256 = createHash('sha256').update(integration.id).update('\n').update(JSON.stringify(payload)).digest('hex');
    let groupingKey: string;
    let groupingError: TemplateErrorRecord | null = null;
    if (mode?.mode === 'maintenance') groupingKey = maintenanceGroupingKey(mode.maintenanceId);
    else {
      const r = renderIntegrationTemplate(
        integration.templates,
        'grouping_id',
        { payload, labels: templateLabels(kind, payload), integrationName: integration.name },
        { now: now.getTime() },
      );
      if (r?.ok) groupingKey = r.output;
      else {
        groupingKey = fallbackGroupingKey(bodySha256);
        groupingError = r ? r.error : null;
      }
    }
    const aggregateKey = aggregateKeyFromDigest(sha256(`${integration.id}\n${groupingKey}`));
    const data: AlertReceivedData = {
      receiptId: randomUUID(),
      integrationId: integration.id,
      integrationKind: kind,
      groupingKey,
      aggregateKey,
      bodySha256,
      payload,
      heartbeat: { incidentId: incident.incidentId, status },
      ...(groupingError ? { groupingError } : {}),
      ...(mode ? { mode: { mode: mode.mode, maintenanceId: mode.maintenanceId } } : {}),
    };
    await this.store.append(subjects.alertGroup(this.runtime.settings.topology, aggregateKey), [{ type: 'AlertReceived', data }], {
      expected: ExpectedVersion.any,
      actor: { kind: 'system', id: SYSTEM_ACTORS.router.id, name: `heartbeat of ${integration.name}` },
      source: isAlertmanagerKind(kind) ? 'alertmanager' : 'integration',
      causation,
      msgId: `hbalert:${integration.id}:${incident.incidentId}:${status}`,
    });
  }
}
