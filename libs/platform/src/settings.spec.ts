import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretFromEnv, settingsFromEnv } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'dozor-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('secrets', () => {
  it('come from NAME, else from the file NAME_FILE names, trimmed', () => {
    expect(secretFromEnv({ X: ' direct ' }, 'X')).toBe('direct');
    expect(secretFromEnv({ X_FILE: file('x', 'from-file\n') }, 'X')).toBe('from-file');
    expect(secretFromEnv({ X: 'direct', X_FILE: file('y', 'from-file') }, 'X')).toBe('direct');
    expect(secretFromEnv({}, 'X')).toBeNull();
    expect(() => secretFromEnv({ X_FILE: join(dir, 'missing') }, 'X')).toThrow(/X_FILE=.*missing cannot be read/);
  });

  it('every secret setting accepts both forms', () => {
    const s = settingsFromEnv({
      TELEGRAM_BOT_TOKEN_FILE: file('bot', '123:abc'),
      TELEGRAM_WEBHOOK_SECRET_FILE: file('hook', 'hook-secret'),
      DOZOR_API_TOKEN_FILE: file('api', 'api-token'),
      DOZOR_CALLBACK_SECRET_FILE: file('cb', 'cb-secret'),
      DOZOR_ICAL_SECRET_FILE: file('ical', 'ical-secret'),
    });
    expect(s).toMatchObject({
      telegramBotToken: '123:abc',
      telegramWebhookSecret: 'hook-secret',
      apiToken: 'api-token',
      callbackSecret: 'cb-secret',
      icalSecret: 'ical-secret',
    });
    expect(settingsFromEnv({ DOZOR_ICAL_SECRET: 'k' }).icalSecret).toBe('k');
    expect(settingsFromEnv({ TELEGRAM_BOT_TOKEN: 't' })).toMatchObject({ icalSecret: null, telegramWebhookSecret: null, callbackSecret: 'dozor-callback:t' });
  });
});
