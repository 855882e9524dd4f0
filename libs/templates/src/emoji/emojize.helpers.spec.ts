import { describe, expect, it } from 'vitest';
import { emojize } from './emojize.helpers.js';

describe('emojize (OnCall converts shortcodes in the Telegram text it sends)', () => {
  it('converts the shortcodes of the default templates', () => {
    expect(emojize('Status: firing :fire: (on the source)')).toBe('Status: firing 🔥 (on the source)');
    expect(emojize(':rotating_light: :warning: :question: :white_check_mark: :book: :closed_book: :link:')).toBe('🚨 ⚠️ ❓ ✅ 📖 📕 🔗');
    expect(emojize(':thumbsup::+1:')).toBe('👍👍');
  });

  it('leaves unknown names, prototype keys and case variants alone', () => {
    expect(emojize(':nope: :Fire: :constructor: :__proto__: :toString:')).toBe(':nope: :Fire: :constructor: :__proto__: :toString:');
  });

  it('scans left to right as Python does: a failed name consumes its colons', () => {
    expect(emojize('at 10:30:fire:')).toBe('at 10:30:fire:');
    expect(emojize('a :fire:fire:')).toBe('a 🔥fire:');
    expect(emojize('no colons')).toBe('no colons');
  });
});
