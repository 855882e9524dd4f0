import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { base32, type Actor, type NewEvent } from '@dozor/contracts';
import { decideShiftSwap, finalSchedule, type ScheduleDef } from '@dozor/domain';
import { ScheduleRepository, type LoadedSchedule } from '../schedule/schedule.repository.js';
import { swapStatus, type ScheduleAggregate, type SwapState } from '../schedule/schedule.state.js';

export type SwapOutcome = { ok: true; schedule: LoadedSchedule; swap: SwapState } | { ok: false; status: 400 | 404 | 409; detail: string };

export interface SwapRequestInput {
  scheduleId: string;
  beneficiary: string;
  swapStart: number;
  swapEnd: number;
  description: string | null;
}

/** Who acts through the API when the request names no user. */
export const API_USER: Actor = { kind: 'user', id: 'api', name: 'api' };

const fail = (status: 400 | 404 | 409, detail: string): SwapOutcome => ({ ok: false, status, detail });

/**
 * Shift swaps as commands on the schedule subject: request, take, delete. Each
 * decides on the state loaded from the log and appends with its version; a
 * replica that loses a race reloads and decides again, so two users taking the
 * same request at once get one swap.
 */
@Injectable()
export class ShiftSwapsService {
  constructor(@Inject(ScheduleRepository) private readonly schedules: ScheduleRepository) {}

  private now(): number {
    return this.schedules.runtime.clock().getTime();
  }

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
    if (!found) return fail(400, `schedule ${JSON.stringify(input.scheduleId)} does not exist`);
    if (!this.user(input.beneficiary)) return fail(400, `beneficiary ${JSON.stringify(input.beneficiary)} is not a user`);
    if (!(input.swapStart < input.swapEnd)) return fail(400, 'swap_end must be after swap_start');
    if (input.swapStart <= this.now()) return fail(400, 'swap_start must be in the future');
    const swapId = `SSR${base32(randomBytes(8)).toUpperCase()}`;
    const subject = this.schedules.subject(found.id);
    const r = await this.schedules.repo.handle<SwapOutcome>(subject, (state, version) => {
      const s = withState(found, state, version);
      const effective = this.schedules.effective(s, input.swapStart, input.swapEnd);
      if (!isOnCall(effective, input.beneficiary, input.swapStart, input.swapEnd)) {
        return { result: fail(400, `${input.beneficiary} is not on call in schedule ${found.id} between ${iso(input.swapStart)} and ${iso(input.swapEnd)}`) };
      }
      const events: NewEvent[] = [
        {
          type: 'ShiftSwapRequested',
          data: {
            scheduleId: found.id,
            swapId,
            beneficiary: input.beneficiary,
            swapStart: iso(input.swapStart),
            swapEnd: iso(input.swapEnd),
            description: input.description,
          },
        },
      ];
      return { events, options: { actor: this.actorOf(input.beneficiary), source: 'api' } };
    });
    return r.result ?? this.outcome(found, r.state, swapId);
  }

  async take(swapId: string, benefactor: string): Promise<SwapOutcome> {
    const found = await this.locate(swapId);
    if (!found) return fail(404, 'Not found.');
    if (!this.user(benefactor)) return fail(400, `benefactor ${JSON.stringify(benefactor)} is not a user`);
    const now = this.now();
    const r = await this.schedules.repo.handle<SwapOutcome>(this.schedules.subject(found.id), (state, version) => {
      const swap = state.swaps.find((w) => w.id === swapId);
      if (!swap || swap.status === 'deleted') return { result: fail(404, 'Not found.') };
      const status = swapStatus(swap, now);
      if (status !== 'open') return { result: fail(409, `the shift swap request is ${status.replace('_', ' ')}, not open`) };
      if (benefactor === swap.beneficiary) return { result: fail(400, 'the benefactor cannot be the beneficiary of the swap') };
      const start = Date.parse(swap.swapStart);
      const end = Date.parse(swap.swapEnd);
      const effective = this.schedules.effective(withState(found, state, version), start, end);
      const d = decideShiftSwap(effective, { id: `swap-${swapId}`, requester: swap.beneficiary, taker: benefactor, start, end });
      if (!d.ok) return { result: fail(409, d.message) };
      const events: NewEvent[] = [
        {
          type: 'ShiftSwapTaken',
          data: { scheduleId: found.id, swapId, beneficiary: swap.beneficiary, benefactor, overrides: d.overrides },
        },
      ];
      return { events, options: { actor: this.actorOf(benefactor), source: 'api' } };
    });
    return r.result ?? this.outcome(found, r.state, swapId);
  }

  async delete(swapId: string): Promise<SwapOutcome> {
    const found = await this.locate(swapId);
    if (!found) return fail(404, 'Not found.');
    const r = await this.schedules.repo.handle<SwapOutcome>(this.schedules.subject(found.id), (state) => {
      const swap = state.swaps.find((w) => w.id === swapId);
      if (!swap || swap.status === 'deleted') return { result: fail(404, 'Not found.') };
      const events: NewEvent[] = [{ type: 'ShiftSwapDeleted', data: { scheduleId: found.id, swapId } }];
      return { events, options: { actor: API_USER, source: 'api' } };
    });
    return r.result ?? this.outcome(found, r.state, swapId, true);
  }

  async get(swapId: string): Promise<SwapOutcome> {
    const found = await this.locate(swapId);
    if (!found) return fail(404, 'Not found.');
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
    if (!swap || (swap.status === 'deleted' && !deleted)) return fail(404, 'Not found.');
    return { ok: true, schedule: { ...found, state }, swap };
  }
}

function withState(found: LoadedSchedule, state: ScheduleAggregate, version: number): LoadedSchedule {
  const definition = state.definition && !state.removed && state.definition.id === found.id ? state.definition : found.definition;
  return { ...found, definition, state, version };
}

function isOnCall(schedule: ScheduleDef, user: string, from: number, to: number): boolean {
  return finalSchedule(schedule, from, to).some((s) => s.users.includes(user));
}

const iso = (ms: number): string => new Date(ms).toISOString();
