import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_TG, API_TOKEN, BOB_TG, BotApiTestServer, DozorSystem, poll, writeChainConfig } from '@dozor/testing';

/**
 * Direct paging (`POST /api/v1/escalation`, OnCall's): a page to two users
 * opens a group on the built-in integration and DMs each; the group is in the
 * API; the Acknowledge button works; a retry with the same Idempotency-Key
 * returns the same group and pages no one again; a team page into the group
 * adds its members without a new group.
 */
describe('direct paging', () => {
  let sys: DozorSystem;
  let telegram: BotApiTestServer;
  let apiUrl = '';

  beforeAll(async () => {
    sys = await DozorSystem.open('dpage');
    telegram = sys.telegram;
    const config = writeChainConfig(sys.iso.dir, ['notify_persons: [alice]'], 'teams:\n  - id: sre\n    members: [alice, bob]\n');
    await sys.start(['all'], { DOZOR_CONFIG: config });
    apiUrl = sys.proc('all').url;
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
  });

  const dump = () => [...sys.procs.values()].map((p) => `--- ${p.name}\n${p.tail(20)}`).join('\n');
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const page = (body: unknown, key?: string) =>
    api('/api/v1/escalation', { method: 'POST', body: JSON.stringify(body), headers: key ? { 'idempotency-key': key } : {} });

  it('refuses bad input with a clear 400', async () => {
    const cases: [unknown, RegExp][] = [
      [{ title: 'x' }, /No team or user\(s\) specified/],
      [{ title: 'x', team: 'sre', users: [{ id: 'alice', important: true }] }, /mutually exclusive/],
      [{ users: [{ id: 'alice', important: true }] }, /title is required/],
      [{ title: 'x', users: [{ id: 'nobody', important: true }] }, /no user with id "nobody"/],
      [{ title: 'x', team: 'nope' }, /no team with id "nope"/],
      [{ title: 'x', users: [{ id: 'alice' }] }, /important is required/],
    ];
    for (const [body, detail] of cases) {
      const r = await page(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as { detail: string }).detail).toMatch(detail);
    }
  });

  it('pages each user in Telegram, once per Idempotency-Key; ack works; a team page joins the group', async () => {
    const body = {
      title: 'Database on fire',
      message: 'primary lost quorum',
      users: [
        { id: 'alice', important: true },
        { id: 'bob', important: false },
      ],
    };
    const r = await page(body, 'page-key-1');
    const group = (await r.json()) as { id: string; integration_id: string; title: string; state: string };
    expect(r.status, `${JSON.stringify(group)}\n${dump()}`).toBe(200);
    expect(group).toMatchObject({ integration_id: 'direct-paging:no-team', title: 'Database on fire', state: 'new' });

    const toAlice = await telegram
      .chat(ALICE_TG)
      .expectMessage(/Database on fire/, { timeoutMs: 30_000 })
      .catch((e) => {
        throw new Error(`${e}\n${dump()}`);
      });
    expect(toAlice.text).toMatch(/primary lost quorum/);
    await telegram.chat(BOB_TG).expectMessage(/Database on fire/, { timeoutMs: 30_000 });

    const again = await page(body, 'page-key-1');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(group.id);
    const reused = await page({ ...body, title: 'Something else' }, 'page-key-1');
    expect(reused.status).toBe(409);

    await poll('the group in the API', async () => {
      const list = (await (await api(`/api/v1/alert_groups?id=${group.id}`)).json()) as { results: { id: string }[] };
      return list.results.find((g) => g.id === group.id);
    });

    const answer = await telegram.pressButton(ALICE_TG, toAlice.message_id, 'Acknowledge', ALICE_TG, { timeoutMs: 20_000 });
    expect(answer).toMatch(/cknowledged/);
    await poll('acknowledged in the API', async () => {
      const g = (await (await api(`/api/v1/alert_groups/${group.id}`)).json()) as { state: string };
      return g.state === 'acknowledged' || undefined;
    });

    // A team page into the acknowledged group: its members are paged, no new group.
    const before = telegram.chat(BOB_TG).messages().length;
    const joined = await page({ alert_group_id: group.id, team: 'sre' }, 'page-key-2');
    expect(joined.status, dump()).toBe(200);
    expect(((await joined.json()) as { id: string }).id).toBe(group.id);
    await poll('bob paged again by the team page', async () => telegram.chat(BOB_TG).messages().length > before || undefined, 30_000);
    await page({ alert_group_id: group.id, team: 'sre' }, 'page-key-2');

    // Every page recorded as sent, then count: one DM per page per user, none twice (the replays asked for nothing).
    const timeline = async () => ((await (await api(`/api/v1/alert_groups/${group.id}`)).json()) as { timeline: { event: string }[] }).timeline;
    await poll('four pages sent', async () => ((await timeline()).filter((t) => t.event === 'NotificationSent').length >= 4 ? true : undefined), 30_000);
    expect((await timeline()).filter((t) => t.event === 'NotificationRequested')).toHaveLength(4);
    const dms = (tg: number) =>
      telegram
        .chat(tg)
        .messages()
        .filter((m) => /Database on fire/.test(m.text ?? '')).length;
    expect(dms(ALICE_TG)).toBe(2);
    expect(dms(BOB_TG)).toBe(2);
  }, 120_000);
});
