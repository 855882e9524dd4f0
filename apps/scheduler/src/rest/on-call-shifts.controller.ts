import { Get, Inject, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiController } from '@dozor/platform';
import { ScheduleRepository } from '../schedule/schedule.repository.js';
import { notFound, one, paginate, type Q } from './query.js';
import { onCallShiftsOf, type OnCallShiftJson } from './schedule.serializer.js';

/**
 * `/api/v1/on_call_shifts`, read-only: the rotations, single events and
 * overrides of every schedule (shifts come from dozor.yaml, so they are changed
 * there), plus the overrides that taken shift swaps created. Filters:
 * `schedule_id`, `name`.
 */
@ApiController('api/v1/on_call_shifts')
export class OnCallShiftsController {
  constructor(@Inject(ScheduleRepository) private readonly schedules: ScheduleRepository) {}

  private async all(): Promise<OnCallShiftJson[]> {
    return (await this.schedules.list()).flatMap(onCallShiftsOf);
  }

  @Get()
  async list(@Query() q: Q, @Req() req: FastifyRequest) {
    const scheduleId = one(q.schedule_id);
    const name = one(q.name);
    const shifts = (await this.all()).filter((s) => (scheduleId === undefined || s.schedule_id === scheduleId) && (name === undefined || s.name === name));
    return paginate(shifts, q, req);
  }

  @Get(':id')
  async get(@Param('id') id: string, @Query() q: Q) {
    const scheduleId = one(q.schedule_id);
    const s = (await this.all()).find((x) => x.id === id && (scheduleId === undefined || x.schedule_id === scheduleId));
    if (!s) throw notFound();
    return s;
  }
}
