import {
  aggregateKeyOf,
  isAlertmanagerKind,
  type AlertReceivedData,
  type IntegrationKind,
  type IntegrationMode,
  type IntegrationPayload,
  type Source,
  type TemplateErrorRecord,
} from '@dozor/contracts';
import { fallbackGroupingKey, maintenanceGroupingKey, renderIntegrationTemplate, templateLabels, type IntegrationTemplates } from './integration/index.js';

/** What a receipt needs of its integration. */
export interface ReceiptIntegration {
  id: string;
  name: string;
  type: IntegrationKind;
  templates: IntegrationTemplates;
}

export interface AlertReceiptInput {
  integration: ReceiptIntegration;
  payload: IntegrationPayload;
  /** `receiptBodySha256` of the body as received (ingest) or as made (heartbeat alerts). */
  bodySha256: string;
  /** The integration's mode when the payload arrived; maintenance moves it to the maintenance group's grouping key. */
  mode: { mode: IntegrationMode; maintenanceId: string } | null;
  receiptId: string;
  /** For `time()` in the grouping id template, epoch milliseconds. */
  now: number;
  heartbeat?: AlertReceivedData['heartbeat'];
}

/**
 * The AlertReceived of a payload, for ingest and for Dozor's own heartbeat
 * alerts alike: the grouping key is the integration's grouping id template
 * rendered over the payload (in maintenance mode, the maintenance group's key),
 * and a template that fails never loses the alert: it is grouped by the body's
 * digest and the error is recorded. The aggregate key names its subject.
 */
export function alertReceipt(input: AlertReceiptInput): AlertReceivedData {
  const { integration, payload, bodySha256, mode } = input;
  let groupingKey: string;
  let groupingError: TemplateErrorRecord | null = null;
  if (mode?.mode === 'maintenance') groupingKey = maintenanceGroupingKey(mode.maintenanceId);
  else {
    const r = renderIntegrationTemplate(
      integration.templates,
      'grouping_id',
      { payload, labels: templateLabels(integration.type, payload), integrationName: integration.name },
      { now: input.now },
    );
    if (r?.ok) groupingKey = r.output;
    else {
      groupingKey = fallbackGroupingKey(bodySha256);
      groupingError = r ? r.error : { template: 'grouping_id', message: 'no grouping id template' };
    }
  }
  return {
    receiptId: input.receiptId,
    integrationId: integration.id,
    integrationKind: integration.type,
    groupingKey,
    aggregateKey: aggregateKeyOf(integration.id, groupingKey),
    bodySha256,
    payload,
    ...(input.heartbeat ? { heartbeat: input.heartbeat } : {}),
    ...(groupingError ? { groupingError } : {}),
    ...(mode ? { mode: { mode: mode.mode, maintenanceId: mode.maintenanceId } } : {}),
  };
}

/** The envelope source of what an integration sends. */
export function receiptSource(kind: IntegrationKind): Source {
  return isAlertmanagerKind(kind) ? 'alertmanager' : 'integration';
}
