import { createHmac, timingSafeEqual } from 'node:crypto';
import { ALERT_GROUP_ACTIONS, parseAlertGroupId, SILENCE_DURATIONS, type AlertGroupAction, type SilenceDuration } from '@dozor/contracts';

/**
 * `callback_data` of the inline buttons: `<version><action>:<alertGroupId>:<mac>`.
 *
 *   1a:abcdefghijklmnopqrst-12:Xy3_-9aBcDeF
 *
 * - version `1` lets a later format coexist during a rolling upgrade.
 * - action is one letter (`a` acknowledge, `A` unacknowledge, `r` resolve,
 *   `R` unresolve, `s<duration>` silence, `S` unsilence, `o` open: send the
 *   group's own message, from a storm bundle); silence carries its duration
 *   (`s1h`, `s30m`, `sf` for forever).
 * - mac is HMAC-SHA256(secret, "dozor.cb|1|<action>|<id>") truncated to 72 bits
 *   (12 base64url chars), so data cannot be edited into another action or
 *   another group without the secret.
 *
 * Longest value: 1 + 4 (`s30m`) + 1 + 42 (the longest id parseAlertGroupId
 * accepts: 32 + 1 + 9) + 1 + 12 = 61 bytes, within Telegram's 64. The MAC
 * proves the button was made by Dozor; whether the presser may act is checked
 * separately against the linked account.
 */
export type CallbackSilence = SilenceDuration;

/** The router's actions, plus `open`, which the bot answers itself (the group's own message, with its buttons). */
export type CallbackAction = AlertGroupAction | 'open';

export interface CallbackPayload {
  action: CallbackAction;
  alertGroupId: string;
  /** Required for `silence`, absent otherwise. */
  silence?: CallbackSilence;
}

export type CallbackSecret = string | Buffer;

const VERSION = '1';
const MAC_CHARS = 12;
export const CALLBACK_DATA_MAX_BYTES = 64;

const ACTION_CODE: Record<Exclude<CallbackAction, 'silence'>, string> = {
  acknowledge: 'a',
  unacknowledge: 'A',
  resolve: 'r',
  unresolve: 'R',
  unsilence: 'S',
  open: 'o',
};
const CODE_ACTION = new Map<string, CallbackAction>(Object.entries(ACTION_CODE).map(([action, code]) => [code, action as CallbackAction]));

function actionToken(p: CallbackPayload): string {
  if (p.action === 'silence') {
    if (!p.silence || !SILENCE_DURATIONS.includes(p.silence)) throw new RangeError(`silence needs a duration, got ${String(p.silence)}`);
    return `s${p.silence === 'forever' ? 'f' : p.silence}`;
  }
  if (p.action !== 'open' && !ALERT_GROUP_ACTIONS.includes(p.action)) throw new RangeError(`unknown action ${String(p.action)}`);
  if (p.silence !== undefined) throw new RangeError(`only silence takes a duration, got ${p.action} with ${p.silence}`);
  return ACTION_CODE[p.action];
}

function parseActionToken(token: string): Pick<CallbackPayload, 'action' | 'silence'> | null {
  if (token.startsWith('s')) {
    const d = token === 'sf' ? 'forever' : token.slice(1);
    if (d === 'forever' && token !== 'sf') return null;
    return (SILENCE_DURATIONS as readonly string[]).includes(d) ? { action: 'silence', silence: d as SilenceDuration } : null;
  }
  const action = CODE_ACTION.get(token);
  return action ? { action } : null;
}

function mac(secret: CallbackSecret, version: string, token: string, alertGroupId: string): string {
  return createHmac('sha256', secret).update(`dozor.cb|${version}|${token}|${alertGroupId}`).digest('base64url').slice(0, MAC_CHARS);
}

function checkSecret(secret: CallbackSecret): void {
  if (secret.length === 0) throw new RangeError('callback secret is empty');
}

/** Builds the callback_data of a button. Throws RangeError on input no button should carry (a bug, not a user action). */
export function signCallback(secret: CallbackSecret, payload: CallbackPayload): string {
  checkSecret(secret);
  if (!parseAlertGroupId(payload.alertGroupId)) throw new RangeError(`not an alert group id: ${payload.alertGroupId}`);
  const token = actionToken(payload);
  const data = `${VERSION}${token}:${payload.alertGroupId}:${mac(secret, VERSION, token, payload.alertGroupId)}`;
  if (Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES) throw new RangeError(`callback_data longer than ${CALLBACK_DATA_MAX_BYTES} bytes: ${data}`);
  return data;
}

/**
 * Checks and parses callback_data; null when it is malformed or its MAC does
 * not match. Several secrets may be given to accept buttons signed before a
 * key rotation (sign with the first).
 */
export function verifyCallback(secret: CallbackSecret | readonly CallbackSecret[], data: unknown): CallbackPayload | null {
  if (typeof data !== 'string' || data.length > CALLBACK_DATA_MAX_BYTES) return null;
  const m = /^([0-9])([a-zA-Z0-9]{1,4}):([a-z2-7]+-[0-9]+):([A-Za-z0-9_-]+)$/.exec(data);
  if (!m) return null;
  const [, version, token, alertGroupId, given] = m as unknown as [string, string, string, string, string];
  if (version !== VERSION || given.length !== MAC_CHARS) return null;
  if (!parseAlertGroupId(alertGroupId)) return null;
  const parsed = parseActionToken(token);
  if (!parsed) return null;
  const secrets = Array.isArray(secret) ? (secret as readonly CallbackSecret[]) : [secret as CallbackSecret];
  const givenBytes = Buffer.from(given);
  const valid = secrets.some((s) => s.length > 0 && timingSafeEqual(Buffer.from(mac(s, version, token, alertGroupId)), givenBytes));
  if (!valid) return null;
  return parsed.silence === undefined ? { action: parsed.action, alertGroupId } : { action: parsed.action, alertGroupId, silence: parsed.silence };
}
