import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { ApiTokenGuard } from './api-token.guard.js';

/**
 * A controller of the REST API at `path`: behind the API token, with every
 * error answered as `{ detail }`, as Grafana OnCall's API does. One
 * decorator, so that no endpoint of the API can be added without the guard.
 */
export function ApiController(path: string): ClassDecorator {
  return applyDecorators(Controller(path), UseGuards(ApiTokenGuard), UseFilters(ApiExceptionFilter));
}
