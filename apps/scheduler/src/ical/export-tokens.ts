import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiAuth, Runtime } from '@dozor/platform';

export type ExportTarget = { kind: 'schedule' | 'user'; id: string };

/**
 * Tokens of the iCal export URLs, one per schedule and one per user, as
 * Grafana OnCall has them (`?token=`). They are not stored: each is an HMAC of
 * the target under a key derived from `DOZOR_ICAL_SECRET`, or from the API
 * token when that is unset, so every replica computes the same token and
 * changing the secret revokes them all. Without either secret the export is
 * off, never open.
 */
@Injectable()
export class IcalExportTokens {
  private readonly key: Buffer | null;

  constructor(
    @Inject(ApiAuth) auth: ApiAuth,
    @Inject(Runtime) private readonly runtime: Runtime,
  ) {
    const secret = runtime.settings.icalSecret ?? auth.token;
    this.key = secret ? createHash('sha256').update(`dozor-ical-export\n${secret}`, 'utf8').digest() : null;
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  token(t: ExportTarget): string {
    if (!this.key) throw new Error('iCal export is disabled: set DOZOR_ICAL_SECRET or DOZOR_API_TOKEN');
    return createHmac('sha256', this.key).update(`${t.kind}\n${t.id}`, 'utf8').digest('base64url').slice(0, 32);
  }

  /** Constant time: both sides are hashed to the same length before comparing. */
  verify(t: ExportTarget, presented: string | undefined): boolean {
    if (!this.key || typeof presented !== 'string' || presented === '') return false;
    return timingSafeEqual(sha256(presented), sha256(this.token(t)));
  }

  url(t: ExportTarget): string {
    const base = this.runtime.settings.publicUrl;
    const path = t.kind === 'schedule' ? `/api/v1/schedules/${encodeURIComponent(t.id)}/export` : `/api/v1/users/${encodeURIComponent(t.id)}/schedule_export`;
    return `${base}${path}?token=${this.token(t)}`;
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
