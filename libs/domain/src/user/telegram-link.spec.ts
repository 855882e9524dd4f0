import { describe, expect, it } from 'vitest';
import { hashVerificationCode, newVerificationCode, subjects, topology, verificationCodeCandidates, type DozorEvent } from '@dozor/contracts';
import { codeStatus, decideTelegramLink, evolveUserTelegram, initialUserTelegramState } from './telegram-link.js';

const metadata = {
  eventId: 'e',
  occurredAt: '2026-11-24T01:00:00.000Z',
  actor: { kind: 'system' as const, id: 'api' },
  source: 'api' as const,
  causationId: null,
  correlationId: 'c',
  traceparent: null,
};
const ev = (type: string, data: unknown) => ({ type, schemaVersion: 1, data, metadata }) as DozorEvent;
const issued = (codeHash: string, expiresAt = '2026-11-24T02:00:00.000Z') => ev('TelegramVerificationCodeIssued', { userId: 'bob', codeHash, expiresAt });
const at = (iso: string) => new Date(iso);

describe('verification codes', () => {
  it('are 16 URL-safe characters, random, and hashed as sha256 hex', () => {
    const a = newVerificationCode();
    expect(a).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(newVerificationCode()).not.toBe(a);
    expect(hashVerificationCode(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashVerificationCode(` ${a}\n`)).toBe(hashVerificationCode(a));
    expect(hashVerificationCode('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('index on a subject made of one valid token', () => {
    const t = topology('x1');
    expect(subjects.verificationCode(t, hashVerificationCode('abc'))).toBe('x1.evt.user.code-ba7816bf8f01cfea4141');
    expect(subjects.user(t, 'bob')).toBe('x1.evt.user.bob');
  });

  it('are found in /start parameters and plain messages', () => {
    expect(verificationCodeCandidates('Ab3_-xYz09qwerTY')).toEqual(['Ab3_-xYz09qwerTY']);
    expect(verificationCodeCandidates('my code is "Ab3_-xYz09qwerTY", thanks!')).toEqual(['Ab3_-xYz09qwerTY']);
    expect(verificationCodeCandidates('hello there')).toEqual([]);
    expect(verificationCodeCandidates('Ab3_-xYz09qwerTYZ')).toEqual([]);
  });
});

describe('linking decisions', () => {
  const h = hashVerificationCode('Ab3_-xYz09qwerTY');
  const req = (now: string) => ({ userId: 'bob', codeHash: h, telegramUserId: '777', chatId: '777', now: at(now) });

  it('links with a valid code, once', () => {
    const s = evolveUserTelegram(initialUserTelegramState(), issued(h));
    const d = decideTelegramLink(s, req('2026-11-24T01:30:00.000Z'));
    expect(d).toEqual({ ok: true, linked: { userId: 'bob', telegramUserId: '777', chatId: '777', codeHash: h } });
    const after = evolveUserTelegram(s, ev('TelegramAccountLinked', d.ok && d.linked));
    expect(after.linked).toEqual({ telegramUserId: '777', chatId: '777' });
    expect(decideTelegramLink(after, req('2026-11-24T01:31:00.000Z'))).toEqual({ ok: false, status: 'used' });
  });

  it('refuses unknown and expired codes; a code expires at expiresAt', () => {
    const s = evolveUserTelegram(initialUserTelegramState(), issued(h));
    expect(codeStatus(s, 'f'.repeat(64), at('2026-11-24T01:30:00.000Z'))).toBe('unknown');
    expect(codeStatus(s, h, at('2026-11-24T01:59:59.999Z'))).toBe('valid');
    expect(codeStatus(s, h, at('2026-11-24T02:00:00.000Z'))).toBe('expired');
    expect(decideTelegramLink(s, req('2026-11-24T03:00:00.000Z'))).toEqual({ ok: false, status: 'expired' });
  });

  it('keeps the last linked account; other events change nothing', () => {
    const h2 = hashVerificationCode('Zz3_-xYz09qwerTY');
    let s = evolveUserTelegram(initialUserTelegramState(), issued(h));
    s = evolveUserTelegram(s, issued(h2));
    s = evolveUserTelegram(s, ev('TelegramAccountLinked', { userId: 'bob', telegramUserId: '1', chatId: '1', codeHash: h }));
    s = evolveUserTelegram(s, ev('TelegramAccountLinked', { userId: 'bob', telegramUserId: '2', chatId: '2', codeHash: h2 }));
    expect(s.linked).toEqual({ telegramUserId: '2', chatId: '2' });
    expect(evolveUserTelegram(s, ev('AlertGroupUnresolved', { alertGroupId: 'g' }))).toBe(s);
  });
});
