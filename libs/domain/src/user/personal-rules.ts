import { isOneOf, type DozorEvent, type PersonalNotificationRule } from '@dozor/contracts';
import type { Decider, Decision, DomainRejection } from '../decider.js';
import { MAX_PERSONAL_WAIT_SECONDS } from '../escalation/personal-policy.js';

/**
 * A user's personal notification rules as changed over the API, from
 * `<prefix>.evt.user.<userId>`: per list, null until the API changed it (then
 * dozor.yaml's list applies), else the whole list as last set. The log wins
 * over dozor.yaml for a list it has set.
 */
export interface PersonalRulesState {
  default: PersonalNotificationRule[] | null;
  important: PersonalNotificationRule[] | null;
}

export function initialPersonalRulesState(): PersonalRulesState {
  return { default: null, important: null };
}

const isRulesEvent = isOneOf('PersonalNotificationRulesChanged');

export function evolvePersonalRules(s: PersonalRulesState, e: DozorEvent): PersonalRulesState {
  if (!isRulesEvent(e)) return s;
  return e.data.important ? { ...s, important: e.data.rules } : { ...s, default: e.data.rules };
}

/** Set one of a user's lists to `rules` (the whole list: an add, change or removal is computed by the caller from the effective list). */
export interface SetPersonalRules {
  type: 'SetPersonalRules';
  userId: string;
  important: boolean;
  rules: PersonalNotificationRule[];
}

export type PersonalRulesRejection = DomainRejection<'bad_request'>;

/** The longest list accepted: OnCall has no limit; 20 steps is far past any real policy. */
export const MAX_PERSONAL_RULES = 20;

function invalid(rules: PersonalNotificationRule[]): string | null {
  if (rules.length > MAX_PERSONAL_RULES) return `a list has at most ${MAX_PERSONAL_RULES} rules, got ${rules.length}`;
  for (const [i, r] of rules.entries()) {
    if (r.type === 'wait' && (!Number.isInteger(r.seconds) || r.seconds < 1 || r.seconds > MAX_PERSONAL_WAIT_SECONDS))
      return `rule ${i}: a wait is 1 to ${MAX_PERSONAL_WAIT_SECONDS} seconds, got ${r.seconds}`;
  }
  return null;
}

/** The user's personal notification rules changed over the API; unchanged lists append nothing. */
export const personalRulesDecider: Decider<SetPersonalRules, DozorEvent, PersonalRulesState, PersonalRulesRejection> = {
  decide(cmd, state): Decision<PersonalRulesRejection> {
    const why = invalid(cmd.rules);
    if (why) return { rejected: { code: 'bad_request', message: why } };
    const current = cmd.important ? state.important : state.default;
    if (current && JSON.stringify(current) === JSON.stringify(cmd.rules)) return { events: [] };
    return { events: [{ type: 'PersonalNotificationRulesChanged', data: { userId: cmd.userId, important: cmd.important, rules: cmd.rules } }] };
  },
  evolve: evolvePersonalRules,
  initialState: initialPersonalRulesState,
};

/** A list with the log's change, if any, over dozor.yaml's. */
export function effectiveRules(config: PersonalNotificationRule[] | undefined, logged: PersonalNotificationRule[] | null): PersonalNotificationRule[] {
  return logged ?? config ?? [];
}
