import { describe, expect, it } from 'vitest';
import { directPagingSteps, parseDirectPage, MAX_PAGE_USERS, type PagingDirectory } from './index.js';

const dir: PagingDirectory = {
  users: [{ id: 'alice' }, { id: 'bob' }, { id: 'carol' }],
  teams: [
    { id: 'sre', users: ['bob', 'carol'] },
    { id: 'empty', users: [] },
  ],
};

const message = (body: unknown) => {
  const r = parseDirectPage(body);
  return r.ok ? null : r.message;
};

describe('parseDirectPage', () => {
  it('reads the OnCall public-API body', () => {
    const r = parseDirectPage({
      title: ' DB down ',
      message: 'primary is gone',
      source_url: 'https://grafana.example/d/1',
      users: [
        { id: 'alice', important: true },
        { id: 'bob', important: false },
      ],
    });
    expect(r).toEqual({
      ok: true,
      value: {
        title: 'DB down',
        message: 'primary is gone',
        sourceUrl: 'https://grafana.example/d/1',
        team: null,
        importantTeam: false,
        users: [
          { id: 'alice', important: true },
          { id: 'bob', important: false },
        ],
        alertGroupId: null,
      },
    });
  });

  it('pages a team, important when asked', () => {
    const r = parseDirectPage({ title: 't', team: 'sre', important_team_escalation: true });
    expect(r).toMatchObject({ ok: true, value: { team: 'sre', importantTeam: true, users: [] } });
  });

  it('takes an existing alert group to page more users on, without a title of its own', () => {
    const r = parseDirectPage({ users: [{ id: 'alice', important: false }], alert_group_id: 'ag_1' });
    expect(r).toMatchObject({ ok: true, value: { alertGroupId: 'ag_1', title: '' } });
    expect(message({ title: 't', users: [{ id: 'alice', important: false }], alert_group_id: 'ag_1' })).toMatch(
      /alert_group_id and \(title, message, source_url\) are mutually exclusive.*\(got title\)/,
    );
  });

  it('names the problem with a bad body', () => {
    expect(message(null)).toMatch(/JSON object, got null/);
    expect(message([])).toMatch(/JSON object, got a list/);
    expect(message({ title: 't', team: 'sre', severity: 1 })).toMatch(/unknown field "severity"/);
    expect(message({ users: [{ id: 'alice', important: false }] })).toMatch(/title is required/);
    expect(message({ title: '  ', users: [{ id: 'alice', important: false }] })).toMatch(/title is required/);
    expect(message({ title: 'x'.repeat(501), team: 'sre' })).toMatch(/title is 501 characters long; at most 500/);
    expect(message({ title: 't', message: 5, team: 'sre' })).toMatch(/message must be a string, got 5/);
    expect(message({ title: 't', source_url: 'ftp://x', team: 'sre' })).toMatch(/source_url must be an http\(s\) URL/);
    expect(message({ title: 't' })).toMatch(/No team or user\(s\) specified/);
    expect(message({ title: 't', users: [] })).toMatch(/No team or user\(s\) specified/);
    expect(message({ title: 't', users: 'alice' })).toMatch(/users must be a list/);
    expect(message({ title: 't', users: ['alice'] })).toMatch(/users\[0\] must be \{"id", "important"\}, got 'alice'/);
    expect(message({ title: 't', users: [{ id: 'a b', important: false }] })).toMatch(/users\[0\]\.id must be a user id/);
    expect(message({ title: 't', users: [{ id: 'alice', important: 'yes' }] })).toMatch(/users\[0\]\.important is required: true or false \(got 'yes'\)/);
    expect(message({ title: 't', users: [{ id: 'alice' }] })).toMatch(/users\[0\]\.important is required/);
    expect(message({ title: 't', team: 'sre', users: [{ id: 'alice', important: false }] })).toMatch(/users and team are mutually exclusive/);
    expect(message({ title: 't', users: [{ id: 'alice', role: 'x' }] })).toMatch(/users\[0\] has unknown field "role"/);
    expect(
      message({
        title: 't',
        users: [
          { id: 'alice', important: false },
          { id: 'alice', important: true },
        ],
      }),
    ).toMatch(/"alice" twice/);
    expect(message({ title: 't', users: Array.from({ length: MAX_PAGE_USERS + 1 }, (_, i) => ({ id: `u${i}`, important: false })) })).toMatch(
      /at most 50 per page/,
    );
    expect(message({ title: 't', team: 7 })).toMatch(/team must be a team id, got 7/);
    expect(message({ title: 't', users: [{ id: 'alice', important: false }], important_team_escalation: true })).toMatch(/needs a team/);
    expect(message({ title: 't', team: 'sre', alert_group_id: 3 })).toMatch(/alert_group_id must be an alert group id/);
  });
});

describe('directPagingSteps', () => {
  it('pages important users, then the others (and a team, when both are given)', () => {
    const r = directPagingSteps(
      {
        users: [
          { id: 'alice', important: true },
          { id: 'bob', important: false },
        ],
        team: 'sre',
        importantTeam: false,
      },
      dir,
    );
    expect(r).toEqual({
      ok: true,
      value: [
        { kind: 'notify_persons', users: ['alice'], important: true },
        { kind: 'notify_persons', users: ['bob'], important: false },
        { kind: 'notify_team_members', team: 'sre', users: ['bob', 'carol'], important: false },
      ],
    });
  });

  it('names unknown users and teams, and a team with nobody to page', () => {
    expect(directPagingSteps({ users: [{ id: 'zed', important: false }], team: null, importantTeam: false }, dir)).toEqual({
      ok: false,
      message: 'no user with id "zed" (declare users under users in dozor.yaml)',
    });
    expect(directPagingSteps({ users: [], team: 'ops', importantTeam: false }, dir)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no team with id "ops"/),
    });
    expect(directPagingSteps({ users: [], team: 'empty', importantTeam: false }, dir)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no members/),
    });
  });
});
