import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './index.js';

const ENV = { AM_TOKEN: 'token-12345' };
const base = `users:
  - id: alice
integrations:
  - id: am
    type: alertmanager
    token: \${AM_TOKEN}
`;

function error(text: string): ConfigError {
  try {
    parseConfig(text, 'dozor.yaml', ENV);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a config error');
}

describe('webhooks: in dozor.yaml', () => {
  it("reads OnCall's public-API fields", () => {
    const c = parseConfig(
      `${base}webhooks:
  - id: ticket
    name: Create a ticket
    url: 'https://tickets.example/api/{{ alert_group_id }}'
    http_method: put
    trigger_type: status change
    integration_filter: [am]
    headers: { X-Source: dozor }
    data: '{"title": "{{ alert_group.title }}"}'
    authorization_header: { env: TICKETS_TOKEN }
    trigger_template: '{{ alert_payload.commonLabels.severity == "critical" }}'
    is_webhook_enabled: false
  - name: plain
    url: https://hooks.example/
    preset: simple_webhook
`,
      'dozor.yaml',
      ENV,
    );
    expect(c.webhooks).toHaveLength(2);
    expect(c.webhooks[0]).toMatchObject({
      id: 'ticket',
      name: 'Create a ticket',
      httpMethod: 'PUT',
      triggerType: 'status_change',
      integrationFilter: ['am'],
      forwardWholePayload: false,
      authorizationHeader: { kind: 'env', name: 'TICKETS_TOKEN' },
      isWebhookEnabled: false,
      preset: null,
    });
    expect(c.webhooks[0]!.headers?.source).toBe('{"X-Source":"dozor"}');
    expect(c.webhooks[1]).toMatchObject({
      id: 'plain',
      httpMethod: 'POST',
      triggerType: 'escalation_step',
      forwardWholePayload: true,
      preset: 'simple_webhook',
    });
  });

  it('accepts every OnCall trigger type and the snake_case spellings', () => {
    const types = [
      'escalation',
      'alert group created',
      'acknowledge',
      'resolve',
      'silence',
      'unsilence',
      'unresolve',
      'unacknowledge',
      'status change',
      'personal notification',
      'alert_group_created',
    ];
    const c = parseConfig(
      `${base}webhooks:\n${types.map((t, i) => `  - id: w${i}\n    url: https://h.example/\n    trigger_type: ${t}\n`).join('')}`,
      'dozor.yaml',
      ENV,
    );
    expect(c.webhooks.map((w) => w.triggerType)).toEqual([
      'escalation_step',
      'alert_group_created',
      'acknowledge',
      'resolve',
      'silence',
      'unsilence',
      'unresolve',
      'unacknowledge',
      'status_change',
      'personal_notification',
      'alert_group_created',
    ]);
  });

  it.each([
    ['  - id: a\n    trigger_type: resolve\n', 'webhooks[0].url: is required', 8],
    ['  - id: a\n    url: https://h.example/\n    trigger_type: resolved\n', 'webhooks[0].trigger_type: unknown trigger type "resolved"', 10],
    [
      '  - id: a\n    url: https://h.example/\n    trigger_type: resolve\n    http_method: FETCH\n',
      'webhooks[0].http_method: must be one of GET, POST, PUT, DELETE, OPTIONS, PATCH',
      11,
    ],
    ['  - id: a\n    url: "{{ x( }}"\n    trigger_type: resolve\n', 'webhooks[0].url: template does not compile', 9],
    [
      '  - id: a\n    url: https://h.example/\n    trigger_type: resolve\n    integration_filter: [nope]\n',
      'webhooks[0].integration_filter[0]: no integration with id "nope"',
      11,
    ],
    [
      '  - id: a\n    url: https://h.example/\n    preset: simple_webhook\n    trigger_type: resolve\n',
      'webhooks[0].trigger_type: is set by preset simple_webhook',
      11,
    ],
    ['  - id: a\n    url: https://h.example/\n    trigger_type: resolve\n    forward_all: true\n', "webhooks[0].forward_all: unknown field 'forward_all'", 11],
    [
      '  - id: a\n    url: https://h.example/\n    trigger_type: resolve\n  - id: a\n    url: https://h.example/\n    trigger_type: resolve\n',
      'webhooks[1].id: duplicate id "a"',
      11,
    ],
  ])('%#: names file:line and field: %s', (yaml, message, line) => {
    const e = error(`${base}webhooks:\n${yaml}`);
    expect(e.message).toContain(message);
    expect(e.line).toBe(line);
  });

  it('turns alertmanager_silences: into an alertmanager_silence webhook for that integration', () => {
    const c = parseConfig(`${base}    alertmanager_silences: { url: 'http://am:9093' }\n`, 'dozor.yaml', ENV);
    expect(c.integrations[0]!.alertmanagerSilences).toEqual({ url: 'http://am:9093', authorizationHeader: null });
    expect(c.webhooks).toMatchObject([
      { id: 'alertmanager-silences-am', preset: 'alertmanager_silence', integrationFilter: ['am'], triggerType: 'status_change' },
    ]);
  });

  it('refuses alertmanager_silences on a webhook integration and a bad URL', () => {
    expect(error(base.replace('type: alertmanager', 'type: webhook') + "    alertmanager_silences: { url: 'http://am:9093' }\n").message).toContain(
      'integrations[0].alertmanager_silences: needs an Alertmanager integration',
    );
    expect(error(`${base}    alertmanager_silences: { url: 'am:9093' }\n`).message).toContain(
      'integrations[0].alertmanager_silences.url: must be the http(s) URL of Alertmanager',
    );
  });
});
