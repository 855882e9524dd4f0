import { Injectable } from '@nestjs/common';
import type { AlertmanagerPayload } from '@dozor/contracts';
import type { IntegrationConfig, RouteConfig } from '@dozor/config';
import { Runtime } from '@dozor/platform';
import { compileRoutes, selectRoute, type CompiledRoutes } from '@dozor/domain';

export interface RouteSelection {
  route: RouteConfig;
  errors: { routeId: string; template: string; message: string }[];
}

/** Routes of every integration, compiled once at start. */
@Injectable()
export class RouteSelector {
  private readonly compiled = new Map<string, { integration: IntegrationConfig; routes: CompiledRoutes }>();

  constructor(private readonly runtime: Runtime) {
    for (const integration of runtime.config.integrations) {
      this.compiled.set(integration.id, { integration, routes: compileRoutes(integration.routes) });
    }
  }

  select(integrationId: string, payload: AlertmanagerPayload): RouteSelection | null {
    const c = this.compiled.get(integrationId);
    if (!c) return null;
    const { route, errors } = selectRoute(c.routes, payload, { integrationName: c.integration.name, now: this.runtime.clock().getTime() });
    return { route: route as RouteConfig, errors };
  }
}
