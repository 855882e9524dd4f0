import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { secretFromEnv } from './settings.js';

/** The console's session cookie. */
export const SESSION_COOKIE = 'dozor_session';
/** The header a cookie-authenticated POST, PUT, PATCH or DELETE must carry, with the session's CSRF token. */
export const CSRF_HEADER = 'x-dozor-csrf';
/** How long a console session lasts unless DOZOR_SESSION_TTL_SECONDS says otherwise. */
export const DEFAULT_SESSION_TTL_SECONDS = 12 * 3600;

/** Who a session belongs to. `api` is the holder of the API token. */
export interface SessionPrincipal {
  userId: string;
  name: string;
}

export interface Session extends SessionPrincipal {
  /** Random per session: the CSRF token is derived from it. */
  sid: string;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * Stateless console sessions: the cookie is `<payload>.<HMAC-SHA256>`, the
 * payload base64url JSON `{u, n, s, e}`. Any replica with the same key checks
 * it without shared storage, and nothing can be forged or extended without the
 * key. The key is DOZOR_SESSION_SECRET (or its _FILE), else derived from the
 * API token, which every replica of the API already shares; rotating either
 * ends every session. No key, no sessions.
 *
 * CSRF: the cookie is SameSite=Strict, so a cross-site request does not carry
 * it; on top of that an unsafe method must send the session's CSRF token (an
 * HMAC of its random id) in `X-Dozor-CSRF`, which a page on another origin
 * cannot read or set without a CORS grant the API never gives.
 */
export class ConsoleSessions {
  private readonly key: Buffer | null;
  readonly ttlMs: number;

  constructor(secret: string | null, ttlSeconds = DEFAULT_SESSION_TTL_SECONDS) {
    this.key = secret ? createHash('sha256').update(`dozor-console-session\n${secret}`, 'utf8').digest() : null;
    this.ttlMs = ttlSeconds * 1000;
  }

  /** DOZOR_SESSION_SECRET, else the API token; DOZOR_SESSION_TTL_SECONDS (60 s to 30 days). */
  static fromEnv(apiToken: string | null, env: NodeJS.ProcessEnv = process.env): ConsoleSessions {
    const ttlRaw = env.DOZOR_SESSION_TTL_SECONDS?.trim();
    const ttl = ttlRaw ? Number(ttlRaw) : DEFAULT_SESSION_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > 30 * 86400) {
      throw new Error(`DOZOR_SESSION_TTL_SECONDS must be a whole number of seconds between 60 and 2592000, got ${JSON.stringify(ttlRaw)}`);
    }
    return new ConsoleSessions(secretFromEnv(env, 'DOZOR_SESSION_SECRET') ?? apiToken, ttl);
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  /** A new session for the principal: the cookie value and what the page may know of it. */
  issue(p: SessionPrincipal, nowMs: number): { value: string; session: Session } {
    if (!this.key) throw new Error('console sessions are disabled: set DOZOR_API_TOKEN or DOZOR_SESSION_SECRET');
    const session: Session = { userId: p.userId, name: p.name, sid: randomBytes(12).toString('base64url'), expiresAt: nowMs + this.ttlMs };
    const payload = Buffer.from(JSON.stringify({ u: session.userId, n: session.name, s: session.sid, e: session.expiresAt }), 'utf8').toString('base64url');
    return { value: `${payload}.${this.mac(payload)}`, session };
  }

  /** The session a cookie value names, or null when it is malformed, forged or expired. */
  verify(value: string | undefined, nowMs: number): Session | null {
    if (!this.key || !value || value.length > 2048) return null;
    const dot = value.indexOf('.');
    if (dot <= 0) return null;
    const payload = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), 'base64url');
    const want = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
    let o: { u?: unknown; n?: unknown; s?: unknown; e?: unknown };
    try {
      o = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof o;
    } catch {
      return null;
    }
    if (typeof o.u !== 'string' || typeof o.n !== 'string' || typeof o.s !== 'string' || typeof o.e !== 'number') return null;
    if (o.e <= nowMs) return null;
    return { userId: o.u, name: o.n, sid: o.s, expiresAt: o.e };
  }

  /** The CSRF token of a session. */
  csrfToken(s: Session): string {
    return this.mac(`csrf\n${s.sid}`);
  }

  checkCsrf(s: Session, presented: string | undefined): boolean {
    if (!presented) return false;
    const a = Buffer.from(presented, 'utf8');
    const b = Buffer.from(this.csrfToken(s), 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** `Set-Cookie` for a session: Secure, HttpOnly, SameSite=Strict, for the whole site. */
  cookie(value: string, maxAgeSeconds = Math.floor(this.ttlMs / 1000)): string {
    return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
  }

  /** `Set-Cookie` that ends the session in the browser. */
  clearCookie(): string {
    return this.cookie('', 0);
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key!).update(text, 'utf8').digest('base64url');
  }
}

/** The value of one cookie in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
