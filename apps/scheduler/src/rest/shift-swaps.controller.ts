import { Body, Delete, Get, HttpCode, HttpException, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiController } from '@dozor/platform';
import { finalSchedule, swapStatus } from '@dozor/domain';
import { ScheduleRepository } from '../schedule/schedule.repository.js';
import { ShiftSwapsService, type SwapOutcome } from '../shift-swaps/shift-swaps.service.js';
import type { ScheduleRejection } from '@dozor/domain';

import { badRequest, bodyInstant, one, paginate, type Q } from './query.js';
import { serializeSwap, serializeSwapSummary } from './schedule.serializer.js';

type Body = Record<string, unknown>;

const str = (b: Body, k: string, required: boolean): string | null => {
  const v = b[k];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`${k} is required`);
    return null;
  }
  if (typeof v !== 'string') throw badRequest(`${k} must be a string`);
  return v;
};

/**
 * `/api/v1/shift_swaps`, Grafana OnCall's shift swap requests: a user (the
 * beneficiary) asks for someone to take their shifts in an interval; another
 * user (the benefactor) takes it, which appends the overrides that put them on
 * call instead. Every step is an event on the schedule's subject, and so an
 * audit entry.
 */
@ApiController('api/v1/shift_swaps')
export class ShiftSwapsController {
  constructor(
    @Inject(ShiftSwapsService) private readonly swaps: ShiftSwapsService,
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
  ) {}

  private detail(o: SwapOutcome) {
    if (!o.ok) throw rejected(o.rejection);
    const start = Date.parse(o.swap.swapStart);
    const end = Date.parse(o.swap.swapEnd);
    const shifts = finalSchedule(this.schedules.effective(o.schedule, start, end), start, end);
    return serializeSwap(o.swap, this.schedules.now(), shifts, this.schedules.runtime.config.users);
  }

  /** Filters as OnCall's: `schedule_id`, `beneficiary`, `benefactor`, `open_only=true`, `starting_after`. */
  @Get()
  async list(@Query() q: Q, @Req() req: FastifyRequest) {
    const now = this.schedules.now();
    const schedule = one(q.schedule_id);
    const beneficiary = one(q.beneficiary);
    const benefactor = one(q.benefactor);
    const openOnly = one(q.open_only) === 'true';
    const after = one(q.starting_after);
    const afterMs = after ? bodyInstant(after, 'starting_after') : null;
    const rows = (await this.swaps.all())
      .map((x) => x.swap)
      .filter((w) => w.status !== 'deleted')
      .filter((w) => schedule === undefined || w.scheduleId === schedule)
      .filter((w) => beneficiary === undefined || w.beneficiary === beneficiary)
      .filter((w) => benefactor === undefined || w.benefactor === benefactor)
      .filter((w) => !openOnly || swapStatus(w, now) === 'open')
      .filter((w) => afterMs === null || Date.parse(w.swapStart) > afterMs)
      .map((w) => serializeSwapSummary(w, now));
    return paginate(rows, q, req);
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return this.detail(await this.swaps.get(id));
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown) {
    const b = (body && typeof body === 'object' ? body : {}) as Body;
    const scheduleId = str(b, 'schedule', true)!;
    const beneficiary = str(b, 'beneficiary', true)!;
    const swapStart = bodyInstant(b.swap_start, 'swap_start');
    const swapEnd = bodyInstant(b.swap_end, 'swap_end');
    const description = str(b, 'description', false);
    return this.detail(await this.swaps.request({ scheduleId, beneficiary, swapStart, swapEnd, description }));
  }

  @Post(':id/take')
  @HttpCode(200)
  async take(@Param('id') id: string, @Body() body: unknown) {
    const b = (body && typeof body === 'object' ? body : {}) as Body;
    const benefactor = str(b, 'benefactor', true)!;
    return this.detail(await this.swaps.take(id, benefactor));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    const o = await this.swaps.delete(id);
    if (!o.ok) throw rejected(o.rejection);
  }
}

/** The HTTP status of each schedule rejection, as OnCall answers: unknown swap 404, a swap that can no longer be taken 409, bad input 400. */
const STATUS: Record<ScheduleRejection['code'], 400 | 404 | 409> = {
  invalid_request: 400,
  not_on_call: 400,
  same_user: 400,
  swap_not_found: 404,
  override_exists: 409,
  override_not_found: 404,
  swap_not_open: 409,
  swap_not_possible: 409,
};

function rejected(r: ScheduleRejection): HttpException {
  return new HttpException({ detail: r.message }, STATUS[r.code]);
}
