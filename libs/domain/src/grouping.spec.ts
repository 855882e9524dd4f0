import { describe, expect, it } from 'vitest';
import { aggregateKeyOf, alertmanagerPayloadAsStored } from '@dozor/contracts';
import { alertReceipt, compileIntegrationTemplates, receiptSource } from './index.js';

const payload = alertmanagerPayloadAsStored({
  version: '4',
  groupKey: '{}:{alertname="X"}',
  status: 'firing',
  receiver: 'dozor',
  groupLabels: { alertname: 'X' },
  commonLabels: { alertname: 'X' },
  commonAnnotations: {},
  externalURL: 'http://am',
  alerts: [
    { status: 'firing', labels: { alertname: 'X' }, annotations: {}, startsAt: '2026-11-24T01:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: 'f' },
  ],
});
const integration = { id: 'am', name: 'AM', type: 'alertmanager' as const, templates: compileIntegrationTemplates('alertmanager', {}) };
const base = { integration, payload, bodySha256: 'b'.repeat(64), mode: null, receiptId: 'r-1', now: 0 };

describe('alertReceipt', () => {
  it('groups by the rendered grouping id, on the subject of its aggregate key', () => {
    const r = alertReceipt(base);
    expect(r).toMatchObject({ receiptId: 'r-1', integrationId: 'am', integrationKind: 'alertmanager', groupingKey: '{}:{alertname="X"}' });
    expect(r.aggregateKey).toBe(aggregateKeyOf('am', '{}:{alertname="X"}'));
    expect(r).not.toHaveProperty('groupingError');
    expect(r).not.toHaveProperty('mode');
  });

  it('in maintenance, every alert goes to the maintenance group', () => {
    const r = alertReceipt({ ...base, mode: { mode: 'maintenance', maintenanceId: '1-x' } });
    expect(r).toMatchObject({ groupingKey: 'maintenance:1-x', mode: { mode: 'maintenance', maintenanceId: '1-x' } });
  });

  it('a failing grouping id template groups by the body digest and records the error', () => {
    const broken = { ...integration, templates: compileIntegrationTemplates('alertmanager', { grouping_id: '{{ payload.nope.deeper }}' }) };
    const r = alertReceipt({ ...base, integration: broken });
    expect(r.groupingKey).toBe(`payload-sha256:${'b'.repeat(64)}`);
    expect(r.groupingError).toMatchObject({ template: 'grouping_id' });
  });

  it('keeps the heartbeat marker of a heartbeat alert', () => {
    expect(alertReceipt({ ...base, heartbeat: { incidentId: 'i', status: 'missed' } }).heartbeat).toEqual({ incidentId: 'i', status: 'missed' });
    expect(receiptSource('alertmanager')).toBe('alertmanager');
    expect(receiptSource('webhook')).toBe('integration');
  });
});
