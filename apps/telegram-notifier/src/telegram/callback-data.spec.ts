import { describe, expect, it } from 'vitest';
import { SILENCE_DURATIONS, type AlertGroupAction } from '@dozor/contracts';
import { CALLBACK_DATA_MAX_BYTES, signCallback, verifyCallback, type CallbackPayload } from './callback-data.js';

const SECRET = 'test-callback-secret';
const ID = 'abcdefghijklmnopqrst-1';
const LONGEST_BRIEF_ID = `${'z'.repeat(20)}-999999999`;
const LONGEST_ID = `${'7'.repeat(32)}-999999999`;

const payloads: CallbackPayload[] = [
  { action: 'acknowledge', alertGroupId: ID },
  { action: 'unacknowledge', alertGroupId: ID },
  { action: 'resolve', alertGroupId: ID },
  { action: 'unresolve', alertGroupId: ID },
  { action: 'unsilence', alertGroupId: ID },
  ...SILENCE_DURATIONS.map((silence): CallbackPayload => ({ action: 'silence', alertGroupId: ID, silence })),
];

describe('callback data', () => {
  it.each(payloads)('round-trips %j', (p) => {
    const data = signCallback(SECRET, p);
    expect(verifyCallback(SECRET, data)).toEqual(p);
  });

  it('fits Telegram 64 bytes for the longest ids', () => {
    for (const alertGroupId of [LONGEST_BRIEF_ID, LONGEST_ID]) {
      for (const p of payloads) {
        const data = signCallback(SECRET, { ...p, alertGroupId });
        expect(Buffer.byteLength(data, 'utf8')).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
        expect(verifyCallback(SECRET, data)).toEqual({ ...p, alertGroupId });
      }
    }
    expect(signCallback(SECRET, { action: 'silence', alertGroupId: LONGEST_BRIEF_ID, silence: '30m' }).length).toBe(49);
  });

  it('is readable and carries a 72-bit MAC', () => {
    expect(signCallback(SECRET, { action: 'acknowledge', alertGroupId: ID })).toMatch(/^1a:abcdefghijklmnopqrst-1:[A-Za-z0-9_-]{12}$/);
    expect(signCallback(SECRET, { action: 'silence', alertGroupId: ID, silence: 'forever' })).toMatch(/^1sf:/);
  });

  it('rejects data moved to another group or another action', () => {
    const data = signCallback(SECRET, { action: 'acknowledge', alertGroupId: ID });
    const [head, , mac] = data.split(':');
    expect(verifyCallback(SECRET, `${head}:abcdefghijklmnopqrst-2:${mac}`)).toBeNull();
    expect(verifyCallback(SECRET, `${head}:bbcdefghijklmnopqrst-1:${mac}`)).toBeNull();
    for (const token of ['A', 'r', 'R', 'S', 's1h', 'sf']) {
      expect(verifyCallback(SECRET, `1${token}:${ID}:${mac}`)).toBeNull();
    }
    const silence1h = signCallback(SECRET, { action: 'silence', alertGroupId: ID, silence: '1h' });
    expect(verifyCallback(SECRET, silence1h.replace(/^1s1h/, '1s24h'))).toBeNull();
  });

  it('rejects any single-character change of the MAC and data signed with another secret', () => {
    const data = signCallback(SECRET, { action: 'resolve', alertGroupId: ID });
    const macStart = data.lastIndexOf(':') + 1;
    for (let i = macStart; i < data.length; i++) {
      const flipped = data.slice(0, i) + (data[i] === 'A' ? 'B' : 'A') + data.slice(i + 1);
      expect(verifyCallback(SECRET, flipped)).toBeNull();
    }
    expect(verifyCallback('other-secret', data)).toBeNull();
    expect(verifyCallback(['other-secret', SECRET], data)).toEqual({ action: 'resolve', alertGroupId: ID });
  });

  it.each([
    [''],
    ['garbage'],
    ['1a:abcdefghijklmnopqrst-1'],
    ['2a:abcdefghijklmnopqrst-1:AAAAAAAAAAAA'],
    ['1x:abcdefghijklmnopqrst-1:AAAAAAAAAAAA'],
    ['1a:ABCDEFGHIJKLMNOPQRST-1:AAAAAAAAAAAA'],
    ['1a:abcdefghijklmnopqrst-0:AAAAAAAAAAAA'],
    ['1s2d:abcdefghijklmnopqrst-1:AAAAAAAAAAAA'],
    ['1a:abcdefghijklmnopqrst-1:AAAAAAAAAAA'],
    [`1a:${'a'.repeat(60)}-1:AAAAAAAAAAAA`],
    [null],
    [42],
  ])('returns null for malformed %j', (data) => {
    expect(verifyCallback(SECRET, data)).toBeNull();
  });

  it('refuses to sign what no button should carry', () => {
    expect(() => signCallback(SECRET, { action: 'silence', alertGroupId: ID })).toThrow(RangeError);
    expect(() => signCallback(SECRET, { action: 'resolve', alertGroupId: ID, silence: '1h' })).toThrow(RangeError);
    expect(() => signCallback(SECRET, { action: 'acknowledge', alertGroupId: 'not-an-id' })).toThrow(RangeError);
    expect(() => signCallback(SECRET, { action: 'restart' as AlertGroupAction, alertGroupId: ID })).toThrow(RangeError);
    expect(() => signCallback('', { action: 'acknowledge', alertGroupId: ID })).toThrow(RangeError);
  });
});
