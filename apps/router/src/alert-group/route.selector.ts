import { Injectable } from '@nestjs/common';
import type { IntegrationConfig } from '@dozor/config';
import { Runtime } from '@dozor/platform';
import { compileRoutes, selectRoute, type CompiledRoutes, type RouteContext, type RouteSelection } from '@dozor/domain';

/** Routes of every integration, compiled once at start. */
@Injectable()
export class RouteSelector {
  private readonly compiled = new Map<string, { integration: IntegrationConfig; routes: CompiledRoutes }>();

  constructor(runtime: Runtime) {
    for (const integration of runtime.config.integrations) {
      this.compiled.set(integration.id, { integration, routes: compileRoutes(integration.routes) });
    }
  }

  /**
   * Selects the route for a payload as received (unknown fields kept), with
   * the route context (integration name, labels, source link, now). Template
   * failures fall through to the next route and are returned for the timeline.
   */
  select(integrationId: string, payload: unknown, context: Omit<RouteContext, 'integrationName'>): RouteSelection | null {
    const c = this.compiled.get(integrationId);
    if (!c) return null;
    return selectRoute(c.routes, payload, { ...context, integrationName: c.integration.name });
  }
}
