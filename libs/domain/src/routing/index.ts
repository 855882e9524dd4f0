export {
  compileRoutes,
  selectRoute,
  routeTemplateName,
  MAX_ROUTE_REGEX_CHARS,
  MAX_ROUTE_REGEX_STEPS,
  MAX_ROUTE_JSON_CHARS,
  type CompiledRoutes,
  type CompiledRoute,
} from './route.selector.js';
export { parseMatcher, parseMatchers, matches as matchesLabel, formatMatcher, MatcherSyntaxError, type LabelMatcher, type MatchOp } from './label.matcher.js';
export { payloadLabels, type LabelLookup } from './payload-labels.lookup.js';
export type { RouteFilter, RouteDef, RouteContext, RouteError, RouteSelection } from './route.types.js';
