import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './index.js';

/** A config with users, a user group, a team and one chain of the given steps (YAML lines under `steps:`). */
const withSteps = (steps: string) => `users:
  - id: alice
  - id: bob
  - id: carol
user_groups:
  - id: dba
    name: Database admins
    users: [alice, bob]
teams:
  - id: core
    members: [carol]
webhooks:
  - id: jira
    url: https://jira.example/hook
    trigger_type: escalation step
escalation_chains:
  - id: chain
    steps:
${steps
  .trim()
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`;
const steps = (yaml: string) => parseConfig(withSteps(yaml), 'dozor.yaml', {}).escalationChains[0]!.steps;
function error(yaml: string): string {
  try {
    steps(yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a config error');
}

describe('escalation steps in dozor.yaml', () => {
  it('refuses a trigger_webhook step naming no declared webhook, with its line', () => {
    expect(error('- wait: 5m\n- trigger_webhook: nosuch')).toMatch(/dozor\.yaml:\d+:\d+: escalation_chains\[0\]\.steps\[1\]: no webhook with id "nosuch"/);
  });

  it("reads every kind in OnCall's public-API spelling", () => {
    expect(
      steps(
        `
- { type: wait, duration: 300 }
- { type: notify_persons, persons_to_notify: [alice], important: true }
- { type: notify_person_next_each_time, persons_to_notify_next_each_time: [alice, bob] }
- { type: notify_on_call_from_schedule, notify_on_call_from_schedule: primary, important: true }
- { type: notify_user_group, group_to_notify: dba, important: true }
- { type: notify_team_members, team_to_notify: core }
- { type: notify_whole_channel, chat_id: -1001234567890, message_thread_id: 3 }
- { type: trigger_webhook, action_to_trigger: jira }
- { type: notify_if_time_from_to, notify_if_time_from: "09:00:00Z", notify_if_time_to: "18:00:00Z" }
`,
      ),
    ).toEqual([
      { kind: 'wait', seconds: 300 },
      { kind: 'notify_persons', users: ['alice'], important: true },
      { kind: 'notify_person_next_each_time', users: ['alice', 'bob'], important: false },
      { kind: 'notify_on_call_from_schedule', schedule: 'primary', important: true },
      { kind: 'notify_user_group', group: 'dba', users: ['alice', 'bob'], important: true },
      { kind: 'notify_team_members', team: 'core', users: ['carol'], important: false },
      { kind: 'notify_whole_channel', chatId: '-1001234567890', messageThreadId: 3 },
      { kind: 'trigger_webhook', webhookId: 'jira' },
      { kind: 'notify_if_time_from_to', from: '09:00:00', to: '18:00:00', timeZone: 'UTC' },
    ]);
    expect(
      steps(`
- { type: notify_if_num_alerts_in_window, num_alerts_in_window: 3, num_minutes_in_window: 10 }
- { type: resolve }
- { type: repeat_escalation }
`),
    ).toEqual([{ kind: 'notify_if_num_alerts_in_window', alerts: 3, minutes: 10 }, { kind: 'resolve' }, { kind: 'repeat_escalation', fromStep: 0, limit: 5 }]);
  });

  it('reads the short form: the kind as the key', () => {
    expect(
      steps(`
- wait: 5m
- notify_person_next_each_time: [alice, bob]
  important: true
- notify_user_group: dba
- notify_team_members: core
- notify_whole_channel: "@ops_alerts"
- trigger_webhook: jira
- notify_if_time_from_to: { notify_if_time_from: "09:00", notify_if_time_to: "18:00", time_zone: Europe/Berlin }
- notify_if_num_alerts_in_window: { num_alerts_in_window: 2, num_minutes_in_window: 5 }
- repeat_escalation: { from_step: 2, limit: 3 }
- resolve: true
`),
    ).toEqual([
      { kind: 'wait', seconds: 300 },
      { kind: 'notify_person_next_each_time', users: ['alice', 'bob'], important: true },
      { kind: 'notify_user_group', group: 'dba', users: ['alice', 'bob'], important: false },
      { kind: 'notify_team_members', team: 'core', users: ['carol'], important: false },
      { kind: 'notify_whole_channel', chatId: '@ops_alerts' },
      { kind: 'trigger_webhook', webhookId: 'jira' },
      { kind: 'notify_if_time_from_to', from: '09:00', to: '18:00', timeZone: 'Europe/Berlin' },
      { kind: 'notify_if_num_alerts_in_window', alerts: 2, minutes: 5 },
      { kind: 'repeat_escalation', fromStep: 1, limit: 3 },
      { kind: 'resolve' },
    ]);
  });

  it.each([
    ['an unknown type', '- { type: page_everyone }', /steps\[0\]\.type: unknown step type "page_everyone"; expected one of wait, notify_persons/],
    ['an unknown kind', '- page_everyone: true', /steps\[0\]\.page_everyone: unknown step kind/],
    ['important where OnCall has none', '- { type: resolve, important: true }', /steps\[0\]\.important: resolve has no important variant/],
    [
      'a field of another kind',
      '- { type: wait, duration: 60, persons_to_notify: [alice] }',
      /steps\[0\]\.persons_to_notify: unknown field 'persons_to_notify'; expected one of type, important, duration/,
    ],
    ['an unknown user group', '- notify_user_group: ops', /steps\[0\]\.notify_user_group: no user group with id 'ops' \(declare it under user_groups\)/],
    ['an unknown team', '- { type: notify_team_members, team_to_notify: ops }', /steps\[0\]\.team_to_notify: no team with id 'ops'/],
    ['an empty round robin', '- notify_person_next_each_time: []', /needs at least one user to take turns/],
    ['a bad chat', '- notify_whole_channel: ops', /must be a Telegram chat id/],
    ['a bad time', '- notify_if_time_from_to: { notify_if_time_from: "9am", notify_if_time_to: "18:00" }', /notify_if_time_from: must be a time of day HH:MM/],
    [
      'a bad zone',
      '- notify_if_time_from_to: { notify_if_time_from: "09:00", notify_if_time_to: "18:00", time_zone: Mars/Olympus }',
      /time_zone: must be an IANA time zone/,
    ],
    [
      'a Z time in a zone',
      '- notify_if_time_from_to: { notify_if_time_from: "09:00Z", notify_if_time_to: "18:00", time_zone: Europe/Berlin }',
      /ends in Z \(UTC\) but time_zone is Europe\/Berlin/,
    ],
    ['a missing count', '- { type: notify_if_num_alerts_in_window, num_minutes_in_window: 5 }', /steps\[0\]\.num_alerts_in_window: is required/],
    ['a repeat first', '- repeat_escalation: true', /steps\[0\]\.repeat_escalation\.from_step: a repeat needs steps before it/],
    ['a repeat from itself', '- wait: 1m\n- repeat_escalation: { from_step: 2 }', /from_step: must be the number of an earlier step, 1 to 1, got 2/],
    ['a repeat limit too high', '- wait: 1m\n- repeat_escalation: { limit: 1000 }', /limit: must be a whole number of repeats from 1 to 100/],
  ])('rejects %s with the field', (_name, yaml, problem) => {
    expect(error(yaml)).toMatch(problem);
  });

  it('user groups and teams name known users', () => {
    expect(() => parseConfig(withSteps('- wait: 1m').replace('members: [carol]', 'members: [dave]'), 'dozor.yaml', {})).toThrow(
      /teams\[0\]\.members\[0\]: no user with id "dave"/,
    );
  });
});
