import { HttpException, HttpStatus, Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiAuth } from './api-auth.js';

/**
 * `Authorization: <token>` as Grafana OnCall takes it, or `Authorization: Bearer <token>`.
 * With no token configured the API is off (503), so that it is never open by accident.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly auth: ApiAuth;

  constructor(@Optional() @Inject(ApiAuth) auth?: ApiAuth) {
    this.auth = auth ?? ApiAuth.fromEnv();
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.auth.enabled) {
      throw new HttpException(
        {
          detail:
            'The REST API is disabled: no API token is configured. Set DOZOR_API_TOKEN (or DOZOR_API_TOKEN_FILE) and send it in the Authorization header.',
        },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const presented = typeof header === 'string' ? header.trim().replace(/^Bearer\s+/i, '') : '';
    if (!presented) {
      throw new HttpException(
        { detail: 'Authentication credentials were not provided: send the API token in the Authorization header.' },
        HttpStatus.UNAUTHORIZED,
      );
    }
    if (!this.auth.matches(presented)) throw new HttpException({ detail: 'Invalid token.' }, HttpStatus.UNAUTHORIZED);
    return true;
  }
}
