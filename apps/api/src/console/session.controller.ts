import { Body, Controller, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, Optional, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EventStore } from '@dozor/eventstore';
import { ApiAuth, ApiExceptionFilter, ConsoleSessions, readCookie, redeemConsoleLoginCode, SESSION_COOKIE, type SessionPrincipal } from '@dozor/platform';
import { UserDirectory } from '../users/user-directory.js';
import { ConsoleAssets } from './console-assets.service.js';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The console shell (`/`, `/login`, `/console/assets/<file>`) and sign-in:
 *   POST   /console/api/session        {"token"}  the API token → session cookie
 *   POST   /console/api/session/code   {"code"}   a one-time sign-in code → session cookie
 *   GET    /console/api/session                   who is signed in, and the CSRF token
 *   DELETE /console/api/session                   sign out
 * Sign-in posts must be JSON from the console's own origin (Origin checked), so
 * another site cannot sign a browser into someone else's session.
 */
@Controller()
@UseFilters(ApiExceptionFilter)
export class SessionController {
  private readonly auth: ApiAuth;
  private readonly sessions: ConsoleSessions;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(ConsoleAssets) private readonly assets: ConsoleAssets,
    @Optional() @Inject(ApiAuth) auth?: ApiAuth,
    @Optional() @Inject(UserDirectory) private readonly directory?: UserDirectory,
  ) {
    this.auth = auth ?? ApiAuth.fromEnv();
    this.sessions = ConsoleSessions.fromEnv(this.auth.token);
  }

  @Get()
  index(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.serve('index.html', req, reply);
  }

  @Get('login')
  login(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.serve('index.html', req, reply);
  }

  @Get('console/assets/:name')
  asset(@Req() req: FastifyRequest<{ Params: { name: string } }>, @Res() reply: FastifyReply) {
    return this.serve(req.params.name, req, reply);
  }

  private serve(name: string, req: FastifyRequest, reply: FastifyReply) {
    const a = this.assets.get(name);
    if (!a) {
      const detail = this.assets.dir ? 'Not found.' : 'The console is not built: run `npm run build`.';
      return reply.status(404).header('content-type', 'text/plain; charset=utf-8').send(detail);
    }
    reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-cache').header('etag', a.etag).header('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === a.etag) return reply.status(304).send();
    reply.header('content-type', a.type);
    if (a.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(a.gzip);
    return reply.send(a.body);
  }

  @Get('console/api/session')
  whoami(@Req() req: FastifyRequest) {
    const s = this.sessions.verify(readCookie(req.headers.cookie, SESSION_COOKIE), Date.now());
    if (!s) throw new HttpException({ detail: 'Not signed in.' }, HttpStatus.UNAUTHORIZED);
    return { user: { id: s.userId, name: s.name }, csrf_token: this.sessions.csrfToken(s), expires_at: new Date(s.expiresAt).toISOString() };
  }

  @Post('console/api/session')
  @HttpCode(200)
  signIn(@Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    this.sameOrigin(req);
    const token = body && typeof body === 'object' ? (body as { token?: unknown }).token : undefined;
    if (typeof token !== 'string' || !token.trim()) throw new HttpException({ detail: 'token is required: your API token' }, HttpStatus.BAD_REQUEST);
    if (!this.auth.enabled)
      throw new HttpException({ detail: 'Sign-in is disabled: no API token is configured (DOZOR_API_TOKEN).' }, HttpStatus.SERVICE_UNAVAILABLE);
    if (!this.auth.matches(token.trim())) throw new HttpException({ detail: 'Invalid token.' }, HttpStatus.UNAUTHORIZED);
    return this.start({ userId: 'api', name: 'API token' }, reply);
  }

  @Post('console/api/session/code')
  @HttpCode(200)
  async signInWithCode(@Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    this.sameOrigin(req);
    const code = body && typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
    if (typeof code !== 'string' || !code.trim()) throw new HttpException({ detail: 'code is required: the one-time sign-in code' }, HttpStatus.BAD_REQUEST);
    if (!this.sessions.enabled)
      throw new HttpException({ detail: 'Sign-in is disabled: set DOZOR_API_TOKEN or DOZOR_SESSION_SECRET.' }, HttpStatus.SERVICE_UNAVAILABLE);
    const r = await redeemConsoleLoginCode(this.store, code, { now: new Date(), source: 'api' });
    if (!r.ok) {
      const why = r.reason === 'used' ? 'has already been used' : r.reason === 'expired' ? 'has expired' : 'is not valid';
      throw new HttpException({ detail: `This sign-in link ${why}: ask the bot for a new one with /login.` }, HttpStatus.UNAUTHORIZED);
    }
    const user = this.directory?.find(r.userId);
    return this.start({ userId: r.userId, name: user?.name ?? r.userId }, reply);
  }

  @Delete('console/api/session')
  @HttpCode(204)
  signOut(@Res({ passthrough: true }) reply: FastifyReply): void {
    reply.header('set-cookie', this.sessions.clearCookie());
  }

  private start(p: SessionPrincipal, reply: FastifyReply) {
    const { value, session } = this.sessions.issue(p, Date.now());
    reply.header('set-cookie', this.sessions.cookie(value)).header('cache-control', 'no-store');
    return {
      user: { id: session.userId, name: session.name },
      csrf_token: this.sessions.csrfToken(session),
      expires_at: new Date(session.expiresAt).toISOString(),
    };
  }

  /** A sign-in must be JSON and, when the browser says where it comes from, from this host. */
  private sameOrigin(req: FastifyRequest): void {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new HttpException({ detail: 'Sign-in takes a JSON body (content-type: application/json).' }, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let host: string | null = null;
      try {
        host = new URL(origin).host;
      } catch {
        /* not a URL */
      }
      if (host !== req.headers.host) throw new HttpException({ detail: 'Sign-in from another origin is refused.' }, HttpStatus.FORBIDDEN);
    }
  }
}
