import { createHash, timingSafeEqual } from 'node:crypto';
import { secretFromEnv } from '@dozor/platform';

export interface ApiAuthOptions {
  /** How long a POST action waits for the router's reply (default 5000 ms). */
  commandTimeoutMs?: number;
}

/**
 * Settings of the public REST API: the API token (DOZOR_API_TOKEN, or a file
 * named by DOZOR_API_TOKEN_FILE) and the command timeout. Provide it as a Nest
 * provider under this class; without one, ApiTokenGuard reads the environment.
 */
export class ApiAuth {
  readonly token: string | null;
  readonly commandTimeoutMs: number;
  private readonly digest: Buffer | null;

  constructor(token: string | null | undefined, options: ApiAuthOptions = {}) {
    const t = token?.trim();
    this.token = t ? t : null;
    this.digest = this.token === null ? null : sha256(this.token);
    this.commandTimeoutMs = options.commandTimeoutMs ?? 5000;
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env, options: ApiAuthOptions = {}): ApiAuth {
    return new ApiAuth(secretFromEnv(env, 'DOZOR_API_TOKEN'), options);
  }

  get enabled(): boolean {
    return this.token !== null;
  }

  /** Compares in constant time (both sides hashed to the same length first). */
  matches(presented: string): boolean {
    if (this.digest === null) return false;
    return timingSafeEqual(sha256(presented), this.digest);
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
