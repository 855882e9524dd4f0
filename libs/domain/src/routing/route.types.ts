import type { RenderLimits } from '@dozor/templates';

export type RouteFilter = { kind: 'jinja2'; template: string } | { kind: 'regex'; pattern: string } | { kind: 'labels'; matchers: string[] };

export interface RouteDef {
  id: string;
  /** null = the default route, which must come last. */
  filter: RouteFilter | null;
  /** null: the alert is recorded but not escalated. */
  escalationChainId: string | null;
}

/** Variables for Jinja2 route filters besides `payload` (OnCall passes only `payload`). */
export interface RouteContext {
  integrationName?: string;
  labels?: Readonly<Record<string, string>>;
  sourceLink?: string | null;
  /** For `time()` in filters, epoch milliseconds. */
  now?: number;
  /** Per-render limits of Jinja2 filters (defaults: DEFAULT_RENDER_LIMITS). */
  limits?: Partial<RenderLimits>;
}

/** A filter that could not be evaluated: the route did not match; record it in the timeline. */
export interface RouteError {
  routeId: string;
  /** Name of the failing template, `route:<id>`. */
  template: string;
  message: string;
}

export interface RouteSelection {
  route: RouteDef;
  errors: RouteError[];
}
