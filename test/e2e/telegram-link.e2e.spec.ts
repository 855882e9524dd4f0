import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ALICE_TG, API_TOKEN, BotApiTestServer, DozorProcess, type Isolation, loadFixture, PG_URL, poll, TOKEN, DozorSystem } from '@dozor/testing';

/** Bob's Telegram account is not in dozor.yaml: he links it with a verification code. */
const BOB_TG = 515151;
const STRANGER_TG = 626262;

function writeLinkConfig(dir: string): string {
  const file = join(dir, 'dozor.yaml');
  writeFileSync(
    file,
    `users:
  - id: alice
    name: alice
    telegram_user_id: "${ALICE_TG}"
  - id: bob
    name: Bob Builder
integrations:
  - id: alertmanager-main-integration
    type: alertmanager
    token: \${ALERTMANAGER_INTEGRATION_TOKEN}
    default_route:
      escalation_chain: bob-chain
escalation_chains:
  - id: bob-chain
    steps:
      - notify_persons: [bob]
`,
  );
  return file;
}

describe('linking a Telegram account with a verification code', () => {
  let sys: DozorSystem;
  let iso: Isolation;
  let telegram: BotApiTestServer;
  let dozor: DozorProcess;

  beforeAll(async () => {
    sys = await DozorSystem.open('elink');
    ({ iso, telegram } = sys);
    await sys.start(['all'], { DOZOR_CONFIG: writeLinkConfig(iso.dir) });
    dozor = sys.proc('all');
  }, 120_000);

  afterAll(async () => await sys?.stop());

  const dump = () => dozor.tail(30);
  const issue = async (userId: string) => {
    const r = await fetch(`${dozor.url}/api/v1/users/${userId}/telegram_verification_code`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('refuses an unknown user and a request without the token', async () => {
    const r = await issue('nobody');
    expect(r.status).toBe(404);
    expect(String(r.body.detail)).toMatch(/No user with id "nobody"/);
    const anon = await fetch(`${dozor.url}/api/v1/users/bob/telegram_verification_code`, { method: 'POST' });
    expect(anon.status).toBe(401);
  });

  it('links with /start <code>, refuses the used code, and delivers to the linked account whose buttons work', async () => {
    const r = await issue('bob');
    expect(r.status, dump()).toBe(201);
    const code = String(r.body.code);
    expect(code).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(r.body.deep_link).toBe(`https://t.me/${telegram.botUsername}?start=${code}`);
    const expiresIn = Date.parse(String(r.body.expires_at)) - Date.now();
    expect(expiresIn).toBeGreaterThan(50 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);

    const bob = telegram.chat(BOB_TG);
    // Before linking, Bob is a stranger.
    telegram.sendText(BOB_TG, BOB_TG, '/start');
    await bob.expectMessage(/not linked to a Dozor user/, { timeoutMs: 20_000 });

    telegram.sendText(BOB_TG, BOB_TG, `/start ${code}`);
    await bob.expectMessage(/Linked to Dozor user Bob Builder/, { timeoutMs: 20_000 }).catch((e) => {
      throw new Error(`${e}\n${dump()}`);
    });

    // The code is single use: another account sending it (as a plain message) is told so.
    const stranger = telegram.chat(STRANGER_TG);
    telegram.sendText(STRANGER_TG, STRANGER_TG, `my code: ${code}`);
    await stranger.expectMessage(/already been used/, { timeoutMs: 20_000 });
    telegram.sendText(STRANGER_TG, STRANGER_TG, '/start AAAAAAAAAAAAAAAA');
    await stranger.expectMessage(/not valid/, { timeoutMs: 20_000 });
    telegram.sendText(STRANGER_TG, STRANGER_TG, 'hello');
    await stranger.expectMessage(/did not find a verification code/, { timeoutMs: 20_000 });

    telegram.sendText(BOB_TG, BOB_TG, '/start');
    await bob.expectMessage(/Hello, Bob Builder/, { timeoutMs: 20_000 });

    const post = await fetch(`${dozor.url}/integrations/v1/alertmanager/${TOKEN}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loadFixture('firing-flapping.json').body,
    });
    expect(post.status, dump()).toBe(200);
    const dm = await bob.expectMessage(/FlappingTest/, { timeoutMs: 30_000 }).catch((e) => {
      throw new Error(`${e}\n${dump()}`);
    });
    const answer = await telegram.pressButton(BOB_TG, dm.message_id, 'Acknowledge', BOB_TG, { timeoutMs: 20_000 });
    expect(answer).toMatch(/Acknowledged/);
    await bob.expectEdit(dm.message_id, /Acknowledged by (Bob Builder|bob)/, { timeoutMs: 20_000 });

    // The link is audited.
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      const rows = await poll('the audit row', async () => {
        const q = await c.query(`SELECT action, target_type, target_id, source, details FROM "${iso.schema}".audit_log WHERE target_type = 'user'`);
        return q.rows.length > 0 ? q.rows : null;
      });
      expect(rows).toEqual([
        {
          action: 'telegram_account_linked',
          target_type: 'user',
          target_id: 'bob',
          source: 'telegram',
          details: { telegramUserId: String(BOB_TG), chatId: String(BOB_TG) },
        },
      ]);
    } finally {
      await c.end();
    }
  });
});
