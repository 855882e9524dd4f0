import type { WebhookTrigger } from '@dozor/contracts';
import type { GroupGeneration } from '../alert-group/alert-group.state.js';
import type { WebhookRequestPlan } from './webhook-request.js';

/**
 * The `alertmanager_silence` preset: a silence set in Dozor becomes an
 * Alertmanager silence (v2 API) over the group's `groupLabels`, and
 * unsilence or resolve deletes it. Pure: the sender makes the request and
 * records the silence id from the answer.
 */

/** A "forever" silence in Dozor ends this long after it was set in Alertmanager (Alertmanager needs an end). */
export const FOREVER_SILENCE_DAYS = 3650;

export interface AlertmanagerMatcher {
  name: string;
  value: string;
  isRegex: false;
  isEqual: true;
}

/** Equality matchers over the group labels (empty values are left out: they would match alerts without the label). */
export function silenceMatchers(groupLabels: Readonly<Record<string, string>>): AlertmanagerMatcher[] {
  return Object.entries(groupLabels)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
}

export function silenceEndsAt(silencedUntil: string | null, now: Date): string {
  if (silencedUntil && silencedUntil !== 'forever') return silencedUntil;
  return new Date(now.getTime() + FOREVER_SILENCE_DAYS * 86_400_000).toISOString();
}

export type SilencePlan =
  | { kind: 'create'; plan: WebhookRequestPlan; matchers: AlertmanagerMatcher[]; endsAt: string }
  | { kind: 'delete'; plan: WebhookRequestPlan; silenceId: string }
  /** Nothing to do (e.g. unsilenced with no silence in Alertmanager), or why it cannot be done. */
  | { kind: 'none'; reason: string | null };

const base = (url: string): string => url.replace(/\/+$/, '');

/**
 * The request for a trigger: `silence` creates (or, with the silence already
 * made, updates: Alertmanager replaces a silence given its id), `unsilence`
 * and `resolve` delete the active one. Other triggers do nothing.
 */
export function planAlertmanagerSilence(input: {
  url: string;
  trigger: WebhookTrigger;
  group: GroupGeneration;
  activeSilenceId: string | null;
  headers: Record<string, string>;
  now: Date;
  webLink: string | null;
}): SilencePlan {
  const { trigger, group: g } = input;
  if (trigger === 'silence') {
    if (!g.silencedUntil) return { kind: 'none', reason: null };
    const matchers = silenceMatchers(g.groupLabels);
    if (matchers.length === 0) return { kind: 'none', reason: 'the group has no group labels to match in Alertmanager' };
    const endsAt = silenceEndsAt(g.silencedUntil, input.now);
    const body: Record<string, unknown> = {
      matchers,
      startsAt: input.now.toISOString(),
      endsAt,
      createdBy: 'dozor',
      comment: `Silenced in Dozor: alert group ${g.alertGroupId} (${g.title})${input.webLink ? ` ${input.webLink}` : ''}`,
    };
    if (input.activeSilenceId) body.id = input.activeSilenceId;
    return {
      kind: 'create',
      matchers,
      endsAt,
      plan: {
        method: 'POST',
        url: `${base(input.url)}/api/v2/silences`,
        headers: { ...input.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      },
    };
  }
  if (trigger === 'unsilence' || trigger === 'resolve') {
    if (!input.activeSilenceId) return { kind: 'none', reason: null };
    return {
      kind: 'delete',
      silenceId: input.activeSilenceId,
      plan: {
        method: 'DELETE',
        url: `${base(input.url)}/api/v2/silence/${encodeURIComponent(input.activeSilenceId)}`,
        headers: { ...input.headers },
        body: null,
      },
    };
  }
  return { kind: 'none', reason: null };
}

/** The silence id in Alertmanager's answer to POST /api/v2/silences (`{"silenceID": "…"}`), or null. */
export function silenceIdOf(responseBody: string): string | null {
  try {
    const id = (JSON.parse(responseBody) as { silenceID?: unknown }).silenceID;
    return typeof id === 'string' && id !== '' ? id : null;
  } catch {
    return null;
  }
}

/** Alertmanager's answer to deleting a silence it does not know (`500 "silence not found"`): it is gone, which is what the delete wanted. */
export function silenceGone(status: number, responseBody: string): boolean {
  return status === 404 || (status === 500 && responseBody.includes('silence not found'));
}
