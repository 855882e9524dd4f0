import type { RulesOwner } from './personal-notification-rules.js';

/**
 * What the users endpoints need from the host: the users of dozor.yaml and
 * the Telegram bot (for the deep link's bot username). Provide it as a Nest
 * provider under this class; without one, the users endpoints answer 503.
 */
export class UserDirectory {
  private username: string | null = null;

  constructor(
    /** With their personal notification rules, when dozor.yaml has them. */
    readonly users: readonly { id: string; name: string; personalRules?: RulesOwner['personalRules'] }[],
    readonly telegram: { botToken: string; apiRoot: string } | null,
  ) {}

  find(id: string): { id: string; name: string } | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** The bot's username from getMe (remembered once known), or null when there is no bot or Telegram does not answer. */
  async botUsername(): Promise<string | null> {
    if (this.username || !this.telegram) return this.username;
    try {
      const r = await fetch(`${this.telegram.apiRoot.replace(/\/$/, '')}/bot${this.telegram.botToken}/getMe`, {
        method: 'POST',
        signal: AbortSignal.timeout(3000),
      });
      const body = (await r.json()) as { ok?: boolean; result?: { username?: unknown } };
      if (body.ok && typeof body.result?.username === 'string' && body.result.username) this.username = body.result.username;
    } catch {
      /* no deep link this time */
    }
    return this.username;
  }
}
