/**
 * When an attempt is tried again: OnCall retries a webhook 3 times after the
 * first attempt, on network errors, timeouts and 5xx. 4xx, a refused target
 * and a template error are final (trying again would give the same answer).
 */
export const WEBHOOK_MAX_ATTEMPTS = 4;
/** Per attempt, as OnCall's OUTGOING_WEBHOOK_TIMEOUT. */
export const WEBHOOK_TIMEOUT_MS = 4000;
/** Backoff before attempt n+1: 1 s, 2 s, 4 s (Celery's retry_backoff). */
export const WEBHOOK_BACKOFF_MS = [1000, 2000, 4000] as const;

export type AttemptOutcome = { kind: 'response'; status: number } | { kind: 'network' } | { kind: 'refused' } | { kind: 'invalid' };

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Null: the attempt was final; else the delay before the next one. */
export function retryAfter(attempt: number, outcome: AttemptOutcome): number | null {
  if (attempt >= WEBHOOK_MAX_ATTEMPTS) return null;
  const retriable = outcome.kind === 'network' || (outcome.kind === 'response' && outcome.status >= 500);
  return retriable ? WEBHOOK_BACKOFF_MS[Math.min(attempt - 1, WEBHOOK_BACKOFF_MS.length - 1)]! : null;
}
