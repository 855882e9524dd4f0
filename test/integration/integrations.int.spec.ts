import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aggregateKeyOf, subjects, type EventOf } from '@dozor/contracts';
import { evolve, initialState } from '@dozor/domain';
import { bootstrap, type RunningDozor } from '@dozor/platform';
import { ingestService } from '@dozor/ingest';
import { routerService } from '@dozor/router';
import { ALERTMANAGER_CONFORMANCE, eventsOn, inProcessEnv, isolate, type Isolation, listFixtures, loadFixture, poll } from '@dozor/testing';

/**
 * Conformance through the real ingest and router on NATS: for every captured
 * Alertmanager/vmalert payload and for webhook and formatted_webhook samples,
 * the route selected (filters of all three kinds, the seed route first), the
 * grouping key, and whether the group resolves. Then the HTTP edge of every
 * kind (help page, rate limits, limits on huge payloads) and hostile route
 * templates that must not take the service down.
 */
const TOKENS = {
  am: 'conformance-am-token',
  wh: 'conformance-wh-token',
  fw: 'conformance-fw-token',
  limited: 'conformance-limited',
  hostile: 'conformance-hostile',
};

const CONFIG = `
integrations:
  - id: am
    name: Alertmanager
    type: alertmanager
    token: ${TOKENS.am}
    routes:
      # From OnCall's documentation; none of them match these fixtures.
      - id: oncall-doc-team-db
        filter: '{{ "db" in payload.commonLabels.get("team", "") }}'
      - id: oncall-doc-regex-search
        filter: '{{ payload.commonAnnotations.get("summary", "") | regex_search("(?i)database") }}'
      - id: oncall-doc-not-firing
        filter: '{{ payload.status not in ["firing", "resolved"] }}'
      - id: seed-critical
        filter: '{{ payload.commonLabels.severity == "critical" }}'
        escalation_chain: sre-critical
      - id: db-warnings
        labels: ['severity="warning"', 'team="db"']
      - id: flapping
        regex: '"alertname": "Flapping\\w*"'
        escalation_chain: flaps
      - id: partial-noncritical
        labels: ['alertname=~"Partial.*"', 'severity!="critical"']
      - id: lab-jobs
        regex: '"job": "capture"'
    default_route:
      escalation_chain: default-chain
  - id: wh
    name: Webhook
    type: webhook
    token: ${TOKENS.wh}
    templates:
      grouping_id: '{{ payload.get("alert_uid", payload.get("title", "")) }}'
      title: '{{ payload.get("title", "Incident") }}'
    routes:
      - id: ok-state
        filter: '{{ payload.get("state", "").upper() == "OK" }}'
      - id: disk
        regex: '(?i)disk'
        escalation_chain: storage
      - id: sev-high
        filter: '{{ payload.message | regex_search("Severity: (High|Critical)") }}'
        escalation_chain: sre-critical
  - id: fw
    name: Formatted
    type: formatted_webhook
    token: ${TOKENS.fw}
    routes:
      - id: ok-state
        filter: '{{ payload.get("state", "").upper() == "OK" }}'
      - id: latency
        regex: '"title": "Latency"'
  - id: limited
    type: webhook
    token: ${TOKENS.limited}
    rate_limit: { requests: 2, per: 1h }
  - id: limited-am
    type: alertmanager
    token: ${TOKENS.limited}-am
    rate_limit: { requests: 1, per: 1h }
  - id: hostile
    type: alertmanager
    token: ${TOKENS.hostile}
    routes:
      - id: loop
        filter: '{% for i in payload.alerts * 100000 %}{% for j in payload.alerts * 100000 %}{% endfor %}{% endfor %}'
      - id: huge
        filter: '{{ "x" * 1000000000 }}'
      - id: escape
        filter: '{{ "".constructor.constructor("return process")() }}'
      - id: backtrack
        regex: '(a+)+$'
      - id: proto
        filter: '{{ payload.get("__proto__", {}).get("polluted") or payload.update({"__proto__": {"polluted": 1}}) }}'
    default_route:
      escalation_chain: default-chain
escalation_chains:
  - { id: sre-critical, steps: [ { wait: 1h } ] }
  - { id: flaps, steps: [ { wait: 1h } ] }
  - { id: storage, steps: [ { wait: 1h } ] }
  - { id: default-chain, steps: [ { wait: 1h } ] }
`;

describe('integrations: conformance through ingest and router on NATS', () => {
  let iso: Isolation;
  let dozor: RunningDozor;
  let row = 0;

  beforeAll(async () => {
    iso = isolate('intg');
    const file = join(iso.dir, 'dozor.yaml');
    writeFileSync(file, CONFIG);
    dozor = await bootstrap([ingestService, routerService], {
      env: inProcessEnv(iso, { DOZOR_CONFIG: file }),
    });
  });
  afterAll(async () => {
    await dozor?.close();
    await iso?.cleanup();
  });

  const post = (kind: string, token: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${dozor.url}/integrations/v1/${kind}/${token}/`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  /** Posts a payload (made unique, so dedup does not hide repeats) and waits until the router decided it. */
  async function send(kind: string, token: string, integrationId: string, payload: Record<string, unknown>, groupingKey: string) {
    const body = JSON.stringify({ ...payload, dozorConformanceRow: ++row });
    const r = await post(kind, token, body);
    expect(r.status, await r.clone().text()).toBe(200);
    const { receipt_id } = (await r.json()) as { receipt_id: string };
    const subject = subjects.alertGroup(dozor.store.topology, aggregateKeyOf(integrationId, groupingKey));
    const events = await poll(`the router to decide ${receipt_id}`, async () => {
      const evs = await eventsOn(dozor.store, subject);
      return evs.some((e) => (e.type === 'AlertAdded' || e.type === 'AlertDiscarded') && e.data.receiptId === receipt_id) ? evs : null;
    });
    const received = events.find((e): e is EventOf<'AlertReceived'> => e.type === 'AlertReceived' && e.data.receiptId === receipt_id)!;
    const added = events.find((e): e is EventOf<'AlertAdded'> => e.type === 'AlertAdded' && e.data.receiptId === receipt_id);
    const state = events.reduce(evolve, initialState());
    const created =
      added && events.find((e): e is EventOf<'AlertGroupCreated'> => e.type === 'AlertGroupCreated' && e.data.alertGroupId === added.data.alertGroupId);
    const assigned = added && events.find((e): e is EventOf<'RouteAssigned'> => e.type === 'RouteAssigned' && e.data.alertGroupId === added.data.alertGroupId);
    return { received, added, created, assigned, group: state.current, events };
  }

  // fixture → [route, grouping key, resolves]; rows run in order, so a resolve finds the group its firing opened.
  // The refire is sent once more after `resolved`, so a firing after a resolve opens the next group here too.
  const rows = ALERTMANAGER_CONFORMANCE.map((r) => [r.fixture, r.route, r.groupingKey, r.resolves] as const);
  const resolvedAt = rows.findIndex(([f]) => f === 'resolved');
  const table = [...rows.slice(0, resolvedAt + 1), rows.find(([f]) => f === 'firing-flapping-refire')!, ...rows.slice(resolvedAt + 1)];

  it('the table covers every fixture', () => {
    const names = new Set(table.map(([f]) => `${f}.json`));
    expect([...names].sort()).toEqual(listFixtures().filter((n) => n !== 'headers.json'));
  });

  it('every Alertmanager and vmalert fixture: route, grouping key, resolve', async () => {
    for (const [fixture, routeId, groupingKey, resolves] of table) {
      const { received, added, created, assigned, group } = await send('alertmanager', TOKENS.am, 'am', loadFixture(fixture).json as never, groupingKey);
      expect(received.data, fixture).toMatchObject({ integrationKind: 'alertmanager', groupingKey });
      expect(received.data.groupingError, fixture).toBeUndefined();
      expect(added, fixture).toBeDefined();
      expect(created?.data.routeId, fixture).toBe(routeId);
      expect(assigned?.data, fixture).toMatchObject({ routeId, errors: [] });
      expect(group?.alertGroupId, fixture).toBe(added!.data.alertGroupId);
      expect(group?.resolved, fixture).toBe(resolves);
      // The payload is stored as received: unknown fields stay for templates.
      expect((received.data.payload as Record<string, unknown>).dozorConformanceRow, fixture).toBe(row);
    }
  });

  it("the rendered title and source link are OnCall's defaults", async () => {
    const { created } = await send(
      'alertmanager',
      TOKENS.am,
      'am',
      { ...loadFixture('firing-job-instance.json').json, status: 'firing' } as never,
      '{}:{alertname="LabToggleTest", job="capture", severity="critical"}',
    );
    expect(created?.data).toMatchObject({
      title: 'LabToggleTest (capture, critical)',
      sourceLink: 'http://vm:19090/graph?g0.expr=lab_toggle+%3E+0&g0.tab=1',
      integrationKind: 'alertmanager',
    });
  });

  it('grafana_alerting posts to an alertmanager integration; its extra fields reach the templates', async () => {
    const p = {
      ...loadFixture('firing-two-alerts.json').json,
      numFiring: 2,
      numResolved: 0,
      groupKey: '{}:{alertname="GrafanaTest"}',
      commonLabels: { alertname: 'GrafanaTest', severity: 'critical' },
    };
    const { created } = await send('grafana_alerting', TOKENS.am, 'am', p as never, '{}:{alertname="GrafanaTest"}');
    expect(created?.data.routeId).toBe('seed-critical');
    expect(created?.data).toMatchObject({ title: 'TwoInstancesTest (critical)', sourceLink: p.alerts[0]!.generatorURL });
  });

  const webhookRows: [string, string, string, Record<string, unknown>, string, string, boolean][] = [
    ['webhook alerting', 'webhook', 'wh', { alert_uid: 'u1', title: 'Disk full', state: 'alerting', message: 'Severity: High' }, 'disk', 'u1', false],
    ['webhook ok', 'webhook', 'wh', { alert_uid: 'u1', title: 'Disk full', state: 'OK', message: 'fine' }, 'disk', 'u1', true],
    ['webhook high', 'webhook', 'wh', { title: 'API errors', state: 'alerting', message: 'Severity: Critical' }, 'sev-high', 'API errors', false],
    [
      'formatted alerting',
      'formatted_webhook',
      'fw',
      {
        alert_uid: 'f-1',
        title: 'Latency',
        state: 'alerting',
        message: 'p99 > 1s',
        link_to_upstream_details: 'https://grafana.example/d/1',
        labels: { alertname: 'Latency' },
      },
      'latency',
      'f-1',
      false,
    ],
    ['formatted ok', 'formatted_webhook', 'fw', { alert_uid: 'f-1', title: 'Latency', state: 'ok' }, 'latency', 'f-1', true],
    ['formatted other', 'formatted_webhook', 'fw', { alert_uid: 'f-2', title: 'Queue', state: 'alerting' }, 'default', 'f-2', false],
  ];

  it.each(webhookRows)('%s: route, grouping key, resolve', async (_name, kind, integrationId, payload, routeId, groupingKey, resolves) => {
    const token = integrationId === 'wh' ? TOKENS.wh : TOKENS.fw;
    const { received, created, group } = await send(kind, token, integrationId, payload, groupingKey);
    expect(received.data).toMatchObject({ integrationKind: kind, groupingKey });
    expect(created?.data.routeId).toBe(routeId);
    expect(group?.resolved).toBe(resolves);
  });

  it('formatted_webhook: title and source link from its fields', async () => {
    const { created } = await send(
      'formatted_webhook',
      TOKENS.fw,
      'fw',
      { alert_uid: 'f-3', title: 'Deploy failed', state: 'alerting', link_to_upstream_details: 'https://ci.example/7' },
      'f-3',
    );
    expect(created?.data).toMatchObject({ title: 'Deploy failed', sourceLink: 'https://ci.example/7', severity: null, commonLabels: {} });
  });

  it('a grouping id template that fails: the payload digest groups it, the error is on the alert, never a 5xx', async () => {
    const failing = await bootstrapWithGroupingTemplate('{{ payload.a.b.c }}');
    try {
      const r = await fetch(`${failing.url}/integrations/v1/webhook/grouping-fails-token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"x": 1}',
      });
      expect(r.status).toBe(200);
      const evs = await poll('the receipt', async () => {
        for await (const c of failing.store.replay({ filter: subjects.allOf(failing.store.topology, 'alert-group') })) {
          const e = c.events.find((x) => x.type === 'AlertAdded');
          if (e) return await eventsOn(failing.store, c.subject);
        }
        return null;
      });
      const received = evs.find((e): e is EventOf<'AlertReceived'> => e.type === 'AlertReceived')!;
      expect(received.data.groupingKey).toMatch(/^payload-sha256:[0-9a-f]{64}$/);
      expect(received.data.groupingError).toEqual({ template: 'grouping_id', message: "UndefinedError: 'dict object' has no attribute 'a'" });
      const added = evs.find((e): e is EventOf<'AlertAdded'> => e.type === 'AlertAdded')!;
      expect(added.data.templateErrors).toEqual([received.data.groupingError]);
    } finally {
      await failing.close();
    }
  });

  async function bootstrapWithGroupingTemplate(template: string): Promise<RunningDozor> {
    const file = join(iso.dir, 'grouping-fails.yaml');
    writeFileSync(file, `integrations:\n  - id: gf\n    type: webhook\n    token: grouping-fails-token\n    templates:\n      grouping_id: '${template}'\n`);
    return bootstrap([ingestService, routerService], {
      env: inProcessEnv(iso, { DOZOR_SUBJECT_PREFIX: `${iso.prefix}gf`, DOZOR_CONFIG: file }),
    }).then((d) => {
      const close = d.close.bind(d);
      return {
        ...d,
        close: async () => {
          await d.store.deleteStream();
          await close();
        },
      };
    });
  }

  describe('the HTTP edge', () => {
    it('GET on an integration URL: a help page for the kind, the same for any token, naming no integration', async () => {
      const titles = {
        alertmanager: 'Dozor alertmanager integration',
        grafana_alerting: 'Dozor grafana_alerting integration',
        webhook: 'Dozor webhook integration',
        formatted_webhook: 'Dozor formatted webhook integration',
      };
      for (const [kind, title] of Object.entries(titles)) {
        const valid = await fetch(
          `${dozor.url}/integrations/v1/${kind}/${kind === 'webhook' ? TOKENS.wh : kind === 'formatted_webhook' ? TOKENS.fw : TOKENS.am}/`,
        );
        const invalid = await fetch(`${dozor.url}/integrations/v1/${kind}/no-such-token/`);
        expect(valid.status).toBe(200);
        expect(valid.headers.get('content-type')).toMatch(/text\/plain/);
        const text = await valid.text();
        expect(text.startsWith(title)).toBe(true);
        expect(text).toMatch(/heartbeat\//);
        expect(await invalid.text()).toBe(text);
        for (const secret of [...Object.values(TOKENS), 'hostile', 'limited', 'Formatted']) expect(text).not.toContain(secret);
      }
      expect((await fetch(`${dozor.url}/integrations/v1/zabbix/x/`)).status).toBe(404);
    });

    it('a token of another kind is an unknown token', async () => {
      const r = await post('webhook', TOKENS.am, '{}');
      expect(r.status).toBe(403);
      expect(await r.text()).toMatch(/unknown integration token/);
    });

    it('webhook kinds take any JSON object and refuse the rest with a clear 400', async () => {
      const arr = await post('webhook', TOKENS.wh, '[1]');
      expect(arr.status).toBe(400);
      expect(await arr.text()).toMatch(/body: must be a JSON object, got array/);
      const bad = await post('formatted_webhook', TOKENS.fw, '{"title": {"a": 1}}');
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/invalid formatted_webhook payload: title: must be a string/);
    });

    it('deeply nested JSON and huge label sets are refused with a clear 400, nothing appended', async () => {
      const before = await dozor.store.lastSeq();
      let deep = '"leaf"';
      for (let i = 0; i < 100; i++) deep = `{"a": ${deep}}`;
      const nested = await post('webhook', TOKENS.wh, `{"x": ${deep}}`);
      expect(nested.status).toBe(400);
      expect(await nested.text()).toMatch(/nested deeper than 64 levels/);
      const f = loadFixture('firing-single.json').json;
      const labels = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`l${i}`, 'v']));
      const huge = await post('alertmanager', TOKENS.am, JSON.stringify({ ...f, alerts: [{ ...f.alerts[0], labels }] }));
      expect(huge.status).toBe(400);
      expect(await huge.json()).toMatchObject({
        detail: 'invalid Alertmanager payload: alerts[0].labels: has 1500 entries, at most 1000 are accepted',
        field: 'alerts[0].labels',
      });
      const long = await post('alertmanager', TOKENS.am, JSON.stringify({ ...f, commonAnnotations: { description: 'x'.repeat(70_000) } }));
      expect(long.status).toBe(400);
      expect(await long.text()).toMatch(/commonAnnotations\.description: has 70000 characters, at most 65536/);
      expect(await dozor.store.lastSeq()).toBe(before);
    });

    it('over the rate limit: 429 with Retry-After for webhooks, 503 for Alertmanager (so it retries)', async () => {
      for (let i = 0; i < 2; i++) expect((await post('webhook', TOKENS.limited, JSON.stringify({ n: i }))).status).toBe(200);
      const over = await post('webhook', TOKENS.limited, '{"n": 3}');
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await over.text()).toMatch(/rate limit of 2 requests per 3600 s exceeded/);
      expect((await post('alertmanager', `${TOKENS.limited}-am`, loadFixture('firing-single.json').body)).status).toBe(200);
      const am = await post('alertmanager', `${TOKENS.limited}-am`, loadFixture('firing-two-alerts.json').body);
      expect(am.status).toBe(503);
      expect(am.headers.get('retry-after')).toBeTruthy();
      // Other integrations are not affected.
      expect((await post('webhook', TOKENS.wh, JSON.stringify({ alert_uid: 'not-limited' }))).status).toBe(200);
    });
  });

  it('hostile route templates are stopped within their bounds, recorded by name, and the alert still routes', async () => {
    const f = loadFixture('firing-single.json').json;
    const payload = { ...f, groupKey: 'hostile', alerts: [{ ...f.alerts[0], labels: { ...f.alerts[0]!.labels, long: `${'a'.repeat(60_000)}b` } }] };
    const { assigned, created } = await send('alertmanager', TOKENS.hostile, 'hostile', payload as never, 'hostile');
    expect(created?.data).toMatchObject({ routeId: 'default', escalationChainId: 'default-chain' });
    const errors = assigned!.data.errors;
    expect(errors.map((e) => e.template)).toEqual(['route:loop', 'route:huge', 'route:escape']);
    expect(errors[0]!.message).toMatch(/BudgetExceeded/);
    expect(errors[1]!.message).toMatch(/BudgetExceeded/);
    expect(errors[2]!.message).toMatch(/has no attribute 'constructor'/);
    // The service is still up and routes the next alert.
    const next = await send(
      'alertmanager',
      TOKENS.am,
      'am',
      { ...loadFixture('firing-single.json').json, groupKey: 'after-hostile' } as never,
      'after-hostile',
    );
    expect(next.created?.data.routeId).toBe('seed-critical');
    expect((await fetch(`${dozor.url}/healthz`)).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
