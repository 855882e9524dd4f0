import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@dozor/platform';
import { AlertGroupHandler, routerConsumers, routerRequests } from './alert-group/alert-group.handler.js';
import { DirectPageHandler, DirectPageRepository, directPageRequests } from './alert-group/direct-page.handler.js';
import { AlertGroupRepository } from './alert-group/alert-group.repository.js';
import { RouteSelector } from './alert-group/route.selector.js';
import { ReceiptRenderer } from './alert-group/receipt-renderer.js';
import { IntegrationHandler, IntegrationRepository, integrationConsumers, integrationRequests } from './integration/integration.handler.js';
import { HeartbeatAlerts } from './integration/heartbeat-alerts.js';

@Module({
  controllers: [AlertGroupHandler, IntegrationHandler, DirectPageHandler],
  providers: [AlertGroupRepository, DirectPageRepository, RouteSelector, ReceiptRenderer, IntegrationRepository, HeartbeatAlerts],
})
export class RouterModule {}

export const routerService: ServiceDefinition = {
  target: 'router',
  module: RouterModule,
  consumers: (t) => ({ ...routerConsumers(t), ...integrationConsumers(t) }),
  requests: (t) => ({ ...routerRequests(t), ...integrationRequests(t), ...directPageRequests(t) }),
};
