import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { thrown } from '@dozor/testing';
import { ConfigError, loadConfig, parseConfig } from './index.js';

const seed = fileURLToPath(new URL('../../../examples/seed/dozor.yaml', import.meta.url));

const base = `users:
  - id: alice
    telegram_user_id: "42"
integrations:
  - id: am
    type: alertmanager
    token: \${AM_TOKEN}
    routes:
      - filter: '{{ payload.commonLabels.severity == "critical" }}'
        escalation_chain: chain
escalation_chains:
  - id: chain
    steps:
      - notify_persons: [alice]
      - wait: 5m
`;

const error = (text: string, env: NodeJS.ProcessEnv = { AM_TOKEN: 'token-12345' }) => thrown(ConfigError, () => parseConfig(text, 'dozor.yaml', env));

describe('config loader', () => {
  it('loads the seed example with defaults for unset variables', () => {
    const c = loadConfig(seed, {});
    expect(c.integrations[0]).toMatchObject({ id: 'alertmanager-main-integration', type: 'alertmanager' });
    expect(c.integrations[0]!.routes.map((r) => r.id)).toEqual(['critical', 'default']);
    expect(c.escalationChains[0]!.steps[0]).toEqual({ kind: 'notify_on_call_from_schedule', schedule: 'demo-critical-alerts-schedule', important: false });
  });

  it('expands ${VAR} from the environment and appends the default route last', () => {
    const c = parseConfig(base, 'dozor.yaml', { AM_TOKEN: 'token-12345' });
    expect(c.integrations[0]!.token).toBe('token-12345');
    expect(c.integrations[0]!.routes).toEqual([
      { id: 'route-1', filter: { kind: 'jinja2', template: '{{ payload.commonLabels.severity == "critical" }}' }, escalationChainId: 'chain' },
      { id: 'default', filter: null, escalationChainId: null },
    ]);
    expect(c.escalationChains[0]!.steps).toEqual([
      { kind: 'notify_persons', users: ['alice'], important: false },
      { kind: 'wait', seconds: 300 },
    ]);
  });

  it.each([
    ['1h30m', 5400],
    ['90s', 90],
    ['5m', 300],
    ['1d', 86400],
    ['1h 30m', 5400],
    ['600', 600],
    [600, 600],
  ])('a wait of %j in a chain is %i seconds, in the grammar schedules use', (wait, seconds) => {
    const text = base.replace('wait: 5m', `wait: ${typeof wait === 'string' ? JSON.stringify(wait) : wait}`);
    expect(parseConfig(text, 'dozor.yaml', { AM_TOKEN: 'token-12345' }).escalationChains[0]!.steps[1]).toEqual({ kind: 'wait', seconds });
  });

  it.each([
    ['zero', 'wait: 0s', /steps\[1\]\.wait: must be longer than zero/],
    ['more than a week', 'wait: 8d', /steps\[1\]\.wait: must be between 1s and 7d, got 8d/],
    ['units out of order', 'wait: 30m1h', /steps\[1\]\.wait: must be a duration such as 9h, 1h30m/],
  ])('rejects a wait of %s', (_n, wait, message) => {
    expect(error(base.replace('wait: 5m', wait)).message).toMatch(message);
  });

  it.each([
    ['a missing variable', base, {}, /dozor\.yaml:7:\d+: integrations\[0\]\.token: environment variable AM_TOKEN is not set/],
    [
      'an unknown user in a step',
      base.replace('[alice]', '[bob]'),
      undefined,
      /dozor\.yaml:14:\d+: escalation_chains\[0\]\.steps\[0\]\.notify_persons\[0\]: no user with id "bob"/,
    ],
    [
      'an unknown chain',
      base.replace('escalation_chain: chain', 'escalation_chain: nope'),
      undefined,
      /dozor\.yaml:10:\d+: integrations\[0\]\.routes\[0\]\.escalation_chain: no escalation chain with id "nope"/,
    ],
    ['a bad duration', base.replace('wait: 5m', 'wait: soon'), undefined, /dozor\.yaml:15:\d+: escalation_chains\[0\]\.steps\[1\]\.wait: must be a duration/],
    [
      'an unknown field',
      base.replace('    type: alertmanager', '    type: alertmanager\n    colour: red'),
      undefined,
      /dozor\.yaml:7:\d+: integrations\[0\]\.colour: unknown field/,
    ],
    ['an unsupported type', base.replace('type: alertmanager', 'type: zabbix'), undefined, /integrations\[0\]\.type: unsupported integration type "zabbix"/],
    ['broken YAML', 'users: [', undefined, /dozor\.yaml:1:\d+: <yaml>:/],
    ['a short token', base, { AM_TOKEN: 'x' }, /integrations\[0\]\.token: must be at least 8 characters/],
  ])('names file, line and field for %s', (_name, text, env, message) => {
    expect(error(text as string, env as NodeJS.ProcessEnv | undefined).message).toMatch(message as RegExp);
  });
});

describe('config loader: route filters', () => {
  it.each([
    [
      'a broken Jinja2 filter',
      base.replace('{{ payload.commonLabels.severity == "critical" }}', '{{ payload.commonLabels.severity == }}'),
      /dozor\.yaml:9:\d+: integrations\[0\]\.routes\[0\]\.filter: /,
    ],
    [
      'a broken label matcher',
      base.replace(`      - filter: '{{ payload.commonLabels.severity == "critical" }}'`, `      - labels: ['severity=~"crit']`),
      /dozor\.yaml:9:\d+: integrations\[0\]\.routes\[0\]\.labels/,
    ],
  ])('rejects %s at load, with its line', (_n, text, message) => {
    expect(error(text).message).toMatch(message);
  });
});
