import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { base32, type Actor } from '@dozor/contracts';
import type { ScheduleAggregate, ScheduleCommand, ScheduleRejection, SwapState } from '@dozor/domain';
import type { CommandResult, CommitOptions, Loaded } from '@dozor/eventstore';
import { ScheduleRepository, type LoadedSchedule } from '../schedule/schedule.repository.js';

/** A swap, or why not: the schedule decider's rejection (the REST layer maps its code to an HTTP status). */
export type SwapOutcome = { ok: true; schedule: LoadedSchedule; swap: SwapState } | { ok: false; rejection: ScheduleRejection };

export interface SwapRequestInput {
  scheduleId: string;
  beneficiary: string;
  swapStart: number;
  swapEnd: number;
  description: string | null;
}

/** Who acts through the API when the request names no user. */
export const API_USER: Actor = { kind: 'user', id: 'api', name: 'api' };

const fail = (code: ScheduleRejection['code'], message: string): SwapOutcome => ({ ok: false, rejection: { code, message } });
const NOT_FOUND = fail('swap_not_found', 'Not found.');

/**
 * Shift swaps as commands on the schedule subject: request, take, delete. Each
 * is decided by the schedule decider on the state loaded from the log and
 * appended with its version; a replica that loses a race reloads and decides
 * again, so two users taking the same request at once get one swap. What
 * needs the config (users, the effective schedule) is checked or computed
 * here and handed to the decider as data.
 */
@Injectable()
export class ShiftSwapsService {
  constructor(@Inject(ScheduleRepository) private readonly schedules: ScheduleRepository) {}

  private user(id: string): { id: string; name: string } | null {
    const u = this.schedules.runtime.config.users.find((x) => x.id === id);
    return u ? { id: u.id, name: u.name } : null;
  }

  private actorOf(userId: string): Actor {
    const u = this.user(userId);
    return { kind: 'user', id: userId, name: u?.name ?? userId };
  }

  async request(input: SwapRequestInput): Promise<SwapOutcome> {
    const found = await this.schedules.find(input.scheduleId);
    if (!found) return fail('invalid_request', `schedule ${JSON.stringify(input.scheduleId)} does not exist`);
    if (!this.user(input.beneficiary)) return fail('invalid_request', `beneficiary ${JSON.stringify(input.beneficiary)} is not a user`);
    if (!(input.swapStart < input.swapEnd)) return fail('invalid_request', 'swap_end must be after swap_start');
    if (input.swapStart <= this.schedules.now()) return fail('invalid_request', 'swap_start must be in the future');
    const swapId = `SSR${base32(randomBytes(8)).toUpperCase()}`;
    return this.run(
      found,
      swapId,
      (loaded) => ({
        type: 'RequestShiftSwap',
        scheduleId: found.id,
        swapId,
        beneficiary: input.beneficiary,
        swapStart: iso(input.swapStart),
        swapEnd: iso(input.swapEnd),
        description: input.description,
        effective: this.schedules.effective(withState(found, loaded), input.swapStart, input.swapEnd),
      }),
      { actor: this.actorOf(input.beneficiary), source: 'api' },
    );
  }

  async take(swapId: string, benefactor: string): Promise<SwapOutcome> {
    const found = await this.locate(swapId);
    if (!found) return NOT_FOUND;
    if (!this.user(benefactor)) return fail('invalid_request', `benefactor ${JSON.stringify(benefactor)} is not a user`);
    const now = this.schedules.now();
    return this.run(
      found,
      swapId,
      (loaded) => {
        const swap = loaded.state.swaps.find((w) => w.id === swapId);
        const effective = swap ? this.schedules.effective(withState(found, loaded), Date.parse(swap.swapStart), Date.parse(swap.swapEnd)) : null;
        return { type: 'TakeShiftSwap', scheduleId: found.id, swapId, benefactor, now, effective };
      },
      { actor: this.actorOf(benefactor), source: 'api' },
    );
  }

  async delete(swapId: string): Promise<SwapOutcome> {
    const found = await this.locate(swapId);
    if (!found) return NOT_FOUND;
    return this.run(found, swapId, () => ({ type: 'DeleteShiftSwap', scheduleId: found.id, swapId }), { actor: API_USER, source: 'api' }, true);
  }

  private async run(
    found: LoadedSchedule,
    swapId: string,
    command: (loaded: Loaded<ScheduleAggregate>) => ScheduleCommand,
    options: CommitOptions,
    deleted = false,
  ): Promise<SwapOutcome> {
    const r: CommandResult<ScheduleAggregate, ScheduleRejection> = await this.schedules.repo.handle(this.schedules.subject(found.id), command, options);
    if (r.kind === 'rejected') return { ok: false, rejection: r.rejection };
    if (r.kind === 'conflict') throw new Error(`schedule ${found.id} kept changing (${r.attempts} attempts)`);
    return this.outcome(found, r.state, swapId, deleted);
  }

  async get(swapId: string): Promise<SwapOutcome> {
    const found = await this.locate(swapId);
    if (!found) return NOT_FOUND;
    return this.outcome(found, found.state, swapId);
  }

  /** Every swap of every schedule, in the order they were requested. */
  async all(): Promise<{ schedule: LoadedSchedule; swap: SwapState }[]> {
    const out: { schedule: LoadedSchedule; swap: SwapState }[] = [];
    for (const s of await this.schedules.list()) for (const w of s.state.swaps) out.push({ schedule: s, swap: w });
    return out.sort((a, b) => a.swap.createdAt.localeCompare(b.swap.createdAt));
  }

  /** The schedule holding a swap: swap ids do not name their subject, and schedules are few. */
  private async locate(swapId: string): Promise<LoadedSchedule | null> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(swapId)) return null;
    for (const s of await this.schedules.list()) if (s.state.swaps.some((w) => w.id === swapId)) return s;
    return null;
  }

  private outcome(found: LoadedSchedule, state: ScheduleAggregate, swapId: string, deleted = false): SwapOutcome {
    const swap = state.swaps.find((w) => w.id === swapId);
    if (!swap || (swap.status === 'deleted' && !deleted)) return NOT_FOUND;
    return { ok: true, schedule: { ...found, state }, swap };
  }
}

function withState(found: LoadedSchedule, { state, version }: Loaded<ScheduleAggregate>): LoadedSchedule {
  const definition = state.definition && !state.removed && state.definition.id === found.id ? state.definition : found.definition;
  return { ...found, definition, state, version };
}

const iso = (ms: number): string => new Date(ms).toISOString();
