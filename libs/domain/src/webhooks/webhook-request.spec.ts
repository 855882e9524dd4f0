import { describe, expect, it } from 'vitest';
import { compileTemplate } from '@dozor/templates';
import type { GroupGeneration } from '../alert-group/alert-group.state.js';
import { buildWebhookContext } from './webhook.context.js';
import { checkTrigger, planRequest, redactUrl } from './webhook-request.js';
import { firesOn, webhooksFor } from './webhook-triggers.js';
import { retryAfter, WEBHOOK_MAX_ATTEMPTS } from './webhook-retry.js';
import { planAlertmanagerSilence, silenceGone, silenceIdOf, FOREVER_SILENCE_DAYS } from './alertmanager-silence.js';
import type { WebhookDef } from './webhook.types.js';

const NOW = Date.parse('2026-12-03T08:00:00.000Z');
const t = (s: string) => compileTemplate(s, 'spec');
const webhook = (over: Partial<WebhookDef> = {}): WebhookDef => ({
  id: 'ticket',
  name: 'Ticket',
  url: t('https://hooks.example/{{ alert_group_id }}'),
  httpMethod: 'POST',
  triggerType: 'escalation_step',
  integrationFilter: [],
  headers: null,
  data: null,
  forwardWholePayload: true,
  authorizationHeader: null,
  triggerTemplate: null,
  isWebhookEnabled: true,
  preset: null,
  ...over,
});
const group: GroupGeneration = {
  alertGroupId: 'abcdefghijklmnopqrst-1',
  generation: 1,
  integrationId: 'am',
  routeId: 'default',
  escalationChainId: 'chain',
  title: 'Disk "full" on db-1',
  severity: 'critical',
  groupLabels: { alertname: 'DiskFull', cluster: 'eu' },
  commonLabels: { alertname: 'DiskFull', cluster: 'eu', severity: 'critical' },
  commonAnnotations: {},
  sourceLink: null,
  integrationKind: 'alertmanager',
  mode: null,
  truncatedAlerts: 0,
  createdAt: '2026-12-03T07:59:00.000Z',
  alertsCount: 1,
  acknowledged: false,
  acknowledgedBy: null,
  resolved: false,
  resolvedBy: null,
  silencedUntil: null,
  silencedBy: null,
};
const ctx = (over: Partial<Parameters<typeof buildWebhookContext>[1]> = {}) =>
  buildWebhookContext(webhook(), {
    trigger: 'acknowledge',
    eventTime: '2026-12-03T08:00:00.000Z',
    group,
    alertPayload: { status: 'firing', commonLabels: group.commonLabels, message: 'line 1\n"quoted"' },
    acknowledgedAt: '2026-12-03T08:00:00.000Z',
    resolvedAt: null,
    silencedAt: null,
    integration: { id: 'am', type: 'alertmanager', name: 'Alertmanager' },
    user: { id: 'alice', username: 'alice', email: null },
    acknowledgedBy: null,
    resolvedBy: null,
    notifiedUsers: [],
    responses: { other: { id: 42 } },
    webLink: 'http://dozor/alert-groups/abcdefghijklmnopqrst-1',
    ...over,
  });

describe('the template context', () => {
  it("has OnCall's variables", () => {
    const c = ctx();
    expect(Object.keys(c).sort()).toEqual(
      [
        'alert_group',
        'alert_group_acknowledged_by',
        'alert_group_id',
        'alert_group_resolved_by',
        'alert_payload',
        'event',
        'integration',
        'notified_users',
        'responses',
        'user',
        'users_to_be_notified',
        'webhook',
      ].sort(),
    );
    expect(c.event).toEqual({ type: 'acknowledge', time: '2026-12-03T08:00:00.000Z' });
    expect(c.alert_group).toMatchObject({
      id: group.alertGroupId,
      state: 'new',
      acknowledged_at: '2026-12-03T08:00:00.000Z',
      labels: { severity: 'critical' },
    });
  });
});

describe('planRequest', () => {
  it('forwards the whole context as JSON by default', () => {
    const r = planRequest(webhook(), ctx(), null, NOW);
    expect(r).toMatchObject({
      ok: true,
      plan: { method: 'POST', url: 'https://hooks.example/abcdefghijklmnopqrst-1', headers: { 'Content-Type': 'application/json' } },
    });
    if (r.ok) expect(JSON.parse(r.plan.body!).alert_payload.message).toBe('line 1\n"quoted"');
  });

  it('renders data with strings escaped for JSON, headers, and the Authorization header', () => {
    const w = webhook({
      forwardWholePayload: false,
      data: t('{"text": "{{ alert_payload.message }}", "by": "{{ user.username }}", "prev": {{ responses.other.id }}}'),
      headers: t('{"X-Group": "{{ alert_group.id }}"}'),
    });
    const r = planRequest(w, ctx(), 'Bearer s3cret', NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(JSON.parse(r.plan.body!)).toEqual({ text: 'line 1\n"quoted"', by: 'alice', prev: 42 });
    expect(r.plan.headers).toEqual({ 'X-Group': group.alertGroupId, Authorization: 'Bearer s3cret', 'Content-Type': 'application/json' });
  });

  it('sends no body for GET', () => {
    expect(planRequest(webhook({ httpMethod: 'GET' }), ctx(), null, NOW)).toMatchObject({ ok: true, plan: { body: null } });
  });

  it("names what failed in OnCall's words", () => {
    expect(planRequest(webhook({ url: t('ftp://x/') }), ctx(), null, NOW)).toEqual({ ok: false, error: 'URL - Malformed url' });
    expect(planRequest(webhook({ headers: t('not json') }), ctx(), null, NOW)).toEqual({ ok: false, error: 'Headers - Template did not result in json/dict' });
    expect(planRequest(webhook({ forwardWholePayload: false, data: t('{{ 1 / 0 }}') }), ctx(), null, NOW)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Data - /),
    });
  });

  it('redacts credentials and queries from URLs shown in the timeline', () => {
    expect(redactUrl('https://user:pw@hooks.example/p?token=x')).toBe('https://hooks.example/p?…');
  });
});

describe('trigger_template and trigger matching', () => {
  it('fires on true or 1, not otherwise', () => {
    const w = (s: string) => webhook({ triggerTemplate: t(s) });
    expect(checkTrigger(w('{{ alert_payload.commonLabels.severity == "critical" }}'), ctx(), NOW)).toEqual({ fire: true });
    expect(checkTrigger(w(' 1 '), ctx(), NOW)).toEqual({ fire: true });
    expect(checkTrigger(w('{{ alert_payload.commonLabels.severity == "warning" }}'), ctx(), NOW)).toEqual({ fire: false });
    expect(checkTrigger(w('{{ nope( }}'), ctx(), NOW)).toMatchObject({ error: expect.stringMatching(/^Trigger - /) });
  });

  it('status change fires on every status trigger; integration_filter narrows', () => {
    const sc = webhook({ triggerType: 'status_change' });
    expect(['acknowledge', 'resolve', 'silence', 'unsilence', 'unresolve', 'unacknowledge'].every((x) => firesOn(sc, x as never))).toBe(true);
    expect(firesOn(sc, 'alert_group_created')).toBe(false);
    const hooks = [
      sc,
      webhook({ id: 'other', triggerType: 'resolve', integrationFilter: ['other-integration'] }),
      webhook({ id: 'off', triggerType: 'resolve', isWebhookEnabled: false }),
    ];
    expect(webhooksFor(hooks, 'resolve', 'am').map((w) => w.id)).toEqual(['ticket']);
    expect(webhooksFor(hooks, 'escalation_step', 'am')).toEqual([]);
  });
});

describe('retries', () => {
  it('retries 5xx and network errors with backoff, three times', () => {
    expect(retryAfter(1, { kind: 'response', status: 503 })).toBe(1000);
    expect(retryAfter(2, { kind: 'network' })).toBe(2000);
    expect(retryAfter(3, { kind: 'response', status: 500 })).toBe(4000);
    expect(retryAfter(WEBHOOK_MAX_ATTEMPTS, { kind: 'response', status: 500 })).toBeNull();
  });
  it('does not retry 4xx, refused targets or template errors', () => {
    expect(retryAfter(1, { kind: 'response', status: 429 })).toBeNull();
    expect(retryAfter(1, { kind: 'refused' })).toBeNull();
    expect(retryAfter(1, { kind: 'invalid' })).toBeNull();
  });
});

describe('the Alertmanager silence preset', () => {
  const base = { url: 'http://am:9093/', headers: {}, now: new Date(NOW), webLink: null, activeSilenceId: null };
  it('creates a silence over the group labels until the silence ends', () => {
    const p = planAlertmanagerSilence({ ...base, trigger: 'silence', group: { ...group, silencedUntil: '2026-12-03T09:00:00.000Z' } });
    expect(p.kind).toBe('create');
    if (p.kind !== 'create') return;
    expect(p.plan.url).toBe('http://am:9093/api/v2/silences');
    expect(JSON.parse(p.plan.body!)).toMatchObject({
      matchers: [
        { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
        { name: 'cluster', value: 'eu', isRegex: false, isEqual: true },
      ],
      endsAt: '2026-12-03T09:00:00.000Z',
      createdBy: 'dozor',
      comment: expect.stringContaining(group.alertGroupId),
    });
  });
  it('gives a forever silence a far end', () => {
    const p = planAlertmanagerSilence({ ...base, trigger: 'silence', group: { ...group, silencedUntil: 'forever' } });
    expect(p.kind === 'create' && p.endsAt).toBe(new Date(NOW + FOREVER_SILENCE_DAYS * 86_400_000).toISOString());
  });
  it('deletes the active silence on unsilence and resolve, and does nothing without one', () => {
    expect(planAlertmanagerSilence({ ...base, trigger: 'unsilence', group, activeSilenceId: 'abc' })).toMatchObject({
      kind: 'delete',
      plan: { method: 'DELETE', url: 'http://am:9093/api/v2/silence/abc' },
    });
    expect(planAlertmanagerSilence({ ...base, trigger: 'resolve', group })).toEqual({ kind: 'none', reason: null });
  });
  it('cannot silence a group without group labels', () => {
    expect(planAlertmanagerSilence({ ...base, trigger: 'silence', group: { ...group, groupLabels: {}, silencedUntil: 'forever' } })).toMatchObject({
      kind: 'none',
      reason: expect.any(String),
    });
  });
  it('reads the silence id of the answer', () => {
    expect(silenceIdOf('{"silenceID":"7d3c"}')).toBe('7d3c');
    expect(silenceIdOf('oops')).toBeNull();
  });
  it('counts a silence Alertmanager does not know as deleted', () => {
    expect(silenceGone(500, '"silence not found"')).toBe(true);
    expect(silenceGone(404, '')).toBe(true);
    expect(silenceGone(500, 'internal error')).toBe(false);
  });
});
