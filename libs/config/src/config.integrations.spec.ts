import { describe, expect, it } from 'vitest';
import { ALERTMANAGER_GROUPING_ID_TEMPLATE, FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE } from '@dozor/templates';
import { thrown } from '@dozor/testing';
import { ConfigError, DEFAULT_RATE_LIMIT, parseConfig } from './index.js';

/** Integration kinds, templates, maintenance, heartbeat and rate limits in dozor.yaml. */
const ENV = { TOKEN: 'token-12345' };
const one = (body: string, type = 'alertmanager') => `integrations:
  - id: x
    type: ${type}
    token: \${TOKEN}
${body}`;

const error = (text: string, env: NodeJS.ProcessEnv = ENV) => thrown(ConfigError, () => parseConfig(text, 'dozor.yaml', env));

describe('config: integrations', () => {
  it.each(['alertmanager', 'grafana_alerting', 'webhook', 'formatted_webhook'])('accepts type %s with its defaults', (type) => {
    const x = parseConfig(one('', type), 'dozor.yaml', ENV).integrations[0]!;
    expect(x.type).toBe(type);
    expect(x.templateOverrides).toEqual({});
    expect(x.templates.kind).toBe(type);
    expect(x.maintenance).toBeNull();
    expect(x.heartbeat).toBeNull();
    expect(x.rateLimit).toEqual(DEFAULT_RATE_LIMIT);
  });

  it("the default rate limit is 3000 per 5 minutes, ten times OnCall's", () => expect(DEFAULT_RATE_LIMIT).toEqual({ requests: 3000, perSeconds: 300 }));

  it('reads templates, maintenance, heartbeat and rate_limit', () => {
    const x = parseConfig(
      one(
        `    templates:
      grouping_id: '{{ payload.alert_uid }}-{{ payload.env }}'
      acknowledge_condition: '{{ payload.state == "ack" }}'
      telegram_message: null
    maintenance: { mode: debug, duration: 3h }
    heartbeat: { timeout: 5m }
    rate_limit: { requests: 100, per: 1m }
`,
        'formatted_webhook',
      ),
      'dozor.yaml',
      ENV,
    ).integrations[0]!;
    expect(x.templates.sources.grouping_id).toBe('{{ payload.alert_uid }}-{{ payload.env }}');
    expect(x.templates.sources.resolve_condition).not.toBeNull();
    expect(x.templates.compiled.telegram_message).toBeNull();
    expect(x.maintenance).toEqual({ mode: 'debug', durationSeconds: 3 * 3600 });
    expect(x.heartbeat).toEqual({ timeoutSeconds: 300 });
    expect(x.rateLimit).toEqual({ requests: 100, perSeconds: 60 });
    expect(FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE).not.toBe(x.templates.sources.grouping_id);
  });

  it('maintenance without a duration lasts until stopped', () => {
    expect(parseConfig(one('    maintenance: { mode: maintenance }\n'), 'dozor.yaml', ENV).integrations[0]!.maintenance).toEqual({
      mode: 'maintenance',
      durationSeconds: null,
    });
    expect(parseConfig(one('    maintenance: { mode: maintenance, duration: forever }\n'), 'dozor.yaml', ENV).integrations[0]!.maintenance).toEqual({
      mode: 'maintenance',
      durationSeconds: null,
    });
  });

  it('a grafana_alerting integration uses the Alertmanager grouping', () => {
    expect(parseConfig(one('', 'grafana_alerting'), 'dozor.yaml', ENV).integrations[0]!.templates.sources.grouping_id).toBe(ALERTMANAGER_GROUPING_ID_TEMPLATE);
  });

  it.each([
    [
      'a template that does not compile',
      one(`    templates:\n      title: '{{ payload.x '\n`),
      /dozor\.yaml:6:\d+: integrations\[0\]\.templates\.title: invalid Jinja2 template/,
    ],
    [
      'an unknown template key',
      one(`    templates:\n      web_title: 'x'\n`),
      /dozor\.yaml:6:\d+: integrations\[0\]\.templates\.web_title: unknown field 'web_title'; expected one of grouping_id, resolve_condition/,
    ],
    ['an emptied grouping id', one(`    templates:\n      grouping_id: ''\n`), /dozor\.yaml:6:\d+: integrations\[0\]\.templates\.grouping_id: cannot be empty/],
    ['a template that is not a string', one(`    templates:\n      title: [1]\n`), /integrations\[0\]\.templates\.title: must be a Jinja2 template/],
    [
      'a bad maintenance mode',
      one(`    maintenance: { mode: off }\n`),
      /dozor\.yaml:5:\d+: integrations\[0\]\.maintenance\.mode: must be maintenance or debug/,
    ],
    [
      'a maintenance duration OnCall does not offer',
      one(`    maintenance: { mode: debug, duration: 2h }\n`),
      /integrations\[0\]\.maintenance\.duration: must be one of 1h, 3h, 6h, 12h, 24h, forever/,
    ],
    [
      'a heartbeat timeout under a minute',
      one(`    heartbeat: { timeout: 30s }\n`),
      /dozor\.yaml:5:\d+: integrations\[0\]\.heartbeat\.timeout: must be between 60s and 1d, got 30s/,
    ],
    ['a heartbeat timeout over a day', one(`    heartbeat: { timeout: 2d }\n`), /integrations\[0\]\.heartbeat\.timeout: must be between 60s and 1d/],
    ['a heartbeat without a timeout', one(`    heartbeat: {}\n`), /integrations\[0\]\.heartbeat\.timeout: is required/],
    ['a rate limit of zero', one(`    rate_limit: { requests: 0, per: 5m }\n`), /integrations\[0\]\.rate_limit\.requests: must be a whole number/],
    ['a rate limit with a bad period', one(`    rate_limit: { requests: 10, per: often }\n`), /integrations\[0\]\.rate_limit\.per: must be a duration/],
  ])('rejects %s with file:line and field', (_name, text, message) => {
    expect(error(text).message).toMatch(message);
  });

  it('DOZOR_MIN_HEARTBEAT_SECONDS lowers the minimum heartbeat timeout (tests)', () => {
    const x = parseConfig(one('    heartbeat: { timeout: 2s }\n'), 'dozor.yaml', { ...ENV, DOZOR_MIN_HEARTBEAT_SECONDS: '1' }).integrations[0]!;
    expect(x.heartbeat).toEqual({ timeoutSeconds: 2 });
  });
});
