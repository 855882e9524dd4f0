import { HttpException, HttpStatus, Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiAuth } from './api-auth.js';
import { ConsoleSessions, CSRF_HEADER, readCookie, SESSION_COOKIE, type Session } from './console-session.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The console session a request was let in with, when it came with the session cookie rather than a token. */
export function requestSession(req: FastifyRequest): Session | null {
  return (req as FastifyRequest & { dozorSession?: Session }).dozorSession ?? null;
}

/**
 * `Authorization: <token>` as Grafana OnCall takes it, or `Authorization: Bearer <token>`.
 * With no token configured the API is off (503), so that it is never open by accident.
 * A request without the header may instead carry the console's session cookie
 * (see ConsoleSessions); an unsafe method then also needs the session's CSRF token.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly auth: ApiAuth;
  private readonly sessions: ConsoleSessions;

  constructor(@Optional() @Inject(ApiAuth) auth?: ApiAuth, @Optional() @Inject(ConsoleSessions) sessions?: ConsoleSessions) {
    this.auth = auth ?? ApiAuth.fromEnv();
    this.sessions = sessions ?? ConsoleSessions.fromEnv(this.auth.token);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (req.headers.authorization === undefined) {
      const session = this.sessions.verify(readCookie(req.headers.cookie, SESSION_COOKIE), Date.now());
      if (session) {
        const csrf = req.headers[CSRF_HEADER];
        if (!SAFE_METHODS.has(req.method) && !this.sessions.checkCsrf(session, typeof csrf === 'string' ? csrf : undefined)) {
          throw new HttpException(
            { detail: `CSRF check failed: a signed-in ${req.method} must send the session's ${CSRF_HEADER} header.` },
            HttpStatus.FORBIDDEN,
          );
        }
        (req as FastifyRequest & { dozorSession?: Session }).dozorSession = session;
        return true;
      }
    }
    if (!this.auth.enabled) {
      throw new HttpException(
        {
          detail:
            'The REST API is disabled: no API token is configured. Set DOZOR_API_TOKEN (or DOZOR_API_TOKEN_FILE) and send it in the Authorization header.',
        },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const header = req.headers.authorization;
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
