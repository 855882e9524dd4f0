import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALERTMANAGER_CONFORMANCE } from '@dozor/testing';
import { compileRoutes, selectRoute } from './route.selector.js';
import type { RouteDef } from './route.types.js';
import {
  ALERTMANAGER_GROUPING_ID_TEMPLATE,
  ALERTMANAGER_RESOLVE_CONDITION_TEMPLATE,
  FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE,
  FORMATTED_WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
  WEBHOOK_GROUPING_ID_TEMPLATE,
  WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
  buildTemplateContext,
  compileTemplate,
  renderTemplate,
} from '@dozor/templates';

const dir = fileURLToPath(new URL('../../../../test/fixtures/alertmanager/', import.meta.url));
const fixtures = new Map(
  readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'headers.json')
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(dir + f, 'utf8')) as Record<string, unknown>]),
);

/** An integration's routes, one of each filter kind and more, the seed route first. */
const routes: RouteDef[] = [
  { id: 'seed-critical', filter: { kind: 'jinja2', template: '{{ payload.commonLabels.severity == "critical" }}' }, escalationChainId: 'sre-critical' },
  { id: 'db-warnings', filter: { kind: 'labels', matchers: ['severity="warning"', 'team="db"'] }, escalationChainId: 'db' },
  { id: 'flapping', filter: { kind: 'regex', pattern: '"alertname": "Flapping\\w*"' }, escalationChainId: 'flaps' },
  { id: 'partial-noncritical', filter: { kind: 'labels', matchers: ['alertname=~"Partial.*"', 'severity!="critical"'] }, escalationChainId: null },
  { id: 'lab-jobs', filter: { kind: 'regex', pattern: '"job": "capture"' }, escalationChainId: 'lab' },
  { id: 'default', filter: null, escalationChainId: 'default-chain' },
];
const compiled = compileRoutes(routes);

const render = (source: string, payload: unknown): string => {
  const r = renderTemplate(compileTemplate(source, 'conformance'), buildTemplateContext({ payload }));
  if (!r.ok) throw new Error(r.error.message);
  return r.output;
};
const truthy = (s: string): boolean => ['true', '1', 'ok'].includes(s.trim().toLowerCase());

// fixture → [route, grouping key, resolves]
const table = ALERTMANAGER_CONFORMANCE.map((r) => [r.fixture, r.route, r.groupingKey, r.resolves] as const);

describe('routing conformance over the Alertmanager fixtures', () => {
  it('the table covers every fixture', () => {
    expect(table.map(([f]) => f).sort()).toEqual([...fixtures.keys()].sort());
  });

  it.each(table)('%s → route %s, grouping key %s, resolves %s', (fixture, routeId, groupKey, resolves) => {
    const payload = fixtures.get(fixture);
    const { route, errors } = selectRoute(compiled, payload, { integrationName: 'Alertmanager' });
    expect(errors).toEqual([]);
    expect(route.id).toBe(routeId);
    expect(render(ALERTMANAGER_GROUPING_ID_TEMPLATE, payload)).toBe(groupKey);
    expect(truthy(render(ALERTMANAGER_RESOLVE_CONDITION_TEMPLATE, payload))).toBe(resolves);
  });

  it('the seed route matches the critical fixtures and not the FlappingTest warnings', () => {
    const seed = compileRoutes([routes[0], routes[routes.length - 1]]);
    for (const [name, payload] of fixtures) {
      const critical = (payload.commonLabels as Record<string, string>).severity === 'critical';
      expect(selectRoute(seed, payload).route.id, name).toBe(critical ? 'seed-critical' : 'default');
    }
    for (const name of ['firing-flapping', 'firing-flapping-refire', 'resolved', 'vmalert-resolved']) {
      expect(selectRoute(seed, fixtures.get(name)).route.id).toBe('default');
    }
  });

  it('a route without an escalation chain is still selected (the alert is recorded, not escalated)', () => {
    expect(selectRoute(compiled, fixtures.get('firing-group-with-resolved-alert')).route).toEqual(routes[3]);
  });

  it('a failing filter records its error and falls through to the next route', () => {
    const withBroken = compileRoutes([
      { id: 'broken', filter: { kind: 'jinja2', template: '{{ payload.commonLabels.missing.deeper }}' }, escalationChainId: 'x' },
      ...routes,
    ]);
    for (const [name, payload] of fixtures) {
      const { route, errors } = selectRoute(withBroken, payload);
      expect(route.id, name).toBe(table.find(([f]) => f === name)?.[1]);
      expect(errors).toEqual([{ routeId: 'broken', template: 'route:broken', message: "UndefinedError: 'dict object' has no attribute 'missing'" }]);
    }
  });
});

describe('routing conformance over webhook and formatted_webhook samples', () => {
  const webhookRoutes = compileRoutes([
    { id: 'ok-state', filter: { kind: 'jinja2', template: '{{ payload.get("state", "").upper() == "OK" }}' }, escalationChainId: null },
    { id: 'disk', filter: { kind: 'regex', pattern: '(?i)disk' }, escalationChainId: 'storage' },
    { id: 'sev-high', filter: { kind: 'jinja2', template: '{{ payload.message | regex_search("Severity: (High|Critical)") }}' }, escalationChainId: 'sre' },
    { id: 'default', filter: null, escalationChainId: 'default-chain' },
  ]);
  const samples: [string, Record<string, unknown>, string, string, string, boolean][] = [
    [
      'webhook alerting',
      { alert_uid: 'u1', title: 'Disk full', state: 'alerting', message: 'Severity: High' },
      'disk',
      WEBHOOK_GROUPING_ID_TEMPLATE,
      WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
      false,
    ],
    [
      'webhook ok',
      { alert_uid: 'u1', title: 'Disk full', state: 'OK', message: 'fine' },
      'ok-state',
      WEBHOOK_GROUPING_ID_TEMPLATE,
      WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
      true,
    ],
    [
      'webhook high',
      { title: 'API errors', state: 'alerting', message: 'Severity: Critical' },
      'sev-high',
      WEBHOOK_GROUPING_ID_TEMPLATE,
      WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
      false,
    ],
    [
      'formatted alerting',
      { alert_uid: 'f-1', title: 'Latency', state: 'alerting', message: 'p99 > 1s', link_to_upstream_details: 'https://x' },
      'default',
      FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE,
      FORMATTED_WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
      false,
    ],
    [
      'formatted ok',
      { alert_uid: 'f-1', title: 'Latency', state: 'ok' },
      'ok-state',
      FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE,
      FORMATTED_WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
      true,
    ],
  ];
  it.each(samples)('%s', (_name, payload, routeId, groupingTemplate, resolveTemplate, resolves) => {
    expect(selectRoute(webhookRoutes, payload).route.id).toBe(routeId);
    const key = render(groupingTemplate, payload);
    expect(key.length).toBeGreaterThan(0);
    expect(truthy(render(resolveTemplate, payload))).toBe(resolves);
  });

  it('webhook grouping keys are the payload printed as a Python dict, formatted_webhook keys the alert_uid', () => {
    expect(render(WEBHOOK_GROUPING_ID_TEMPLATE, { a: 1, b: [true, null], c: 'x' })).toBe("{'a': 1, 'b': [True, None], 'c': 'x'}\n");
    expect(render(FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE, { alert_uid: 'f-1' })).toBe('f-1');
  });
});
