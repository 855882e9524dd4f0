import type { DozorEvent } from '@dozor/contracts';
import type { Decider } from '../decider.js';

/**
 * The turns of one `notify_person_next_each_time` step of a chain
 * (`escalation-rr.<chainId>:<stepIndex>`), shared by every alert group the
 * chain escalates, as Grafana OnCall keeps `last_notified_user` on the
 * escalation policy. Appended with the subject's expected version, so two
 * replicas never hand out the same turn; each turn names the run that took it.
 */
export interface RotationState {
  /** The user the last turn went to. */
  last: string | null;
  /** Recent turns by claim id, so a run decided again (a redelivery after a crash) gets the same person. */
  claims: Map<string, string>;
}

/** Claims remembered per step: a run is redecided within seconds of its turn, never thousands of turns later. */
const MAX_CLAIMS = 1000;

export interface ClaimRotationTurn {
  type: 'ClaimTurn';
  chainId: string;
  stepIndex: number;
  claimId: string;
  alertGroupId: string;
  /** The step's users as the run's snapshot has them. */
  users: string[];
}

/** The user after `last` in `users`, wrapping; the first one when `last` is not (or no longer) among them, as in OnCall. */
export function nextInRotation(users: string[], last: string | null): string {
  const i = last === null ? -1 : users.indexOf(last);
  return users[(i + 1) % users.length]!;
}

export const rotationDecider: Decider<ClaimRotationTurn, DozorEvent, RotationState, never> = {
  decide(cmd, s) {
    if (s.claims.has(cmd.claimId) || cmd.users.length === 0) return { events: [] };
    const userId = nextInRotation(cmd.users, s.last);
    return {
      events: [
        {
          type: 'EscalationRotationAdvanced',
          data: { chainId: cmd.chainId, stepIndex: cmd.stepIndex, claimId: cmd.claimId, alertGroupId: cmd.alertGroupId, userId },
        },
      ],
    };
  },
  evolve(s, e) {
    if (e.type !== 'EscalationRotationAdvanced') return s;
    const claims = new Map(s.claims).set(e.data.claimId, e.data.userId);
    if (claims.size > MAX_CLAIMS) claims.delete(claims.keys().next().value!);
    return { last: e.data.userId, claims };
  },
  initialState: () => ({ last: null, claims: new Map() }),
};
