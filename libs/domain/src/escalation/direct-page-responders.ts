import type { NewEvent } from '@dozor/contracts';
import type { EscalationState } from './escalation.state.js';
import { personalRules, runPersonalRules, type PersonalPolicies } from './personal-policy.js';
import type { PagedUser } from './direct-paging.js';

/** Added responders' pages run under step indexes from here: far above any chain step, so ids never meet. */
export const DIRECT_PAGE_STEP_BASE = 1_000_000;

/**
 * A direct page added responders to an existing group
 * (AlertGroupDirectlyPaged with `opensGroup: false`): page each, once, as
 * OnCall's `notify_user_task` with `notify_even_acknowledged`: whatever the
 * escalation is doing (running, paused by an ack, finished, or never
 * started for a group without a chain).
 */
export interface PageResponders {
  type: 'PageResponders';
  alertGroupId: string;
  aggregateKey: string;
  pageId: string;
  /** From respondersOf(page.steps): each user once, important if the page said so. */
  users: PagedUser[];
  /** Who paged, for the timeline. */
  by: string;
  policies?: PersonalPolicies;
  now: string;
}

/**
 * DirectPageNotified, then each user's personal policy (one Telegram message
 * without one). A page already done (a redelivery) decides nothing.
 */
export function pageResponders(cmd: PageResponders, s: EscalationState): NewEvent[] {
  if (s.directPages?.[cmd.pageId] || cmd.users.length === 0) return [];
  const stepIndex = DIRECT_PAGE_STEP_BASE + Object.keys(s.directPages ?? {}).length;
  const names = cmd.users.map((u) => (u.important ? `${u.id} (important)` : u.id)).join(', ');
  const events: NewEvent[] = [
    {
      type: 'DirectPageNotified',
      data: {
        alertGroupId: cmd.alertGroupId,
        pageId: cmd.pageId,
        aggregateKey: cmd.aggregateKey,
        stepIndex,
        users: cmd.users,
        summary: `${cmd.by} paged ${names}`,
      },
    },
  ];
  for (const u of cmd.users)
    events.push(
      ...runPersonalRules({
        alertGroupId: cmd.alertGroupId,
        epoch: s.epoch,
        stepIndex,
        userId: u.id,
        important: u.important,
        aggregateKey: cmd.aggregateKey,
        rules: personalRules(cmd.policies ?? {}, u.id, u.important),
        from: 0,
        now: cmd.now,
      }),
    );
  return events;
}
