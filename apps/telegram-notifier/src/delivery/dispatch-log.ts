import type { DozorEvent } from '@dozor/contracts';

/**
 * What the log of one `notification.<alertGroupId>` subject says about each
 * page (notificationId) and which Telegram messages show the group. Pure: the
 * handler reads the subject and decides from this.
 *
 * A claim (`NotificationDispatching`) is open until an outcome names it:
 * `NotificationSent` (any) ends the page, a permanent `NotificationFailed`
 * ends it too, a transient one closes only that claim (the next delivery
 * claims again, attempt + 1).
 */
export interface OpenClaim {
  dispatchId: string;
  attempt: number;
  owner: string | null;
}

export interface PageStatus {
  /** Sent, or failed for good: nothing more to do. */
  finished: boolean;
  open: OpenClaim | null;
  /** Highest claim attempt so far (0: never claimed). */
  attempts: number;
}

export interface MessageRef {
  notificationId: string;
  chatId: string;
  messageId: number;
  /** The message is this storm bundle (re-rendered from its members), not the group's own message. */
  bundleId?: string;
}

export interface DispatchLog {
  pages: Map<string, PageStatus>;
  refs: MessageRef[];
}

export function foldDispatches(events: Iterable<DozorEvent>): DispatchLog {
  const pages = new Map<string, PageStatus>();
  const refs: MessageRef[] = [];
  const page = (id: string): PageStatus => {
    let p = pages.get(id);
    if (!p) pages.set(id, (p = { finished: false, open: null, attempts: 0 }));
    return p;
  };
  for (const e of events) {
    switch (e.type) {
      case 'NotificationDispatching': {
        const p = page(e.data.notificationId);
        p.attempts = Math.max(p.attempts, e.data.attempt);
        if (!p.finished) p.open = { dispatchId: e.data.dispatchId, attempt: e.data.attempt, owner: e.data.owner ?? null };
        break;
      }
      case 'NotificationSent': {
        const p = page(e.data.notificationId);
        p.finished = true;
        p.open = null;
        const ref: MessageRef = { notificationId: e.data.notificationId, chatId: e.data.chatId, messageId: e.data.messageId };
        if (e.data.bundleId) ref.bundleId = e.data.bundleId;
        refs.push(ref);
        break;
      }
      case 'NotificationFailed': {
        const p = page(e.data.notificationId);
        if (e.data.permanent) {
          p.finished = true;
          p.open = null;
        } else if (p.open && p.open.dispatchId === e.data.dispatchId) p.open = null;
        break;
      }
      default:
        break;
    }
  }
  return { pages, refs };
}

/**
 * What to do with a page that is (re)delivered:
 * - `skip`: it was sent or failed for good;
 * - `attach`: this process holds the claim: wait for its outcome;
 * - `wait`: another live notifier holds it: look again later;
 * - `claim`: nobody holds it: claim it (attempt + 1);
 * - `recover`: its claim's process is gone with the outcome unknown: claim again, knowing the
 *   message may already be in the chat (the one duplicate a crash can cause).
 */
export type PageDecision =
  | { kind: 'skip' }
  | { kind: 'attach'; dispatchId: string }
  | { kind: 'wait'; owner: string }
  | { kind: 'claim'; attempt: number }
  | { kind: 'recover'; attempt: number; recovers: string };

export function decidePage(status: PageStatus | undefined, held: (dispatchId: string) => boolean, ownerAlive: (owner: string) => boolean): PageDecision {
  if (!status) return { kind: 'claim', attempt: 1 };
  if (status.finished) return { kind: 'skip' };
  const open = status.open;
  if (!open) return { kind: 'claim', attempt: status.attempts + 1 };
  if (held(open.dispatchId)) return { kind: 'attach', dispatchId: open.dispatchId };
  if (open.owner !== null && ownerAlive(open.owner)) return { kind: 'wait', owner: open.owner };
  return { kind: 'recover', attempt: status.attempts + 1, recovers: open.dispatchId };
}
