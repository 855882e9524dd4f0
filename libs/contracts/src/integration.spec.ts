import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { alertmanagerPayloadAsStored, checkJsonDepth, parseAlertmanagerPayload, PayloadError } from './alertmanager.js';
import { alertmanagerPayloadOf, parseWebhookPayload, PAYLOAD_LIMITS } from './integration.js';

const fixture = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../../test/fixtures/alertmanager/${name}`, import.meta.url)), 'utf8'));

function problem(f: () => unknown): PayloadError {
  try {
    f();
  } catch (e) {
    if (e instanceof PayloadError) return e;
    throw e;
  }
  throw new Error('expected a PayloadError');
}

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

describe('payloads as stored', () => {
  it("keeps unknown fields (Grafana Alerting's numFiring) with the validated fields over them, per level", () => {
    const raw = { ...fixture('firing-two-alerts.json'), numFiring: 2, numResolved: 0, orgId: 1 };
    raw.alerts[0].valueString = "[ var='A' value=1 ]";
    delete raw.truncatedAlerts;
    const p = alertmanagerPayloadAsStored(raw);
    expect(p).toMatchObject({ numFiring: 2, numResolved: 0, orgId: 1, truncatedAlerts: 0, version: '4' });
    expect(p.alerts[0]).toMatchObject({ valueString: "[ var='A' value=1 ]", status: 'firing' });
    expect(parseAlertmanagerPayload(p)).toEqual(parseAlertmanagerPayload(raw));
  });

  it('typed view only for Alertmanager kinds', () => {
    const p = { a: 1 };
    expect(alertmanagerPayloadOf('webhook', p)).toBeNull();
    expect(alertmanagerPayloadOf('grafana_alerting', p)).toBe(p);
    expect(alertmanagerPayloadOf(undefined, p)).toBe(p);
  });
});

describe('payload limits: a clear 400', () => {
  it(`nesting deeper than ${PAYLOAD_LIMITS.maxDepth} levels, without recursion`, () => {
    expect(() => checkJsonDepth(nested(64))).not.toThrow();
    expect(problem(() => checkJsonDepth(nested(65))).message).toBe('body: JSON is nested deeper than 64 levels');
    expect(problem(() => checkJsonDepth(nested(200_000))).field).toBe('body');
    expect(problem(() => parseWebhookPayload('webhook', { x: nested(100) })).message).toMatch(/nested deeper than 64/);
    expect(problem(() => parseAlertmanagerPayload({ ...fixture('firing-single.json'), extra: nested(100) })).message).toMatch(/nested deeper than 64/);
  });

  it(`more than ${PAYLOAD_LIMITS.maxLabels} labels in a set`, () => {
    const f = fixture('firing-single.json');
    const labels = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`l${i}`, 'v']));
    const e = problem(() => parseAlertmanagerPayload({ ...f, alerts: [{ ...f.alerts[0], labels }] }));
    expect(e.message).toBe('alerts[0].labels: has 1001 entries, at most 1000 are accepted');
    expect(problem(() => parseAlertmanagerPayload({ ...f, commonLabels: labels })).field).toBe('commonLabels');
  });

  it('a label value over 64 KiB', () => {
    const f = fixture('firing-single.json');
    const e = problem(() => parseAlertmanagerPayload({ ...f, commonAnnotations: { description: 'x'.repeat(64 * 1024 + 1) } }));
    expect(e.message).toBe('commonAnnotations.description: has 65537 characters, at most 65536 are accepted');
  });
});

describe('webhook payloads', () => {
  it('any JSON object for webhook; not an array or a string', () => {
    expect(parseWebhookPayload('webhook', { anything: [1, { b: null }] })).toEqual({ anything: [1, { b: null }] });
    expect(problem(() => parseWebhookPayload('webhook', [1])).message).toBe('body: must be a JSON object, got array');
  });

  it("formatted_webhook's fields are strings (alert_uid may be a number) or null", () => {
    expect(() => parseWebhookPayload('formatted_webhook', { alert_uid: 7, title: 't', message: null, state: 'ok' })).not.toThrow();
    expect(problem(() => parseWebhookPayload('formatted_webhook', { title: { nested: true } })).message).toBe('title: must be a string, got object');
    expect(problem(() => parseWebhookPayload('formatted_webhook', { state: 1 })).field).toBe('state');
  });
});
