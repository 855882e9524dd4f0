/**
 * Route selection as Grafana OnCall does it: routes in order, the first whose
 * filter matches wins, the default route (no filter) last. A filter that
 * fails to evaluate does not match; its error is returned for the timeline.
 */
import { ConfigFieldError } from '@dozor/contracts';
import { buildTemplateContext, compileTemplate, configProblem, pythonJsonDumps, renderTemplate, type CompiledTemplate } from '@dozor/templates';
import { LinearRegex, RegexStepLimit, RegexSyntaxError, type StepMeter } from '@dozor/templates/regex';
import { matches, MatcherSyntaxError, parseMatchers, type LabelMatcher } from './label.matcher.js';
import { payloadLabels, type LabelLookup } from './payload-labels.lookup.js';
import type { RouteContext, RouteDef, RouteError, RouteSelection } from './route.types.js';

/** OnCall stores route terms in a 1024-character column. */
export const MAX_ROUTE_REGEX_CHARS = 1024;
/** Work bound for one regex route on one alert: Pike-VM steps (linear in the payload size). */
export const MAX_ROUTE_REGEX_STEPS = 20_000_000;
/** Largest JSON text a regex route runs over; larger payloads make regex routes report an error. */
export const MAX_ROUTE_JSON_CHARS = 4_000_000;

type CompiledFilter =
  | { readonly kind: 'jinja2'; readonly template: CompiledTemplate }
  | { readonly kind: 'regex'; readonly regex: LinearRegex }
  | { readonly kind: 'labels'; readonly matchers: readonly LabelMatcher[] };

export interface CompiledRoute {
  readonly def: RouteDef;
  readonly filter: CompiledFilter;
}

export interface CompiledRoutes {
  /** The routes with filters, in order. */
  readonly routes: readonly CompiledRoute[];
  readonly defaultRoute: RouteDef;
}

const TRUTHY = new Set(['true', '1', 'ok']);

export const routeTemplateName = (routeId: string): string => `route:${routeId}`;

function compileFilter(route: RouteDef, i: number): CompiledFilter {
  const filter = route.filter as NonNullable<RouteDef['filter']>;
  const path = ['routes', i, 'filter'];
  switch (filter.kind) {
    case 'jinja2': {
      if (typeof filter.template !== 'string' || filter.template.trim() === '')
        throw new ConfigFieldError([...path, 'template'], 'must be a non-empty Jinja2 template');
      const template = compileTemplate(filter.template, routeTemplateName(route.id));
      const problem = configProblem(template);
      if (problem) throw new ConfigFieldError(path, `invalid Jinja2 template: ${problem}`);
      return { kind: 'jinja2', template };
    }
    case 'regex': {
      if (typeof filter.pattern !== 'string' || filter.pattern === '')
        throw new ConfigFieldError([...path, 'pattern'], 'must be a non-empty regular expression');
      if (filter.pattern.length > MAX_ROUTE_REGEX_CHARS)
        throw new ConfigFieldError(path, `regex has ${filter.pattern.length} characters, at most ${MAX_ROUTE_REGEX_CHARS} are allowed`);
      try {
        return { kind: 'regex', regex: new LinearRegex(filter.pattern, { flavor: 'python' }) };
      } catch (e) {
        if (e instanceof RegexSyntaxError) throw new ConfigFieldError(path, `invalid regex: ${e.message}`);
        throw e;
      }
    }
    case 'labels': {
      if (!Array.isArray(filter.matchers) || filter.matchers.length === 0)
        throw new ConfigFieldError([...path, 'matchers'], 'must list at least one label matcher');
      const matchers = filter.matchers.flatMap((m, j) => {
        try {
          if (typeof m !== 'string') throw new MatcherSyntaxError('must be a string like severity=~"critical|warning"');
          return parseMatchers(m);
        } catch (e) {
          if (e instanceof MatcherSyntaxError) throw new ConfigFieldError([...path, 'matchers', j], e.message);
          throw e;
        }
      });
      return { kind: 'labels', matchers };
    }
    default: {
      const never: never = filter;
      throw new ConfigFieldError([...path, 'kind'], `unknown filter kind ${JSON.stringify((never as { kind: unknown }).kind)}; use jinja2, regex or labels`);
    }
  }
}

/**
 * Validates and compiles an integration's routes. Throws ConfigFieldError with
 * a path relative to the integration (`['routes', i, ...]`).
 */
export function compileRoutes(routes: readonly RouteDef[]): CompiledRoutes {
  if (!Array.isArray(routes) || routes.length === 0) throw new ConfigFieldError(['routes'], 'at least the default route (one without a filter) is required');
  const ids = new Set<string>();
  const compiled: CompiledRoute[] = [];
  routes.forEach((route, i) => {
    if (typeof route.id !== 'string' || route.id === '') throw new ConfigFieldError(['routes', i, 'id'], 'must be a non-empty string');
    if (ids.has(route.id)) throw new ConfigFieldError(['routes', i, 'id'], `duplicate route id ${JSON.stringify(route.id)}`);
    ids.add(route.id);
    const isLast = i === routes.length - 1;
    if (route.filter === null) {
      if (!isLast) throw new ConfigFieldError(['routes', i, 'filter'], 'only the last route may be the default route (no filter)');
      return;
    }
    if (isLast)
      throw new ConfigFieldError(['routes', i, 'filter'], 'the last route must be the default route: remove its filter or add a default route after it');
    compiled.push({ def: route, filter: compileFilter(route, i) });
  });
  return { routes: compiled, defaultRoute: routes[routes.length - 1] };
}

const routeMeter = (): StepMeter => ({ remaining: () => MAX_ROUTE_REGEX_STEPS, charge: () => undefined });

/** Picks the route for a payload. Synchronous, never throws. */
export function selectRoute(compiled: CompiledRoutes, payload: unknown, context: RouteContext = {}): RouteSelection {
  const errors: RouteError[] = [];
  let vars: Record<string, unknown> | undefined;
  const renderOptions = { ...context.limits, now: context.now };
  let json: string | null | undefined;
  let labels: LabelLookup | undefined;
  const fail = (route: RouteDef, message: string): void => {
    errors.push({ routeId: route.id, template: routeTemplateName(route.id), message });
  };

  for (const { def, filter } of compiled.routes) {
    switch (filter.kind) {
      case 'jinja2': {
        vars ??= buildTemplateContext({ payload, labels: context.labels, integrationName: context.integrationName, sourceLink: context.sourceLink });
        const r = renderTemplate(filter.template, vars, renderOptions);
        if (!r.ok) fail(def, `${r.error.kind}: ${r.error.message}`);
        else if (TRUTHY.has(r.output.trim().toLowerCase())) return { route: def, errors };
        break;
      }
      case 'regex': {
        if (json === undefined) {
          try {
            json = pythonJsonDumps(payload, MAX_ROUTE_JSON_CHARS);
          } catch {
            json = null;
          }
        }
        if (json === null) {
          fail(def, `payload is not serialisable within ${MAX_ROUTE_JSON_CHARS} characters of JSON`);
          break;
        }
        try {
          if (filter.regex.test(json, routeMeter())) return { route: def, errors };
        } catch (e) {
          if (!(e instanceof RegexStepLimit)) throw e;
          fail(def, `regex exceeded ${MAX_ROUTE_REGEX_STEPS} steps`);
        }
        break;
      }
      case 'labels': {
        labels ??= payloadLabels(payload);
        const lookup = labels;
        try {
          if (filter.matchers.every((m) => matches(m, lookup(m.name)))) return { route: def, errors };
        } catch (e) {
          if (!(e instanceof RegexStepLimit)) throw e;
          fail(def, e.message);
        }
        break;
      }
      default: {
        const never: never = filter;
        fail(def, `unknown filter ${JSON.stringify(never)}`);
      }
    }
  }
  return { route: compiled.defaultRoute, errors };
}
