import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, SYSTEM_ACTORS, webhookRequestId, type CommandReply, type DozorEvent, type EventOf } from '@dozor/contracts';
import { LOST_OUTCOME } from '@dozor/domain';
import { ExpectedVersion } from '@dozor/eventstore';
import { bootstrap, type RunningDozor } from '@dozor/platform';
import { ingestService } from '@dozor/ingest';
import { routerService } from '@dozor/router';
import { escalatorService } from '@dozor/escalator';
import { apiService } from '@dozor/api';
import { openDatabase } from '@dozor/projections';
import { API_TOKEN, TOKEN, eventsOn, firstCreatedGroup, inProcessEnv, isolate, type Isolation, poll, postAlertFixture, writeConfig } from '@dozor/testing';

interface Hit {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const STATUS_TRIGGERS = ['acknowledge', 'unacknowledge', 'silence', 'unsilence', 'resolve', 'unresolve'] as const;

/**
 * Outgoing webhooks end to end in one process (ingest, router, escalator)
 * against an HTTP receiver on loopback: every trigger, a templated body,
 * retries on 5xx, the SSRF refusal, and one request per delivery.
 */
describe('outgoing webhooks', () => {
  let iso: Isolation;
  let dozor: RunningDozor;
  let replica: RunningDozor;
  let receiver: Server;
  let port: number;
  const hits: Hit[] = [];
  let flaky = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hits.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (req.url === '/flaky' && ++flaky <= 2) res.writeHead(503).end('busy, try later');
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `ticket-${hits.length}` }));
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;
    const hook = (id: string, lines: string[]) => `  - id: ${id}\n${lines.map((l) => `    ${l}\n`).join('')}`;
    const webhooks = [
      hook('created', [
        'trigger_type: alert group created',
        `url: ${base}/created`,
        `data: '{"group": "{{ alert_group_id }}", "title": "{{ alert_group.title }}", "severity": "{{ alert_payload.commonLabels.severity }}", "event": "{{ event.type }}", "integration": "{{ integration.name }}"}'`,
      ]),
      ...STATUS_TRIGGERS.map((t) => hook(`on-${t}`, [`trigger_type: ${t}`, `url: ${base}/t/${t}`])),
      hook('any-status', ['trigger_type: status change', `url: '${base}/status/{{ event.type }}'`]),
      hook('personal', ['trigger_type: personal notification', `url: '${base}/personal/{{ user.id }}'`]),
      hook('step', [
        'trigger_type: escalation',
        `url: ${base}/step`,
        'http_method: PUT',
        `headers: '{"X-Dozor-Group": "{{ alert_group_id }}"}'`,
        'authorization_header: { env: HOOK_TOKEN }',
      ]),
      hook('flaky', ['trigger_type: escalation', `url: ${base}/flaky`]),
      hook('takeover', ['trigger_type: escalation', `url: ${base}/takeover`]),
      hook('blocked', ['trigger_type: escalation', `url: http://127.0.0.2:${port}/blocked`]),
      hook('filtered', [
        'trigger_type: alert group created',
        `url: ${base}/filtered`,
        `trigger_template: '{{ alert_payload.commonLabels.severity == "warning" }}'`,
      ]),
    ];
    iso = isolate('whk');
    const env = inProcessEnv(iso, {
      DOZOR_CONFIG: writeConfig(iso.dir, `webhooks:\n${webhooks.join('')}`),
      ALERTMANAGER_INTEGRATION_TOKEN: TOKEN,
      DATABASE_URL: iso.databaseUrl,
      DOZOR_WEBHOOK_ALLOW: '127.0.0.1/32',
      HOOK_TOKEN: 'Bearer t0k3n',
      DOZOR_API_TOKEN: API_TOKEN,
    });
    dozor = await bootstrap([ingestService, routerService, escalatorService, apiService], { env, openDatabase: (e) => openDatabase(e) });
    // A second escalator replica shares the webhook consumers: deliveries must still go out once.
    replica = await bootstrap([escalatorService], { env, openDatabase: (e) => openDatabase(e) });
  });
  afterAll(async () => {
    await replica?.close();
    await dozor?.close();
    await iso?.cleanup();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  const hitsTo = (path: string) => hits.filter((h) => h.path === path);
  const webhookEvents = async (id: string): Promise<DozorEvent[]> => eventsOn(dozor.store, subjects.webhook(dozor.store.topology, id));

  let group: { subject: string; id: string };

  it('fires on alert group created with a templated body; trigger_template filters', async () => {
    expect(await postAlertFixture(dozor.url, 'firing-single.json')).toBe(200);
    group = await firstCreatedGroup(dozor.store);
    const [created] = await poll('the created webhook', async () => (hitsTo('/created').length ? hitsTo('/created') : null), 30_000);
    expect(created!.method).toBe('POST');
    expect(created!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(created!.body)).toEqual({
      group: group.id,
      title: expect.stringContaining('AlwaysFiringTest'),
      severity: 'critical',
      event: 'alert group created',
      integration: 'alertmanager-main-integration',
    });
    const done = await poll('its delivery to be recorded', async () =>
      (await webhookEvents(group.id)).find((e) => e.type === 'OutgoingWebhookSucceeded' && e.data.webhookId === 'created'),
    );
    expect(done).toMatchObject({ data: { trigger: 'alert_group_created', attempts: 1, status: 200 } });
    expect(hitsTo('/filtered')).toEqual([]);
  });

  it('fires on every status trigger, and status change on each of them', async () => {
    for (const action of STATUS_TRIGGERS) {
      const reply = await dozor.store.requests.request<CommandReply>(subjects.alertGroupCommands(dozor.store.topology), {
        action,
        alertGroupId: group.id,
        actor: { kind: 'user', id: 'alice', name: 'alice' },
        source: 'api',
        ...(action === 'silence' ? { durationSeconds: 3600 } : {}),
      });
      expect(reply).toMatchObject({ ok: true });
      await poll(`the ${action} webhooks`, async () => hitsTo(`/t/${action}`).length === 1 && hitsTo(`/status/${action}`).length === 1, 30_000);
    }
    const silence = JSON.parse(hitsTo('/t/silence')[0]!.body);
    expect(silence.event).toMatchObject({ type: 'silence', until: expect.any(String) });
    expect(silence.user).toMatchObject({ id: 'alice' });
    expect(silence.alert_group).toMatchObject({ id: group.id, state: 'silenced' });
    // The last responses of the other webhooks are in the context.
    expect(JSON.parse(hitsTo('/t/unresolve')[0]!.body).responses).toMatchObject({ created: { id: expect.stringMatching(/^ticket-/) } });
  });

  it('sends an escalation step webhook once, with headers and the secret Authorization', async () => {
    const t = dozor.store.topology;
    const requested = (webhookId: string, stepIndex: number): EventOf<'OutgoingWebhookRequested'>['data'] => ({
      alertGroupId: group.id,
      webhookId,
      trigger: 'escalation_step',
      stepIndex,
      requestId: webhookRequestId(group.id, 0, stepIndex, webhookId),
    });
    // The same request four times (a replayed step), handled by two replicas: one request reaches the receiver.
    for (let i = 0; i < 4; i++) {
      await dozor.store.append(subjects.escalation(t, group.id), [{ type: 'OutgoingWebhookRequested', data: requested('step', 7) }], {
        expected: ExpectedVersion.any,
        actor: SYSTEM_ACTORS.escalator,
        source: 'system',
        msgId: `spec-step-${i}`,
      });
    }
    await poll('the step webhook', async () => hitsTo('/step').length > 0, 30_000);
    await poll('both requests handled', async () => {
      const evs = await eventsOn(dozor.store, subjects.escalation(t, group.id));
      const info = await dozor.store.consumerInfo('escalator-webhooks-requests');
      return evs.length > 0 && info.num_pending === 0 && info.num_ack_pending === 0;
    });
    const [step] = hitsTo('/step');
    expect(hitsTo('/step')).toHaveLength(1);
    expect(step!.method).toBe('PUT');
    expect(step!.headers['x-dozor-group']).toBe(group.id);
    expect(step!.headers.authorization).toBe('Bearer t0k3n');
    expect(JSON.parse(step!.body)).toMatchObject({ event: { type: 'escalation' }, alert_group_id: group.id });

    await dozor.store.append(
      subjects.escalation(t, group.id),
      [
        { type: 'OutgoingWebhookRequested', data: requested('flaky', 8) },
        { type: 'OutgoingWebhookRequested', data: requested('blocked', 9) },
      ],
      {
        expected: ExpectedVersion.any,
        actor: SYSTEM_ACTORS.escalator,
        source: 'system',
      },
    );
  });

  it('retries on 5xx with backoff until it succeeds, each attempt in the log', async () => {
    const ok = await poll(
      'the flaky webhook to succeed',
      async () => (await webhookEvents(group.id)).find((e) => e.type === 'OutgoingWebhookSucceeded' && e.data.webhookId === 'flaky'),
      40_000,
    );
    expect(ok).toMatchObject({ data: { attempts: 3, status: 200 } });
    const attempts = (await webhookEvents(group.id)).filter(
      (e): e is EventOf<'OutgoingWebhookAttempted'> => e.type === 'OutgoingWebhookAttempted' && e.data.webhookId === 'flaky',
    );
    expect(attempts.map((a) => [a.data.attempt, a.data.status, a.data.final])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    expect(attempts[0]!.data).toMatchObject({ url: `http://127.0.0.1:${port}/flaky`, method: 'POST', responseSnippet: 'busy, try later', error: null });
    expect(hitsTo('/flaky')).toHaveLength(3);
  });

  it('refuses a target outside the allow-list, without retrying', async () => {
    const failed = await poll(
      'the blocked webhook to fail',
      async () => (await webhookEvents(group.id)).find((e) => e.type === 'OutgoingWebhookFailed' && e.data.webhookId === 'blocked'),
      30_000,
    );
    expect(failed).toMatchObject({ data: { attempts: 1, reason: expect.stringContaining('127.0.0.2 is a loopback address') } });
    expect(hitsTo('/blocked')).toEqual([]);
  });

  it('takes over a claim whose sender died before recording: the lost attempt is in the log, the next one is sent', async () => {
    const t = dozor.store.topology;
    const requestId = webhookRequestId(group.id, 0, 10, 'takeover');
    const ref = { alertGroupId: group.id, requestId, webhookId: 'takeover', trigger: 'escalation_step' as const };
    // What a sender leaves when it dies between sending and recording: a claim with no outcome, older than the lease.
    await dozor.store.append(
      subjects.webhook(t, group.id),
      [{ type: 'OutgoingWebhookClaimed', data: { ...ref, attempt: 1, claimedAt: new Date(Date.now() - 60_000).toISOString() } }],
      {
        expected: ExpectedVersion.any,
        actor: SYSTEM_ACTORS.escalator,
        source: 'system',
      },
    );
    await dozor.store.append(subjects.escalation(t, group.id), [{ type: 'OutgoingWebhookRequested', data: { ...ref, stepIndex: 10 } }], {
      expected: ExpectedVersion.any,
      actor: SYSTEM_ACTORS.escalator,
      source: 'system',
    });
    await poll(
      'the takeover to succeed',
      async () => (await webhookEvents(group.id)).some((e) => e.type === 'OutgoingWebhookSucceeded' && e.data.webhookId === 'takeover'),
      30_000,
    );
    const attempts = (await webhookEvents(group.id)).filter(
      (e): e is EventOf<'OutgoingWebhookAttempted'> => e.type === 'OutgoingWebhookAttempted' && e.data.webhookId === 'takeover',
    );
    expect(attempts.map((a) => [a.data.attempt, a.data.status, a.data.error])).toEqual([
      [1, null, LOST_OUTCOME],
      [2, 200, null],
    ]);
    expect(hitsTo('/takeover')).toHaveLength(1);
  });

  it('fires personal notification webhooks on NotificationSent', async () => {
    await dozor.store.append(
      subjects.notification(dozor.store.topology, group.id),
      [
        {
          type: 'NotificationSent',
          data: { alertGroupId: group.id, notificationId: `ntf:${group.id}:0:1:alice`, userId: 'alice', channel: 'telegram', chatId: '1', messageId: 5 },
        },
      ],
      { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.telegram, source: 'system' },
    );
    const [hit] = await poll('the personal webhook', async () => (hitsTo('/personal/alice').length ? hitsTo('/personal/alice') : null), 30_000);
    expect(JSON.parse(hit!.body)).toMatchObject({ event: { type: 'personal notification' }, user: { id: 'alice' }, notified_users: [{ id: 'alice' }] });
  });

  it("shows each attempt with its status and the response's start in the group's timeline (REST API)", async () => {
    const lines = await poll(
      'the webhook lines in the timeline',
      async () => {
        const r = await fetch(`${dozor.url}/api/v1/alert_groups/${group.id}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
        if (r.status !== 200) return null;
        const tl = ((await r.json()) as { timeline: { event: string; text: string }[] }).timeline.filter((x) => x.event.startsWith('OutgoingWebhook'));
        return tl.some((x) => x.text.includes('takeover') && x.event === 'OutgoingWebhookSucceeded') ? tl : null;
      },
      30_000,
    );
    const texts = lines.map((x) => x.text);
    const first = new RegExp(
      `^Outgoing webhook flaky \\(escalation\\) attempt 1: POST http://127\\.0\\.0\\.1:${port}/flaky → HTTP 503: busy, try later \\(\\d+ ms, will retry\\)$`,
    );
    expect(texts).toContainEqual(expect.stringMatching(first));
    expect(texts).toContain('Outgoing webhook flaky (escalation) succeeded: HTTP 200 after 3 attempts');
    expect(texts.find((x) => x.startsWith('Outgoing webhook blocked (escalation) failed after 1 attempt:'))).toContain('127.0.0.2 is a loopback address');
    expect(lines.some((x) => x.event === 'OutgoingWebhookClaimed')).toBe(false);
  });
});
