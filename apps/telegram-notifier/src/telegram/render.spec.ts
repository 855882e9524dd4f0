import { describe, expect, it } from 'vitest';
import type { AlertGroupState } from '@dozor/contracts';
import { parseTelegramHtml } from '@dozor/testing';
import { verifyCallback } from './callback-data.js';
import { BUTTON_LABELS, escapeHtml, renderGroupMessage, truncateHtml, type GroupView } from './render.js';

const SECRET = 'render-secret';
const base: GroupView = {
  alertGroupId: 'abcdefghijklmnopqrst-3',
  title: 'AlwaysFiringTest critical',
  severity: 'critical',
  state: 'firing',
  alertsCount: 2,
  labels: { severity: 'critical', alertname: 'AlwaysFiringTest' },
  summary: 'Always firing test alert',
  description: 'This alert always fires; it exists to test the Alertmanager -> webhook -> Telegram escalation path.',
  sourceLink: 'http://vm:19090/graph?g0.expr=vector%281%29&g0.tab=1',
  integrationName: 'Alertmanager <prod>',
};

function render(view: Partial<GroupView> = {}) {
  return renderGroupMessage({ ...base, ...view }, { callbackSecret: SECRET });
}

/** The text Telegram shows, parsed the way the Bot API parses it. */
function visible(html: string): string {
  const r = parseTelegramHtml(html);
  if (!r.ok) throw new Error(r.error);
  return r.text;
}

function labels(view: Partial<GroupView>): string[][] {
  return render(view).reply_markup.inline_keyboard.map((row) => row.map((b) => b.text));
}

describe('renderGroupMessage', () => {
  it('shows title, status, severity, count, integration, annotations and labels, escaped', () => {
    const m = render();
    expect(m.parse_mode).toBe('HTML');
    expect(visible(m.text)).toBe(
      [
        '🔴 AlwaysFiringTest critical',
        'Status: Firing',
        'Severity: critical',
        'Alerts: 2',
        'Integration: Alertmanager <prod> · source',
        '',
        'Summary: Always firing test alert',
        '',
        'Description: This alert always fires; it exists to test the Alertmanager -> webhook -> Telegram escalation path.',
        '',
        'Labels:',
        'alertname: AlwaysFiringTest',
        'severity: critical',
      ].join('\n'),
    );
    expect(m.text).toContain('Alertmanager -&gt; webhook');
    expect(m.text).toContain('<a href="http://vm:19090/graph?g0.expr=vector%281%29&amp;g0.tab=1">source</a>');
    expect(parseTelegramHtml(m.text)).toMatchObject({
      ok: true,
      entities: expect.arrayContaining([{ type: 'text_link', offset: expect.any(Number), length: 6, url: base.sourceLink }]),
    });
  });

  it.each<[Partial<GroupView>, string]>([
    [{ state: 'firing' }, 'Status: Firing'],
    [{ state: 'acknowledged', acknowledgedBy: 'alice' }, 'Status: Acknowledged by alice'],
    [{ state: 'acknowledged' }, 'Status: Acknowledged'],
    [{ state: 'resolved' }, 'Status: Resolved'],
    [{ state: 'resolved', resolvedBy: 'bob <ops>' }, 'Status: Resolved by bob <ops>'],
    [{ state: 'silenced', silencedUntil: '2026-11-24T04:55:49.960Z' }, 'Status: Silenced until 2026-11-24 04:55 UTC'],
    [{ state: 'silenced', silencedUntil: 'forever' }, 'Status: Silenced forever'],
  ])('status line for %j', (view, line) => {
    expect(visible(render(view).text).split('\n')).toContain(line);
  });

  it('notes alerts Alertmanager left out and skips what is missing', () => {
    const text = visible(
      render({ truncatedAlerts: 2, severity: null, summary: undefined, description: undefined, sourceLink: 'javascript:alert(1)', labels: {} }).text,
    );
    expect(text).toContain('Alerts: 2 (+2 left out by Alertmanager)');
    expect(text).not.toMatch(/Severity|Summary|Description|Labels|source/);
  });

  it.each<[AlertGroupState, string[][]]>([
    [
      'firing',
      [
        [BUTTON_LABELS.acknowledge, BUTTON_LABELS.resolve],
        [BUTTON_LABELS.silence1h, BUTTON_LABELS.silence4h, BUTTON_LABELS.silenceForever],
      ],
    ],
    [
      'acknowledged',
      [
        [BUTTON_LABELS.unacknowledge, BUTTON_LABELS.resolve],
        [BUTTON_LABELS.silence1h, BUTTON_LABELS.silence4h, BUTTON_LABELS.silenceForever],
      ],
    ],
    ['silenced', [[BUTTON_LABELS.acknowledge, BUTTON_LABELS.resolve], [BUTTON_LABELS.unsilence]]],
    ['resolved', [[BUTTON_LABELS.unresolve]]],
  ])('buttons when %s', (state, expected) => {
    expect(labels({ state })).toEqual(expected);
  });

  it('labels start with the action words after an optional emoji', () => {
    const words = /^(?:\S+ )?(Acknowledge|Unacknowledge|Resolve|Unresolve|Silence 1h|Silence 4h|Silence forever|Unsilence)$/u;
    for (const label of Object.values(BUTTON_LABELS)) expect(label).toMatch(words);
  });

  it('signs each button for its own action and group', () => {
    const m = render({ state: 'firing' });
    const decoded = m.reply_markup.inline_keyboard.flat().map((b) => verifyCallback(SECRET, b.callback_data));
    expect(decoded).toEqual([
      { action: 'acknowledge', alertGroupId: base.alertGroupId },
      { action: 'resolve', alertGroupId: base.alertGroupId },
      { action: 'silence', alertGroupId: base.alertGroupId, silence: '1h' },
      { action: 'silence', alertGroupId: base.alertGroupId, silence: '4h' },
      { action: 'silence', alertGroupId: base.alertGroupId, silence: 'forever' },
    ]);
    for (const b of m.reply_markup.inline_keyboard.flat()) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
  });

  it('stays within 4096 characters and valid HTML whatever the labels hold', () => {
    const labelsMap: Record<string, string> = {};
    for (let i = 0; i < 400; i++) labelsMap[`label_${String(i).padStart(3, '0')}`] = `<&>"${'x'.repeat(20)}🔥`;
    const m = render({ labels: labelsMap, description: '&'.repeat(5000), title: `<b>${'T'.repeat(1000)}` });
    expect(m.text.length).toBeLessThanOrEqual(4096);
    const text = visible(m.text);
    expect(text.endsWith('…')).toBe(true);
    expect(text).toContain('Status: Firing');
  });
});

describe('truncateHtml', () => {
  it('leaves short text alone', () => {
    expect(truncateHtml('<b>a</b>', 10)).toBe('<b>a</b>');
  });

  it('never cuts inside an entity, a tag or a surrogate pair, and closes open tags', () => {
    const html = `<b>bold</b> ${'&amp;'.repeat(10)} <code>${'🔥'.repeat(20)}</code> <a href="http://x/?a&amp;b">link text</a>`;
    for (let max = 8; max <= html.length; max++) {
      const cut = truncateHtml(html, max);
      expect(cut.length, `max ${max}`).toBeLessThanOrEqual(max);
      const parsed = parseTelegramHtml(cut);
      expect(parsed.ok, `max ${max}: ${cut}`).toBe(true);
      expect(cut).not.toMatch(/&[a-z]*…|[\uD800-\uDBFF]…/);
    }
  });

  it('escapes the four HTML characters', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });
});
