import { describe, expect, it } from 'vitest';
import { ConfigFieldError } from '@dozor/contracts';
import { thrown } from '@dozor/testing';
import { compileRoutes, selectRoute, MAX_ROUTE_REGEX_CHARS } from './route.selector.js';
import type { RouteDef, RouteFilter } from './route.types.js';

const route = (id: string, filter: RouteFilter | null, escalationChainId: string | null = `${id}-chain`): RouteDef => ({ id, filter, escalationChainId });
const dflt = route('default', null);
const payload = {
  status: 'firing',
  commonLabels: { severity: 'critical', team: 'sre' },
  groupLabels: { alertname: 'X' },
  alerts: [{ labels: { instance: 'a' } }],
  groupKey: '{}:{alertname="X"}',
};

const configError = (routes: RouteDef[]) => thrown(ConfigFieldError, () => compileRoutes(routes));

describe('compileRoutes', () => {
  it.each([
    ['an invalid template', [route('a', { kind: 'jinja2', template: '{{ payload.x ' }), dflt], ['routes', 0, 'filter'], /invalid Jinja2 template/],
    ['an unknown filter in a template', [route('a', { kind: 'jinja2', template: '{{ x | nope }}' }), dflt], ['routes', 0, 'filter'], /No filter named 'nope'/],
    ['an empty template', [route('a', { kind: 'jinja2', template: ' ' }), dflt], ['routes', 0, 'filter', 'template'], /non-empty/],
    [
      'an invalid regex',
      [route('a', { kind: 'regex', pattern: 'crit' }), route('b', { kind: 'regex', pattern: '(' }), dflt],
      ['routes', 1, 'filter'],
      /invalid regex/,
    ],
    ['a backtracking-only regex', [route('a', { kind: 'regex', pattern: '(\\w+)\\1' }), dflt], ['routes', 0, 'filter'], /backreferences are not supported/],
    ['a too long regex', [route('a', { kind: 'regex', pattern: 'a'.repeat(MAX_ROUTE_REGEX_CHARS + 1) }), dflt], ['routes', 0, 'filter'], /at most 1024/],
    [
      'an invalid matcher',
      [route('a', { kind: 'labels', matchers: ['severity="critical"', 'team=="x"'] }), dflt],
      ['routes', 0, 'filter', 'matchers', 1],
      /quoted|operator/,
    ],
    ['no matchers', [route('a', { kind: 'labels', matchers: [] }), dflt], ['routes', 0, 'filter', 'matchers'], /at least one/],
    ['a default route that is not last', [dflt, route('a', { kind: 'regex', pattern: 'x' })], ['routes', 0, 'filter'], /only the last route/],
    ['no default route', [route('a', { kind: 'regex', pattern: 'x' })], ['routes', 0, 'filter'], /last route must be the default/],
    ['duplicate ids', [route('a', { kind: 'regex', pattern: 'x' }), route('a', null)], ['routes', 1, 'id'], /duplicate/],
    ['an unknown filter kind', [route('a', { kind: 'nope' } as unknown as RouteFilter), dflt], ['routes', 0, 'filter', 'kind'], /unknown filter kind/],
  ])('rejects %s with a ConfigFieldError at the field', (_what, routes, path, message) => {
    const e = configError(routes as RouteDef[]);
    expect(e.path).toEqual(path);
    expect(e.problem).toMatch(message as RegExp);
  });

  it('rejects an empty route list', () => {
    expect(configError([]).path).toEqual(['routes']);
  });

  it('accepts one default route alone', () => {
    expect(selectRoute(compileRoutes([dflt]), payload)).toEqual({ route: dflt, errors: [] });
  });
});

describe('selectRoute', () => {
  it('takes the first matching route, in order', () => {
    const routes = compileRoutes([
      route('warn', { kind: 'labels', matchers: ['severity="warning"'] }),
      route('crit1', { kind: 'labels', matchers: ['severity=~"critical|warning"'] }),
      route('crit2', { kind: 'jinja2', template: '{{ payload.commonLabels.severity == "critical" }}' }),
      dflt,
    ]);
    expect(selectRoute(routes, payload).route.id).toBe('crit1');
  });

  it.each([
    ['True', true],
    ['  true\n', true],
    ['1', true],
    ['OK', true],
    ['ok ', true],
    ['yes', false],
    ['False', false],
    ['0', false],
    ['', false],
    ['None', false],
    ['truee', false],
  ])('a Jinja2 filter printing %j matches: %s', (printed, expected) => {
    const routes = compileRoutes([route('j', { kind: 'jinja2', template: `{{ ${JSON.stringify(printed)} }}` }), dflt]);
    expect(selectRoute(routes, payload).route.id).toBe(expected ? 'j' : 'default');
  });

  it('a Jinja2 filter sees the route context', () => {
    const routes = compileRoutes([
      route('j', { kind: 'jinja2', template: '{{ integration_name == "AM" and labels.env == "prod" and time().year == 2026 }}' }),
      dflt,
    ]);
    expect(selectRoute(routes, payload, { integrationName: 'AM', labels: { env: 'prod' }, now: Date.UTC(2026, 0, 1) }).route.id).toBe('j');
    expect(selectRoute(routes, payload, { integrationName: 'AM', labels: { env: 'dev' }, now: Date.UTC(2026, 0, 1) }).route.id).toBe('default');
  });

  it('regex filters search the payload as Python json.dumps prints it', () => {
    const routes = compileRoutes([route('r', { kind: 'regex', pattern: '"severity": "crit' }), dflt]);
    expect(selectRoute(routes, payload).route.id).toBe('r');
    const compact = compileRoutes([route('r', { kind: 'regex', pattern: '"severity":"crit' }), dflt]);
    expect(selectRoute(compact, payload).route.id).toBe('default');
    const unicode = compileRoutes([route('r', { kind: 'regex', pattern: 'caf\\\\u00e9' }), dflt]);
    expect(selectRoute(unicode, { note: 'café' }).route.id).toBe('r');
  });

  it('a catastrophic regex route is bounded: it answers no match and selection goes on', () => {
    const routes = compileRoutes([route('evil', { kind: 'regex', pattern: '(a+)+$' }), route('next', { kind: 'labels', matchers: ['team="sre"'] }), dflt]);
    const big = { ...payload, blob: `${'a'.repeat(200_000)}b` };
    expect(selectRoute(routes, big)).toEqual({ route: routes.routes[1].def, errors: [] });
  });

  it('template errors and budget overruns are reported, never thrown, and fall through', () => {
    const routes = compileRoutes([
      route('undef', { kind: 'jinja2', template: '{{ payload.nope.deeper }}' }),
      route('bomb', {
        kind: 'jinja2',
        template: '{% for a in payload.groupKey %}{% for b in payload.groupKey %}{% for c in payload.groupKey %}{% endfor %}{% endfor %}{% endfor %}',
      }),
      route('range', { kind: 'jinja2', template: '{% for i in range(10) %}{% endfor %}' }),
      route('no-clock', { kind: 'jinja2', template: '{{ time() }}' }),
      route('labels', { kind: 'labels', matchers: ['instance="a"'] }),
      dflt,
    ]);
    const { route: picked, errors } = selectRoute(routes, payload, { limits: { maxSteps: 5_000 } });
    expect(picked.id).toBe('labels');
    expect(errors.map((e) => [e.routeId, e.template, e.message.split(':')[0]])).toEqual([
      ['undef', 'route:undef', 'UndefinedError'],
      ['bomb', 'route:bomb', 'BudgetExceeded'],
      ['range', 'route:range', 'SecurityError'],
      ['no-clock', 'route:no-clock', 'ValueError'],
    ]);
  });

  it('never throws on payloads that are not Alertmanager-shaped', () => {
    const routes = compileRoutes([
      route('j', { kind: 'jinja2', template: '{{ payload.commonLabels.severity == "critical" }}' }),
      route('r', { kind: 'regex', pattern: 'x' }),
      route('l', { kind: 'labels', matchers: ['a="b"'] }),
      dflt,
    ]);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const p of [null, undefined, 42, 'text', [], { commonLabels: null }, { alerts: [null] }, cyclic, { big: 10n }]) {
      const r = selectRoute(routes, p);
      expect(['j', 'r', 'l', 'default']).toContain(r.route.id);
    }
  });

  it('does not mutate the payload even when a filter pops from it', () => {
    const p = structuredClone(payload);
    const routes = compileRoutes([
      route('j', { kind: 'jinja2', template: '{{ payload.commonLabels.pop("severity") == "critical" }}' }),
      route('k', { kind: 'labels', matchers: ['severity="critical"'] }),
      dflt,
    ]);
    expect(selectRoute(routes, p).route.id).toBe('j');
    expect(p).toEqual(payload);
  });
});
