import { describe, expect, it } from 'vitest';
import { ConfigFieldError, INTEGRATION_KINDS, parseAlertmanagerPayload } from '@dozor/contracts';
import { ALERTMANAGER_DEFAULT_TEMPLATES, FORMATTED_WEBHOOK_DEFAULT_TEMPLATES, WEBHOOK_DEFAULT_TEMPLATES } from '@dozor/templates';
import {
  compileIntegrationTemplates,
  defaultIntegrationTemplates,
  heartbeatAlertPayload,
  HEARTBEAT_ALERT_NAME,
  isTruthyOutput,
  labelFingerprint,
  renderCondition,
  renderIntegrationTemplate,
  templateLabels,
} from './index.js';

describe('integration templates', () => {
  it('defaults are the exported OnCall defaults of each kind', () => {
    expect(defaultIntegrationTemplates('alertmanager')).toMatchObject({
      grouping_id: ALERTMANAGER_DEFAULT_TEMPLATES.groupingId,
      resolve_condition: ALERTMANAGER_DEFAULT_TEMPLATES.resolveCondition,
      acknowledge_condition: null,
      source_link: ALERTMANAGER_DEFAULT_TEMPLATES.sourceLink,
      title: ALERTMANAGER_DEFAULT_TEMPLATES.webTitle,
      telegram_title: ALERTMANAGER_DEFAULT_TEMPLATES.telegramTitle,
      telegram_message: ALERTMANAGER_DEFAULT_TEMPLATES.telegramMessage,
    });
    expect(defaultIntegrationTemplates('grafana_alerting')).toEqual(defaultIntegrationTemplates('alertmanager'));
    expect(defaultIntegrationTemplates('webhook')).toMatchObject({
      grouping_id: WEBHOOK_DEFAULT_TEMPLATES.groupingId,
      telegram_message: WEBHOOK_DEFAULT_TEMPLATES.telegramMessage,
    });
    expect(defaultIntegrationTemplates('formatted_webhook')).toMatchObject({
      grouping_id: FORMATTED_WEBHOOK_DEFAULT_TEMPLATES.groupingId,
      source_link: FORMATTED_WEBHOOK_DEFAULT_TEMPLATES.sourceLink,
    });
    for (const k of INTEGRATION_KINDS) expect(() => compileIntegrationTemplates(k)).not.toThrow();
  });

  it('overrides replace defaults; null disables an optional template', () => {
    const t = compileIntegrationTemplates('alertmanager', { acknowledge_condition: '{{ payload.status == "acknowledged" }}', telegram_message: null });
    expect(t.sources.acknowledge_condition).toContain('acknowledged');
    expect(t.compiled.telegram_message).toBeNull();
    expect(renderIntegrationTemplate(t, 'telegram_message', { payload: {} })).toBeNull();
  });

  it.each([
    [{ title: '{{ payload.x' }, ['templates', 'title'], /invalid Jinja2 template/],
    [{ grouping_id: '' }, ['templates', 'grouping_id'], /cannot be empty/],
    [{ resolve_condition: null }, ['templates', 'resolve_condition'], /cannot be empty/],
    [{ web_title: 'x' }, ['templates', 'web_title'], /unknown template/],
    [{ title: '{{ x | no_such_filter }}' }, ['templates', 'title'], /No filter named 'no_such_filter'/],
  ] as const)('%j fails at %j', (overrides, path, message) => {
    try {
      compileIntegrationTemplates('webhook', overrides as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigFieldError);
      expect((e as ConfigFieldError).path).toEqual(path);
      expect((e as ConfigFieldError).problem).toMatch(message);
    }
  });

  it('a failing render names its template and never throws', () => {
    const t = compileIntegrationTemplates('webhook', { title: '{{ payload.a.b.c }}', resolve_condition: '{{ payload.x.y }}' });
    expect(renderIntegrationTemplate(t, 'title', { payload: {} })).toEqual({
      ok: false,
      error: { template: 'title', message: "UndefinedError: 'dict object' has no attribute 'a'" },
    });
    expect(renderCondition(t, 'resolve_condition', { payload: {} })).toMatchObject({ value: false, error: { template: 'resolve_condition' } });
    expect(renderCondition(t, 'acknowledge_condition', { payload: {} })).toEqual({ value: false, error: null });
  });

  it('conditions are true for true, 1 or ok, trimmed and in any case', () => {
    for (const s of ['True', ' 1 ', 'OK\n', 'true']) expect(isTruthyOutput(s)).toBe(true);
    for (const s of ['False', '', 'yes', 'None']) expect(isTruthyOutput(s)).toBe(false);
  });

  it('labels: commonLabels for Alertmanager kinds, a string-only `labels` object otherwise', () => {
    expect(templateLabels('alertmanager', { commonLabels: { a: 'b' } })).toEqual({ a: 'b' });
    expect(templateLabels('webhook', { labels: { a: 'b', n: 1 } })).toEqual({ a: 'b' });
    expect(templateLabels('formatted_webhook', { labels: 'x' })).toEqual({});
  });
});

describe("the DozorHeartbeatMissing alert in each kind's format", () => {
  const input = (status: 'missed' | 'restored') => ({
    integrationId: 'am',
    integrationName: 'Alertmanager',
    status,
    dueAt: '2026-11-24T01:05:00.000Z',
    lastHeartbeatAt: '2026-11-24T01:00:00.000Z',
    restoredAt: status === 'restored' ? '2026-11-24T01:07:00.000Z' : null,
    timeoutSeconds: 300,
  });

  it.each(INTEGRATION_KINDS)('%s: same grouping id missed and restored; only restored resolves', (kind) => {
    const t = compileIntegrationTemplates(kind);
    const render = (status: 'missed' | 'restored') => {
      const payload = heartbeatAlertPayload(kind, input(status));
      const g = renderIntegrationTemplate(t, 'grouping_id', { payload });
      const r = renderCondition(t, 'resolve_condition', { payload });
      return { key: g?.ok ? g.output : null, resolves: r.value, payload };
    };
    const missed = render('missed');
    const restored = render('restored');
    expect(missed.key).toBeTruthy();
    expect(restored.key).toBe(missed.key);
    expect(missed.resolves).toBe(false);
    expect(restored.resolves).toBe(true);
    expect(JSON.stringify(missed.payload)).toContain(HEARTBEAT_ALERT_NAME);
  });

  it('the Alertmanager form is a valid Alertmanager payload with alertname=DozorHeartbeatMissing', () => {
    const p = parseAlertmanagerPayload(heartbeatAlertPayload('alertmanager', input('missed')));
    expect(p.commonLabels).toMatchObject({ alertname: HEARTBEAT_ALERT_NAME, severity: 'critical' });
    expect(p.alerts[0]).toMatchObject({ status: 'firing', startsAt: '2026-11-24T01:05:00.000Z', endsAt: '0001-01-01T00:00:00Z' });
    expect(parseAlertmanagerPayload(heartbeatAlertPayload('alertmanager', input('restored'))).alerts[0]!.endsAt).toBe('2026-11-24T01:07:00.000Z');
  });

  it('fingerprints identify the label set', () => {
    expect(labelFingerprint({ a: '1', b: '2' })).toBe(labelFingerprint({ b: '2', a: '1' }));
    expect(labelFingerprint({ a: '1' })).not.toBe(labelFingerprint({ a: '2' }));
    expect(labelFingerprint({ a: '1' })).toMatch(/^[0-9a-f]{16}$/);
  });
});
