import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE_TG,
  API_TOKEN,
  BotApiTestServer,
  DozorProcess,
  findRepoRoot,
  isolate,
  type Isolation,
  loadFixture,
  NATS_URL,
  OtlpReceiver,
  PG_URL,
  poll,
  TOKEN,
  writeConfig,
} from '@dozor/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * The whole path as a user runs it: Alertmanager's webhook in, a Telegram DM
 * out, a button press, a resolve, the API's timeline, and one trace across it.
 * Once with every service in one process, once as separate processes with
 * two routers.
 */
for (const mode of ['one process', 'separate processes'] as const) {
  describe(`alert path: ${mode}`, () => {
    let iso: Isolation;
    let telegram: BotApiTestServer;
    let otlp: OtlpReceiver;
    const procs: DozorProcess[] = [];
    let ingestUrl = '';
    let apiUrl = '';

    beforeAll(async () => {
      iso = isolate(mode === 'one process' ? 'eone' : 'esep');
      telegram = await BotApiTestServer.start();
      otlp = await new OtlpReceiver().start();
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        NATS_URL,
        DOZOR_SUBJECT_PREFIX: iso.prefix,
        DOZOR_CONFIG: writeConfig(iso.dir),
        ALERTMANAGER_INTEGRATION_TOKEN: TOKEN,
        DOZOR_API_TOKEN: API_TOKEN,
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        LOG_LEVEL: 'warn',
      };
      if (mode === 'one process') {
        // As `npm start` does: embedded Postgres in a data folder.
        const p = new DozorProcess('all', { ...env, DOZOR_DATA_DIR: iso.dir });
        procs.push(p);
        await p.start();
        ingestUrl = apiUrl = p.url;
      } else {
        const dbEnv = { ...env, DATABASE_URL: iso.databaseUrl };
        const targets = ['api', 'ingest', 'router', 'router', 'scheduler', 'escalator', 'telegram-notifier'];
        for (const [i, t] of targets.entries()) procs.push(new DozorProcess(t, dbEnv, `${t}#${i}`));
        // The api migrates the schema first; the others start together.
        await procs[0]!.start();
        await Promise.all(procs.slice(1).map((p) => p.start()));
        apiUrl = procs[0]!.url;
        ingestUrl = procs[1]!.url;
      }
    }, 120_000);

    afterAll(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      await telegram?.stop();
      await otlp?.stop();
      await iso?.cleanup();
    });

    const dump = () => procs.map((p) => `--- ${p.name}\n${p.tail(15)}`).join('\n');
    const api = async (path: string, init: RequestInit = {}) => {
      const r = await fetch(`${apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, ...(init.headers ?? {}) } });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };

    it('delivers, acknowledges from Telegram, resolves from Alertmanager, and shows the timeline', async () => {
      const firing = loadFixture('firing-flapping.json');
      const post = await fetch(`${ingestUrl}/integrations/v1/alertmanager/${TOKEN}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.25.0' },
        body: firing.body,
      });
      expect(post.status, dump()).toBe(200);

      const chat = telegram.chat(ALICE_TG);
      const dm = await chat.expectMessage(/FlappingTest/, { timeoutMs: 30_000 }).catch((e) => {
        throw new Error(`${e}\n${dump()}`);
      });
      expect(dm.text).toMatch(/warning/);
      expect(dm.text).toMatch(/Flapping test alert/);
      const labels = chat.buttons(dm.message_id).flat();
      for (const b of ['Acknowledge', 'Resolve', 'Silence 1h', 'Silence 4h', 'Silence forever']) expect(labels.some((l) => l.includes(b))).toBe(true);

      const answer = await telegram.pressButton(ALICE_TG, dm.message_id, 'Acknowledge', ALICE_TG, { timeoutMs: 20_000 });
      expect(answer).toMatch(/Acknowledged/);
      await chat.expectEdit(dm.message_id, /Acknowledged by alice/, { timeoutMs: 20_000 });
      expect(
        chat
          .buttons(dm.message_id)
          .flat()
          .some((l) => l.includes('Unacknowledge')),
      ).toBe(true);

      // A stranger's press changes nothing and is told why.
      const stranger = await telegram.pressButton(ALICE_TG, dm.message_id, 'Resolve', 999, { timeoutMs: 20_000 });
      expect(stranger).toMatch(/not linked/);

      const resolved = await fetch(`${ingestUrl}/integrations/v1/alertmanager/${TOKEN}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: loadFixture('resolved.json').body,
      });
      expect(resolved.status).toBe(200);
      await chat.expectEdit(dm.message_id, /Resolved/, { timeoutMs: 20_000 });

      const list = await poll('the resolved group in the API', async () => {
        const r = await api('/api/v1/alert_groups?state=resolved');
        return r.status === 200 && (r.body.results as unknown[]).length === 1 ? r.body : null;
      });
      const group = (list.results as { id: string; alerts_count: number }[])[0]!;
      expect(group.alerts_count).toBe(2);
      const detail = await poll('the timeline', async () => {
        const r = await api(`/api/v1/alert_groups/${group.id}`);
        const tl = r.body.timeline as { event: string }[] | undefined;
        return tl?.some((t) => t.event === 'NotificationSent') ? r.body : null;
      });
      const timeline = detail.timeline as { event: string; text: string; actor: unknown; source: string }[];
      const events = timeline.map((t) => t.event);
      for (const e of ['AlertGroupCreated', 'EscalationStarted', 'NotificationRequested', 'NotificationSent', 'AlertGroupAcknowledged', 'AlertGroupResolved'])
        expect(events).toContain(e);
      const ack = timeline.find((t) => t.event === 'AlertGroupAcknowledged')!;
      expect(ack.source).toBe('telegram');
      expect(JSON.stringify(ack.actor)).toMatch(/alice/);
      expect(timeline.some((t) => /demo-critical-alerts-schedule/.test(t.text))).toBe(true);
      expect(timeline.filter((t) => t.event === 'NotificationSent')).toHaveLength(1);
    });

    it('carries one trace from the webhook to the Bot API call', async () => {
      const spans = await otlp.waitFor((s) => s.some((x) => x.attributes['rpc.method'] === 'sendMessage'));
      const ingest = spans.find((s) => s.name.startsWith('POST /integrations/v1/alertmanager'))!;
      expect(ingest).toBeDefined();
      const trace = spans.filter((s) => s.traceId === ingest.traceId);
      const names = trace.map((s) => s.name);
      expect(names).toContain('router-alert-group process');
      expect(names).toContain('escalator-alert-group process');
      expect(names).toContain('notifier-requests process');
      const send = trace.find((s) => s.attributes['rpc.method'] === 'sendMessage');
      expect(send, names.join(', ')).toBeDefined();
      if (mode === 'separate processes') {
        const services = new Set(trace.map((s) => s.service));
        for (const s of ['dozor-ingest', 'dozor-router', 'dozor-escalator', 'dozor-telegram-notifier']) expect(services).toContain(s);
      }
    });

    if (mode === 'separate processes') {
      it('rebuilds identical projection tables with `dozor projections rebuild`', async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        const dump = async () => {
          const out: Record<string, unknown[]> = {};
          for (const t of ['alert_groups', 'alerts', 'timeline', 'audit_log', 'telegram_messages']) {
            out[t] = (await c.query(`SELECT * FROM "${iso.schema}"."${t}" ORDER BY 1, 2`)).rows;
          }
          return JSON.stringify(out);
        };
        // Let the projector catch up, then stop writers so the dump is stable.
        const before = await poll('a settled projection', async () => {
          const a = await dump();
          await new Promise((r) => setTimeout(r, 500));
          return a === (await dump()) ? a : null;
        });
        expect(JSON.parse(before).timeline.length).toBeGreaterThan(5);
        const { stdout } = await promisify(execFile)(process.execPath, ['apps/dozor/dist/main.js', 'projections', 'rebuild'], {
          cwd: findRepoRoot(),
          env: { PATH: process.env.PATH, NATS_URL, DOZOR_SUBJECT_PREFIX: iso.prefix, DATABASE_URL: iso.databaseUrl, LOG_LEVEL: 'warn' },
        });
        expect(stdout).toMatch(/projections rebuilt/);
        expect(await dump()).toBe(before);
        await c.end();
      });
    }
  });
}
