/**
 * Commands on a schedule subject: configuration from dozor.yaml, imported iCal
 * feeds and shift swaps. The caller brings what needs I/O or secrets as data:
 * the definition's sha256 and its redacted JSON, the fetched calendar, and the
 * effective schedule (definition, swaps, feeds) over the swap's interval.
 */
import type { DozorEvent, ScheduleDefinitionJson, ScheduleOverrideData, ShiftSwapRequestedData } from '@dozor/contracts';
import type { Decider, Decision, DomainRejection } from '../decider.js';
import { finalSchedule } from './final-schedule.js';
import { decideShiftSwap } from './shift-swap.js';
import type { ScheduleDef } from './schedule.types.js';
import { evolveSchedule, initialScheduleState, swapStatus, type IcalFeed, type ScheduleAggregate } from './schedule.state.js';

export interface ConfigureSchedule {
  type: 'ConfigureSchedule';
  scheduleId: string;
  /** sha256 of the definition as loaded, secrets included: it changes whenever anything in it changes. */
  definitionSha256: string;
  /** The definition as the log keeps it (iCal URLs redacted). */
  definition: ScheduleDefinitionJson;
  origin: string;
}

export interface RemoveSchedule {
  type: 'RemoveSchedule';
  scheduleId: string;
  origin: string;
}

export interface ImportIcalFeed {
  type: 'ImportIcalFeed';
  scheduleId: string;
  feed: IcalFeed;
  origin: string;
  ics: string;
  sha256: string;
}

/** The request as the event records it, plus the effective schedule over [swapStart, swapEnd). */
export interface RequestShiftSwap extends ShiftSwapRequestedData {
  type: 'RequestShiftSwap';
  effective: ScheduleDef;
}

export interface TakeShiftSwap {
  type: 'TakeShiftSwap';
  scheduleId: string;
  swapId: string;
  benefactor: string;
  /** Epoch ms. */
  now: number;
  /** The effective schedule over the swap's interval; null when the swap is not in the state. */
  effective: ScheduleDef | null;
}

export interface DeleteShiftSwap {
  type: 'DeleteShiftSwap';
  scheduleId: string;
  swapId: string;
}

/** An override from the API; the caller has checked users, times and the zone. */
export interface AddOverride {
  type: 'AddOverride';
  scheduleId: string;
  name: string | null;
  override: ScheduleOverrideData;
}

export interface DeleteOverride {
  type: 'DeleteOverride';
  scheduleId: string;
  overrideId: string;
}

export type ScheduleCommand =
  AddOverride | DeleteOverride | ConfigureSchedule | RemoveSchedule | ImportIcalFeed | RequestShiftSwap | TakeShiftSwap | DeleteShiftSwap;

/**
 * Why a schedule command was refused. `invalid_request` is for input the
 * caller checks before deciding (unknown user, interval in the past).
 */
export type ScheduleRejection = DomainRejection<
  'invalid_request' | 'override_exists' | 'override_not_found' | 'not_on_call' | 'same_user' | 'swap_not_found' | 'swap_not_open' | 'swap_not_possible'
>;

type ScheduleDecision = Decision<ScheduleRejection>;

const refuse = (code: ScheduleRejection['code'], message: string): ScheduleDecision => ({ rejected: { code, message } });

export function decideSchedule(cmd: ScheduleCommand, s: ScheduleAggregate): ScheduleDecision {
  switch (cmd.type) {
    case 'ConfigureSchedule': {
      if (s.definitionSha256 === cmd.definitionSha256 && !s.removed) return { events: [] };
      const change = s.definition === null || s.removed ? 'created' : 'updated';
      const { scheduleId, definitionSha256, definition, origin } = cmd;
      return { events: [{ type: 'ScheduleConfigured', data: { scheduleId, change, definitionSha256, definition, origin } }] };
    }
    case 'RemoveSchedule':
      if (s.definition === null || s.removed) return { events: [] };
      return { events: [{ type: 'ScheduleRemoved', data: { scheduleId: cmd.scheduleId, origin: cmd.origin } }] };
    case 'ImportIcalFeed': {
      if (s.feeds[cmd.feed]?.sha256 === cmd.sha256) return { events: [] };
      const { scheduleId, feed, origin, sha256, ics } = cmd;
      return { events: [{ type: 'ScheduleIcalImported', data: { scheduleId, feed, origin, sha256, ics } }] };
    }
    case 'RequestShiftSwap': {
      const start = Date.parse(cmd.swapStart);
      const end = Date.parse(cmd.swapEnd);
      if (!finalSchedule(cmd.effective, start, end).some((x) => x.users.includes(cmd.beneficiary))) {
        return refuse('not_on_call', `${cmd.beneficiary} is not on call in schedule ${cmd.scheduleId} between ${cmd.swapStart} and ${cmd.swapEnd}`);
      }
      const { scheduleId, swapId, beneficiary, swapStart, swapEnd, description } = cmd;
      return { events: [{ type: 'ShiftSwapRequested', data: { scheduleId, swapId, beneficiary, swapStart, swapEnd, description } }] };
    }
    case 'TakeShiftSwap': {
      const swap = s.swaps.find((w) => w.id === cmd.swapId);
      if (!swap || swap.status === 'deleted' || !cmd.effective) return refuse('swap_not_found', 'Not found.');
      const status = swapStatus(swap, cmd.now);
      if (status !== 'open') return refuse('swap_not_open', `the shift swap request is ${status.replace('_', ' ')}, not open`);
      if (cmd.benefactor === swap.beneficiary) return refuse('same_user', 'the benefactor cannot be the beneficiary of the swap');
      const d = decideShiftSwap(cmd.effective, {
        id: `swap-${cmd.swapId}`,
        requester: swap.beneficiary,
        taker: cmd.benefactor,
        start: Date.parse(swap.swapStart),
        end: Date.parse(swap.swapEnd),
      });
      if (!d.ok) return refuse('swap_not_possible', d.message);
      return {
        events: [
          {
            type: 'ShiftSwapTaken',
            data: { scheduleId: cmd.scheduleId, swapId: cmd.swapId, beneficiary: swap.beneficiary, benefactor: cmd.benefactor, overrides: d.overrides },
          },
        ],
      };
    }
    case 'DeleteShiftSwap': {
      const swap = s.swaps.find((w) => w.id === cmd.swapId);
      if (!swap || swap.status === 'deleted') return refuse('swap_not_found', 'Not found.');
      return { events: [{ type: 'ShiftSwapDeleted', data: { scheduleId: cmd.scheduleId, swapId: cmd.swapId } }] };
    }
    case 'AddOverride': {
      if (s.removed) return refuse('invalid_request', `schedule ${JSON.stringify(cmd.scheduleId)} was removed`);
      const d = s.definition;
      const clash = d !== null && [...d.rotations, ...d.singles, ...d.overrides].some((x) => x.id === cmd.override.id);
      if (clash || s.overrides.some((o) => o.override.id === cmd.override.id))
        return refuse('override_exists', `a shift with id ${cmd.override.id} already exists`);
      return { events: [{ type: 'ScheduleOverrideAdded', data: { scheduleId: cmd.scheduleId, name: cmd.name, override: cmd.override } }] };
    }
    case 'DeleteOverride':
      if (!s.overrides.some((o) => o.override.id === cmd.overrideId)) return refuse('override_not_found', 'Not found.');
      return { events: [{ type: 'ScheduleOverrideDeleted', data: { scheduleId: cmd.scheduleId, overrideId: cmd.overrideId } }] };
    default: {
      const never: never = cmd;
      return never;
    }
  }
}

/** The schedule aggregate (`evt.schedule.<token>`). */
export const scheduleDecider: Decider<ScheduleCommand, DozorEvent, ScheduleAggregate, ScheduleRejection> = {
  decide: decideSchedule,
  evolve: evolveSchedule,
  initialState: initialScheduleState,
};
