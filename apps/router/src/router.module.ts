import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@dozor/platform';
import { AlertGroupHandler, routerConsumers, routerRequests } from './alert-group/alert-group.handler.js';
import { AlertGroupRepository } from './alert-group/alert-group.repository.js';
import { RouteSelector } from './alert-group/route-selector.js';

@Module({ controllers: [AlertGroupHandler], providers: [AlertGroupRepository, RouteSelector] })
export class RouterModule {}

export const routerService: ServiceDefinition = { target: 'router', module: RouterModule, consumers: routerConsumers, requests: routerRequests };
