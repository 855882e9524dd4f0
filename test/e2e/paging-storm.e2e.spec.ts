import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_TG, API_TOKEN, BotApiTestServer, DozorProcess, loadFixture, TOKEN, poll, writeConfig, type Isolation, DozorSystem } from '@dozor/testing';

const GROUPS = 200;
const SPREAD_MS = 5000;

/** Alert group ids a message's buttons act on (`1<action>:<groupId>:<mac>`), as it is now. */
function groupsOf(m: { reply_markup?: unknown }): string[] {
  const rows = (m.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  const ids = rows.flat().map((b) => /^\d[a-zA-Z0-9]{1,4}:([a-z2-7]+-\d+):/.exec(b.callback_data ?? '')?.[1]);
  return [...new Set(ids.filter((x): x is string => !!x))];
}

/**
 * Storm to one person: 200 new alert groups for one user within 5 s. Every
 * group reaches the person exactly once (its own message, or a line in a
 * storm bundle with a button that opens it), and the chat never gets more
 * than one request per second. One process, real NATS and Postgres, the Bot
 * API test server.
 */
describe('storm to one person', () => {
  let sys: DozorSystem;
  let iso: Isolation;
  let telegram: BotApiTestServer;
  let dozor: DozorProcess;

  beforeAll(async () => {
    sys = await DozorSystem.open('storm', { defaultTimeoutMs: 20_000 });
    ({ iso, telegram } = sys);
    await sys.start(['all'], { DOZOR_CONFIG: writeConfig(iso.dir) });
    dozor = sys.proc('all');
  }, 120_000);

  afterAll(async () => await sys?.stop());

  it('shows each of 200 new groups once, within one request per second to the chat', async () => {
    const base = loadFixture('firing-flapping.json').json;
    let lastPosted = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: GROUPS }, async (_, i) => {
        await new Promise((r) => setTimeout(r, Math.floor((i * SPREAD_MS) / GROUPS)));
        const name = `StormTest${String(i).padStart(3, '0')}`;
        const labels = { alertname: name, severity: 'warning' };
        const payload = {
          ...base,
          alerts: base.alerts.map((a) => ({ ...a, labels, fingerprint: `f${i}` })),
          groupLabels: labels,
          commonLabels: labels,
          groupKey: `{}:{alertname="${name}"}`,
        };
        lastPosted = Math.max(lastPosted, Date.now());
        const r = await fetch(`${dozor.url}/integrations/v1/alertmanager/${TOKEN}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
        expect(r.status).toBe(200);
      }),
    );
    const postedIn = Date.now() - started;

    const chat = telegram.chat(ALICE_TG);
    const shown = () => {
      const count = new Map<string, number>();
      for (const m of chat.messages()) for (const id of groupsOf(m)) count.set(id, (count.get(id) ?? 0) + 1);
      return count;
    };
    await poll('every group visible to alice', async () => shown().size === GROUPS, 180_000).catch((e) => {
      throw new Error(`${e}: ${shown().size} of ${GROUPS} shown\n${dozor.tail()}`);
    });
    // Let late duplicates (if any) arrive before counting.
    await new Promise((r) => setTimeout(r, 3000));
    const messages = chat.messages();
    const count = shown();
    expect(count.size).toBe(GROUPS);
    expect([...count].filter(([, n]) => n !== 1)).toEqual([]);

    // Per-chat limit, per second of the Bot API server's request log.
    const requests = telegram
      .calls()
      .filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && String(c.params.chat_id) === String(ALICE_TG))
      .map((c) => c.atMs);
    const perSecond = new Map<number, number>();
    for (const t of requests) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect([...perSecond].filter(([, n]) => n > 1)).toEqual([]);

    // The numbers, for the record: requests, and how long the last group waited to be seen.
    const firstSeen = new Map<string, number>();
    for (const m of messages)
      for (const v of m.versions) for (const id of groupsOf(v)) if (!firstSeen.has(id) || firstSeen.get(id)! > v.atMs) firstSeen.set(id, v.atMs);
    const sends = telegram.calls('sendMessage').length;
    const edits = telegram.calls('editMessageText').length;
    const lastSeen = Math.max(...firstSeen.values());
    console.log(
      `storm: ${GROUPS} groups posted over ${SPREAD_MS} ms (all answered after ${postedIn} ms); ${sends} sendMessage, ${edits} editMessageText, ` +
        `${messages.length} messages; the last group was first shown ${lastSeen - started} ms after the first webhook, ` +
        `${lastSeen - lastPosted} ms after the last`,
    );

    // Every group stays reachable: a bundle's button opens the group's own message, whose buttons act on it,
    // and the bundle follows the group's state.
    const bundle = messages.find((m) => groupsOf(m).length > 1)!;
    expect(bundle.text).toMatch(/new alert groups/);
    const label = chat.buttons(bundle.message_id).flat()[2]!;
    const opened = groupsOf(bundle)[2]!;
    expect(await telegram.pressButton(ALICE_TG, bundle.message_id, label, ALICE_TG)).toMatch(/Sent below/);
    const own = await chat.expectMessage(/StormTest/, { afterMessageId: Math.max(...messages.map((m) => m.message_id)) });
    expect(groupsOf(own)).toEqual([opened]);
    expect(await telegram.pressButton(ALICE_TG, own.message_id, 'Acknowledge', ALICE_TG)).toMatch(/Acknowledged/);
    await chat.expectEdit(own.message_id, /Acknowledged by alice/);
    await chat.expectEdit(bundle.message_id, /\n3\. [^\n]+ — 🟠 Acknowledged/);

    // The group's timeline shows the claim and the bundle that showed it.
    const timeline = await poll('the timeline of the opened group', async () => {
      const r = await fetch(`${dozor.url}/api/v1/alert_groups/${opened}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      const tl = ((await r.json()) as { timeline?: { event: string; text: string; realm: string }[] }).timeline;
      return tl?.some((t) => t.event === 'AlertGroupAcknowledged') ? tl : null;
    });
    const attempts = timeline.filter((t) => t.realm === 'user_notification');
    expect(attempts.map((t) => t.event)).toEqual(['NotificationRequested', 'NotificationDispatching', 'NotificationSent', 'NotificationSent']);
    expect(attempts[2]!.text).toBe('Sent to alice in Telegram (listed in a storm bundle message)');
  }, 300_000);
});
