import { hashVerificationCode, newVerificationCode, subjects, type Actor, type Source, type Topology } from '@dozor/contracts';
import { ExpectedVersion, WrongExpectedVersionError, type EventStore } from '@dozor/eventstore';

/** What minting and redeeming need of the event store. */
export type ConsoleLoginLog = Pick<EventStore, 'topology' | 'append' | 'readSubject'>;

/** How long a console sign-in link is valid. */
export const CONSOLE_LOGIN_CODE_TTL_MS = 10 * 60 * 1000;

/** The subject of a code: `<prefix>.evt.user.login-<first 20 hex of its sha256>`. */
export function consoleLoginSubject(t: Topology, codeHash: string): string {
  return subjects.of(t, 'user', `login-${codeHash.slice(0, 20)}`);
}

/**
 * Mints a one-time console sign-in code for a user: `ConsoleLoginCodeIssued`
 * on the code's own subject (only the sha256 is kept). The link to give the
 * user is `<console URL>/login?code=<code>`. The bot's `/login` command calls
 * this with `source: 'telegram'` and the linked user as actor; the REST API
 * has `POST /api/v1/users/<id>/console_login_code`.
 */
export async function mintConsoleLoginCode(
  store: Pick<EventStore, 'topology' | 'append'>,
  userId: string,
  opts: { now: Date; actor: Actor; source: Source; ttlMs?: number },
): Promise<{ code: string; expiresAt: string }> {
  const code = newVerificationCode();
  const codeHash = hashVerificationCode(code);
  const expiresAt = new Date(opts.now.getTime() + (opts.ttlMs ?? CONSOLE_LOGIN_CODE_TTL_MS)).toISOString();
  const events = [{ type: 'ConsoleLoginCodeIssued' as const, data: { userId, codeHash, expiresAt } }];
  await store.append(consoleLoginSubject(store.topology, codeHash), events, { expected: ExpectedVersion.noStream, actor: opts.actor, source: opts.source });
  return { code, expiresAt };
}

export type RedeemOutcome = { ok: true; userId: string } | { ok: false; reason: 'unknown' | 'expired' | 'used' };

/**
 * Redeems a code once: `ConsoleLoginCodeRedeemed` is appended expecting the
 * subject to hold exactly the issue, so of two replicas redeeming the same code
 * at once one wins and the other sees `used`.
 */
export async function redeemConsoleLoginCode(store: ConsoleLoginLog, code: string, opts: { now: Date; source: Source }): Promise<RedeemOutcome> {
  if (!/^[A-Za-z0-9_-]{16}$/.test(code.trim())) return { ok: false, reason: 'unknown' };
  const codeHash = hashVerificationCode(code);
  const subject = consoleLoginSubject(store.topology, codeHash);
  const commits = await store.readSubject(subject);
  const events = commits.flatMap((c) => c.events);
  const issued = events.find((e) => e.type === 'ConsoleLoginCodeIssued' && e.data.codeHash === codeHash);
  if (!issued || issued.type !== 'ConsoleLoginCodeIssued') return { ok: false, reason: 'unknown' };
  if (events.some((e) => e.type === 'ConsoleLoginCodeRedeemed')) return { ok: false, reason: 'used' };
  if (Date.parse(issued.data.expiresAt) <= opts.now.getTime()) return { ok: false, reason: 'expired' };
  const userId = issued.data.userId;
  const last = commits[commits.length - 1]!.seq;
  try {
    await store.append(subject, [{ type: 'ConsoleLoginCodeRedeemed', data: { userId, codeHash } }], {
      expected: ExpectedVersion.exact(last),
      actor: { kind: 'user', id: userId },
      source: opts.source,
    });
  } catch (err) {
    if (err instanceof WrongExpectedVersionError) return { ok: false, reason: 'used' };
    throw err;
  }
  return { ok: true, userId };
}
