import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALICE_TG, API_TOKEN, BotApiTestServer, DozorProcess, DozorSystem, loadFixture, TOKEN, writeChainConfig } from '@dozor/testing';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`console browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);
const shots = fileURLToPath(new URL('../../docs/console/', import.meta.url));

describe.skipIf(!haveChromium)('the console in Chromium', () => {
  let sys: DozorSystem;
  let telegram: BotApiTestServer;
  let dozor: DozorProcess;
  let browser: import('playwright-core').Browser;

  beforeAll(async () => {
    sys = await DozorSystem.open('econsole');
    telegram = sys.telegram;
    const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await sys.start(['all'], {
      DOZOR_CONFIG: writeChainConfig(
        sys.iso.dir,
        ['notify_persons: [alice]'],
        `schedules:
  - id: ops
    name: Ops
    time_zone: UTC
    overrides:
      - id: alice-tomorrow
        start: "${day}T00:00:00Z"
        end: "${day}T12:00:00Z"
        users: [alice]
`,
      ),
    });
    dozor = sys.proc('all');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('signs in, shows a new group live, acknowledges it (the Telegram message changes), and an override is created', async () => {
    // Secure cookies are kept for http://localhost, which browsers treat as a secure origin.
    const base = dozor.url.replace('127.0.0.1', 'localhost');
    const page = await browser.newPage();
    await page.goto(base + '/');
    await page.getByLabel('API token').fill(API_TOKEN);
    await page.screenshot({ path: `${shots}sign-in.png` });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Updates: live').waitFor({ timeout: 30_000 });

    const post = await fetch(`${dozor.url}/integrations/v1/alertmanager/${TOKEN}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loadFixture('firing-flapping.json').body,
    });
    expect(post.status).toBe(200);
    const row = page.locator('tr', { hasText: 'FlappingTest' });
    await row.waitFor({ timeout: 30_000 });
    const dm = await telegram.chat(ALICE_TG).expectMessage(/FlappingTest/, { timeoutMs: 30_000 });
    await page.screenshot({ path: `${shots}alert-groups.png` });

    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.getByText('acknowledged').waitFor({ timeout: 30_000 });
    await telegram.chat(ALICE_TG).expectEdit(dm.message_id, /Acknowledged/, { timeoutMs: 30_000 });
    await page.screenshot({ path: `${shots}alert-groups-acknowledged.png` });

    // The override, through the session cookie and its CSRF token, as the console sends it.
    const created = await page.evaluate(async () => {
      const me = await (await fetch('/console/api/session')).json();
      const r = await fetch('/api/v1/on_call_shifts', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-dozor-csrf': me.csrf_token },
        body: JSON.stringify({ type: 'override', schedule: 'ops', name: 'tonight', start: '2031-01-01T20:00:00', duration: 3600, users: ['alice'] }),
      });
      const noCsrf = await fetch('/api/v1/on_call_shifts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return { status: r.status, body: await r.json(), noCsrf: noCsrf.status };
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ type: 'override', schedule: 'ops', start: '2031-01-01T20:00:00.000Z', duration: 3600, users: ['alice'] });
    expect(created.noCsrf).toBe(403);
    const shifts = await fetch(`${dozor.url}/api/v1/on_call_shifts?schedule_id=ops`, { headers: { authorization: API_TOKEN } });
    expect(JSON.stringify(await shifts.json())).toContain(created.body.id);
  });

  it('/login in a DM to the bot gives a one-time link: it signs alice in once, a second use is refused', async () => {
    telegram.sendText(ALICE_TG, ALICE_TG, '/login');
    const msg = await telegram.chat(ALICE_TG).expectMessage(/Sign in to the Dozor console/, { timeoutMs: 30_000 });
    const code = /\/login\?code=([^\s]+)/.exec(msg.text)?.[1];
    expect(code, msg.text).toBeTruthy();
    const redeem = () =>
      fetch(`${dozor.url}/console/api/session/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const first = await redeem();
    expect(first.status, await first.clone().text()).toBe(200);
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const second = await redeem();
    expect(second.status).toBe(401);
    expect((await second.json()).detail).toMatch(/already been used/);
  });
});
