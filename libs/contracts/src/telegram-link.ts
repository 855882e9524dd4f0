import { createHash, randomBytes } from 'node:crypto';

/** How long a Telegram verification code is valid. */
export const VERIFICATION_CODE_TTL_MS = 60 * 60 * 1000;

/** A Telegram verification code: 16 URL-safe characters (96 random bits), valid as a `/start` deep-link parameter. */
export function newVerificationCode(): string {
  return randomBytes(12).toString('base64url');
}

/** What the log stores of a code: sha256, hex. Surrounding white space is ignored. */
export function hashVerificationCode(code: string): string {
  return createHash('sha256').update(code.trim(), 'utf8').digest('hex');
}

/** The words of a Telegram message that look like a verification code (`/start <code>`, or a code anywhere in a plain message). */
export function verificationCodeCandidates(text: string): string[] {
  const words = text.split(/[\s"'`«».,;:!?()<>[\]{}]+/).filter(Boolean);
  const out = words.filter((w) => /^[A-Za-z0-9_-]{16}$/.test(w));
  return [...new Set(out)].slice(0, 5);
}
