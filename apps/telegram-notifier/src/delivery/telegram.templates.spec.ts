import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseConfig } from '@dozor/config';
import { parseTelegramHtml, fixturesDir } from '@dozor/testing';
import { renderGroupMessage } from '../telegram/render.js';
import { renderTelegramTemplates } from './telegram.templates.js';
import { viewOf } from './group-view.js';
import { evolveNotifierGroup, type NotifierGroupState } from './notification.handler.js';
import { initialState, type AlertGroupAggregate } from '@dozor/domain';
import { SYSTEM_ACTORS, type DozorEvent, type NewEvent } from '@dozor/contracts';

const fixture = (name: string) => JSON.parse(readFileSync(`${fixturesDir()}/${name}`, 'utf8'));
const config = (extra = '') =>
  parseConfig(
    `integrations:
  - id: am
    name: Prod <Alertmanager>
    type: alertmanager
    token: token-12345
${extra}`,
    'dozor.yaml',
    {},
  );
const group = { alertGroupId: 'abcdefghijklmnopqrst-1', sourceLink: 'http://vm:19093/?a=1&b=2' };
const opts = { publicUrl: 'http://dozor.example', now: Date.parse('2026-11-24T01:00:00Z') };

describe('telegram_title and telegram_message', () => {
  it('the Alertmanager defaults render valid Telegram HTML with the source link', () => {
    const r = renderTelegramTemplates(config().integrations[0]!, group, fixture('firing-job-instance.json'), opts);
    expect(r.errors).toEqual([]);
    expect(r.title).toBe('LabToggleTest (capture, critical)');
    expect(r.messageHtml).toContain("<a href='http://vm:19093/?a=1&amp;b=2'>View in AlertManager</a>");
    expect(parseTelegramHtml(r.messageHtml!).ok).toBe(true);
  });

  it('escapes payload values, so a label cannot add markup', () => {
    const p = fixture('firing-single.json');
    p.commonLabels.team = '<b>ops</b> & "db"';
    p.commonAnnotations.runbook_url = "x' onclick='y";
    const r = renderTelegramTemplates(config().integrations[0]!, group, p, opts);
    expect(r.messageHtml).toContain('- team: &lt;b&gt;ops&lt;/b&gt; &amp; &quot;db&quot;');
    expect(r.messageHtml).toContain("<a href='x&#39; onclick=&#39;y'>");
    expect(parseTelegramHtml(r.messageHtml!).ok).toBe(true);
  });

  it('a template that writes invalid Telegram HTML is shown as text instead of failing the send', () => {
    const c = config(`    templates:\n      telegram_message: '<div>{{ payload.status }}</div>'\n`);
    const r = renderTelegramTemplates(c.integrations[0]!, group, fixture('firing-single.json'), opts);
    expect(r.messageHtml).toBe('&lt;div&gt;firing&lt;/div&gt;');
  });

  it('emoji shortcodes in the title and the message become emoji, as in OnCall', () => {
    const c = config(
      `    templates:\n      telegram_title: ':fire: {{ payload.status }}'\n      telegram_message: '<b>:rotating_light:</b> :no_such_emoji:'\n`,
    );
    const r = renderTelegramTemplates(c.integrations[0]!, group, fixture('firing-single.json'), opts);
    expect(r.title).toBe('🔥 firing');
    expect(r.messageHtml).toBe('<b>🚨</b> :no_such_emoji:');
  });

  it('a failing template is reported and the message falls back to the built-in layout', () => {
    const c = config(`    templates:\n      telegram_message: '{{ payload.nope.deeper }}'\n      telegram_title: '{{ "x" * 10000 }}'\n`);
    const r = renderTelegramTemplates(c.integrations[0]!, group, fixture('firing-single.json'), opts);
    expect(r.errors).toEqual([{ template: 'telegram_message', message: "UndefinedError: 'dict object' has no attribute 'nope'" }]);
    expect(r.messageHtml).toBeNull();
    expect(r.title).toBe(`${'x'.repeat(500)}..`);
  });

  it('the notifier renders them once, from the first alert of the group, and the message shows them with truncatedAlerts', () => {
    const c = config();
    const runtime = { config: c, settings: { publicUrl: 'http://dozor.example' } } as never;
    const payload = fixture('firing-truncated.json');
    const ev = (e: NewEvent): DozorEvent =>
      ({
        ...e,
        schemaVersion: 1,
        metadata: {
          eventId: 'e',
          occurredAt: '2026-11-24T01:00:00Z',
          actor: SYSTEM_ACTORS.router,
          source: 'system',
          causationId: null,
          correlationId: 'c',
          traceparent: null,
        },
      }) as DozorEvent;
    const id = group.alertGroupId;
    const created = ev({
      type: 'AlertGroupCreated',
      data: {
        alertGroupId: id,
        aggregateKey: 'abcdefghijklmnopqrst',
        integrationId: 'am',
        groupingKey: 'g',
        routeId: 'default',
        escalationChainId: null,
        title: 't',
        severity: 'info',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        sourceLink: 'http://vm:19093',
      },
    });
    const added = (n: number, p: unknown) =>
      ev({
        type: 'AlertAdded',
        data: {
          alertGroupId: id,
          receiptId: `r${n}`,
          alert: { alertId: `r${n}`, status: 'firing', firing: [], resolved: [], title: 't', receivedAt: '2026-11-24T01:00:00Z' },
          payload: p as never,
        },
      });
    let s: NotifierGroupState = { agg: initialState() as AlertGroupAggregate, telegram: null };
    for (const e of [created, added(1, payload), added(2, { ...payload, commonLabels: { alertname: 'Other' } })]) s = evolveNotifierGroup(s, e, runtime);
    expect(s.telegram?.rendered.title).toBe('ManySeriesTest (info)');
    const view = viewOf(s.agg, id, c, s.telegram)!;
    const text = parseTelegramHtml(renderGroupMessage(view, { callbackSecret: 'k' }).text);
    expect(text.ok).toBe(true);
    if (!text.ok) return;
    expect(text.text).toContain('ManySeriesTest (info)');
    expect(text.text).toContain('Alerts: 2 (+2 left out by Alertmanager)');
    expect(text.text).toContain('View in AlertManager');
    expect(text.text).toContain('alertname: ManySeriesTest');
  });
});
