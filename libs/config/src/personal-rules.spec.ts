import { describe, expect, it } from 'vitest';
import { thrown } from '@dozor/testing';
import { ConfigError, parseConfig } from './index.js';

const ENV = { AM_TOKEN: 'token-12345' };
const file = (users: string, chainExtra = '') => `users:
${users}
integrations:
  - id: am
    type: alertmanager
    token: \${AM_TOKEN}
escalation_chains:
  - id: chain
    steps:
      - notify_persons: [alice]
${chainExtra}`;
const error = (text: string) => thrown(ConfigError, () => parseConfig(text, 'dozor.yaml', ENV));

describe('users[].personal_notification_rules', () => {
  it("reads OnCall's rule types, in both spellings; a wait without a duration is OnCall's 5 minutes", () => {
    const c = parseConfig(
      file(`  - id: alice
    personal_notification_rules:
      default:
        - type: notify_by_telegram
        - type: wait
          duration: 300
        - notify_by_telegram
        - wait: 90s
        - type: wait
        - notify_by_telegram
      important:
        - notify_by_telegram
  - id: bob`),
      'dozor.yaml',
      ENV,
    );
    expect(c.users[0]!.personalRules).toEqual({
      default: [
        { type: 'notify_by_telegram' },
        { type: 'wait', seconds: 300 },
        { type: 'notify_by_telegram' },
        { type: 'wait', seconds: 90 },
        { type: 'wait', seconds: 300 },
        { type: 'notify_by_telegram' },
      ],
      important: [{ type: 'notify_by_telegram' }],
    });
    expect(c.users[1]!.personalRules).toBeNull();
  });

  it('names file:line and the field for a bad rule', () => {
    const bad = (rules: string) =>
      error(
        file(`  - id: alice
    personal_notification_rules:
      default:
${rules}`),
      ).message;
    expect(bad('        - type: notify_by_sms')).toBe(
      'dozor.yaml:5:17: users[0].personal_notification_rules.default[0].type: notify_by_sms is a Grafana OnCall type Dozor does not deliver; Dozor notifies by Telegram: use notify_by_telegram',
    );
    expect(bad('        - type: notify_by_telegram\n          duration: 60')).toMatch(
      /^dozor\.yaml:6:\d+: users\[0\]\.personal_notification_rules\.default\[0\]\.duration: only a wait takes a duration/,
    );
    expect(bad('        - wait: 2d')).toMatch(/default\[0\]\.wait: must be between 1s and 1d, got 2d$/);
    expect(bad('        - type: wait\n          duration: soon')).toMatch(/default\[0\]\.duration: must be a duration/);
    expect(bad('        - nudge')).toMatch(/default\[0\]: must be notify_by_telegram or wait, got "nudge"$/);
    expect(bad('        - {}')).toMatch(/default\[0\]\.type: is required/);
    expect(
      error(
        file(`  - id: alice
    personal_notification_rules:
      urgent: []`),
      ).message,
    ).toMatch(/personal_notification_rules\.urgent: unknown field 'urgent'/);
  });
});

describe('escalation_chains[].acknowledge_reminder in the loader', () => {
  it('is read onto the chain', () => {
    const c = parseConfig(
      file('  - id: alice', '    acknowledge_reminder:\n      remind_every: 1h\n      unacknowledge_after: 5m\n      notify_paged_on_resolve: true\n'),
      'dozor.yaml',
      ENV,
    );
    expect(c.escalationChains[0]!.ackReminder).toEqual({ policy: { remindEverySeconds: 3600, unackAfterSeconds: 300 }, notifyPagedOnResolve: true });
    expect(parseConfig(file('  - id: alice'), 'dozor.yaml', ENV).escalationChains[0]!.ackReminder).toBeNull();
  });

  it('names file:line for a value OnCall does not offer', () => {
    expect(error(file('  - id: alice', '    acknowledge_reminder:\n      remind_every: 2h\n')).message).toBe(
      'dozor.yaml:12:21: escalation_chains[0].acknowledge_reminder.remind_every: must be one of 1h, 3h, 5h, 10h (as in Grafana OnCall), got 2h',
    );
  });
});
