/** Users as iCal sees them: matched by username or e-mail, case-insensitively. */
export interface IcalUser {
  id: string;
  username: string;
  email?: string | null;
}

export class IcalUserDirectory {
  private readonly byKey = new Map<string, IcalUser>();
  private readonly byId = new Map<string, IcalUser>();

  constructor(users: readonly IcalUser[]) {
    for (const u of users) {
      this.byId.set(u.id, u);
      this.byKey.set(u.username.toLowerCase(), u);
      if (u.email) this.byKey.set(u.email.toLowerCase(), u);
    }
  }

  /** The user a name or e-mail (optionally `mailto:` or `@`-prefixed) denotes. */
  match(name: string): IcalUser | undefined {
    const key = name
      .trim()
      .replace(/^mailto:/i, '')
      .replace(/^@/, '')
      .toLowerCase();
    return key ? this.byKey.get(key) : undefined;
  }

  get(id: string): IcalUser | undefined {
    return this.byId.get(id);
  }
}

/** `[L2] alice` -> level 2; no prefix, or L0, is level 0. */
export const LEVEL_PREFIX_RE = /^\s*\[L(\d+)\]\s*/i;
