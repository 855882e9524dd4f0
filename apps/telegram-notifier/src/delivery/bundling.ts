/**
 * Storm bundling for one chat, as a pure policy: time is a parameter.
 *
 * Telegram takes about one message per second per chat, so 200 new alert
 * groups would take over three minutes one by one. The outbox asks this
 * policy what to do each time the chat may take another request:
 *
 * - one page due and no storm going on: the group's own message (`single`);
 * - more pages due than the chat can take now: one message listing them
 *   (`new-bundle`), which is then edited as more arrive (`grow-bundle`) while
 *   the storm goes on (a growth within `windowMs`) and it has room;
 * - a full bundle during a storm starts the next one;
 * - once nothing has grown the bundle for `windowMs`, one message per group again.
 *
 * Each step is one Bot API request to the chat, so the pace is at most one
 * request per `minIntervalMs`, counted from the end of the previous request.
 */
export interface BundlePolicy {
  /** Least time between the end of one request to the chat and the start of the next. */
  minIntervalMs: number;
  /** Groups listed in one bundle message (its text and keyboard must fit Telegram's limits). */
  maxMembers: number;
  /** A bundle that grew within this long still takes new pages. */
  windowMs: number;
}

export const DEFAULT_BUNDLE_POLICY: BundlePolicy = { minIntervalMs: 1000, maxMembers: 40, windowMs: 10_000 };

export interface ChatPace {
  /** When the last request to the chat ended; null before the first. */
  lastRequestEndedAt: number | null;
  /** The chat's current bundle, if any. */
  bundle: { members: number; lastGrownAt: number } | null;
}

export type NextStep =
  { kind: 'idle' } | { kind: 'wait'; ms: number } | { kind: 'single' } | { kind: 'new-bundle'; take: number } | { kind: 'grow-bundle'; take: number };

export function nextStep(chat: ChatPace, queued: number, now: number, policy: BundlePolicy = DEFAULT_BUNDLE_POLICY): NextStep {
  if (queued <= 0) return { kind: 'idle' };
  if (chat.lastRequestEndedAt !== null) {
    const ready = chat.lastRequestEndedAt + policy.minIntervalMs;
    if (now < ready) return { kind: 'wait', ms: ready - now };
  }
  const storm = chat.bundle !== null && now - chat.bundle.lastGrownAt < policy.windowMs;
  if (storm && chat.bundle!.members < policy.maxMembers) return { kind: 'grow-bundle', take: Math.min(queued, policy.maxMembers - chat.bundle!.members) };
  if (queued === 1 && !storm) return { kind: 'single' };
  return { kind: 'new-bundle', take: Math.min(queued, policy.maxMembers) };
}
