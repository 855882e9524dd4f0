import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConsoleSessions, readCookie } from './console-session.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

describe('console sessions', () => {
  const s = new ConsoleSessions('secret-1', 3600);

  it('round-trips a session and refuses it once expired', () => {
    const { value, session } = s.issue({ userId: 'alice', name: 'Alice' }, NOW);
    expect(s.verify(value, NOW + 1000)).toEqual(session);
    expect(s.verify(value, NOW + 3600_000)).toBeNull();
  });

  it('is checked on another replica with the same key, not with another key', () => {
    const { value } = s.issue({ userId: 'alice', name: 'Alice' }, NOW);
    expect(new ConsoleSessions('secret-1', 3600).verify(value, NOW)?.userId).toBe('alice');
    expect(new ConsoleSessions('secret-2', 3600).verify(value, NOW)).toBeNull();
    expect(new ConsoleSessions(null).verify(value, NOW)).toBeNull();
  });

  it('refuses any change to the cookie', () => {
    const { value } = s.issue({ userId: 'alice', name: 'Alice' }, NOW);
    fc.assert(
      fc.property(fc.nat(value.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        const changed = value.slice(0, i) + c + value.slice(i + 1);
        fc.pre(changed !== value);
        const v = s.verify(changed, NOW);
        // base64url's last character may carry unused bits: a change there can decode to the same bytes.
        expect(v === null || v.userId === 'alice').toBe(true);
      }),
    );
    const [payload, mac] = value.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'root', n: 'x', s: 'y', e: NOW + 1e9 })).toString('base64url');
    expect(s.verify(`${forged}.${mac}`, NOW)).toBeNull();
    expect(s.verify(payload, NOW)).toBeNull();
  });

  it('has a CSRF token per session', () => {
    const a = s.issue({ userId: 'alice', name: 'Alice' }, NOW).session;
    const b = s.issue({ userId: 'alice', name: 'Alice' }, NOW).session;
    expect(s.checkCsrf(a, s.csrfToken(a))).toBe(true);
    expect(s.checkCsrf(a, s.csrfToken(b))).toBe(false);
    expect(s.checkCsrf(a, undefined)).toBe(false);
  });

  it('sets a Secure, HttpOnly, SameSite=Strict cookie and reads it back', () => {
    expect(s.cookie('v')).toMatch(/^dozor_session=v; Path=\/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict$/);
    expect(readCookie('a=1; dozor_session=abc.def; b=2', 'dozor_session')).toBe('abc.def');
  });

  it('refuses a bad TTL with the variable named', () => {
    expect(() => ConsoleSessions.fromEnv('t', { DOZOR_SESSION_TTL_SECONDS: '5' })).toThrow(/DOZOR_SESSION_TTL_SECONDS/);
  });
});
