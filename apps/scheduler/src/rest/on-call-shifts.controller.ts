import { randomBytes } from 'node:crypto';
import { Body, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { base32, type Actor, type ScheduleOverrideData } from '@dozor/contracts';
import { isValidTimeZone, MAX_LEVEL, type OverrideDef, type ScheduleRejection } from '@dozor/domain';
import { ApiController, requestSession } from '@dozor/platform';
import { ScheduleRepository } from '../schedule/schedule.repository.js';
import { API_USER } from '../shift-swaps/shift-swaps.service.js';
import { badRequest, notFound, one, paginate, type Q } from './query.js';
import { onCallShiftsOf, serializeOverride, type OnCallShiftJson } from './schedule.serializer.js';

/** OnCall's date-time format for shifts; Dozor also takes a trailing `Z` or offset and fractions of a second. */
const START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;
/** The longest override accepted: a year. */
const MAX_DURATION = 366 * 86_400;

type Body = Record<string, unknown>;

/**
 * `/api/v1/on_call_shifts`: the rotations, single events and overrides of
 * every schedule, plus the overrides that taken shift swaps created and those
 * added here. Filters: `schedule_id`, `name`.
 *
 * `POST` creates an override, in the shape of Grafana OnCall's public API
 * (`type: "override"`, `start` as `yyyy-mm-ddThh:mm:ss`, `duration` in
 * seconds, `users`), plus `schedule` (or `schedule_id`): OnCall attaches a
 * shift to a schedule in a second call, Dozor needs it at once. A `start`
 * without an offset is UTC, as OnCall stores it; `time_zone` (default UTC) is
 * kept for display. `level` defaults to 0, as OnCall sets for API overrides.
 * Rotations and single events are defined in dozor.yaml, so the other types
 * are refused. The override is `ScheduleOverrideAdded` on the schedule's
 * subject, decided by the schedule aggregate; `DELETE` removes one added here.
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

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Req() req: FastifyRequest) {
    const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Body;
    if (b.type !== 'override') {
      throw badRequest(
        b.type === undefined
          ? 'type is required: only "override" shifts are created through the API'
          : `only "override" shifts are created through the API (got type ${JSON.stringify(b.type)}): rotations and single events are defined in dozor.yaml`,
      );
    }
    const scheduleId = b.schedule ?? b.schedule_id;
    if (typeof scheduleId !== 'string' || !scheduleId) throw badRequest('schedule is required: the id of the schedule the override belongs to');
    const found = await this.schedules.find(scheduleId);
    if (!found) throw badRequest(`schedule ${JSON.stringify(scheduleId)} does not exist`);

    if (typeof b.start !== 'string' || !START.test(b.start) || Number.isNaN(Date.parse(withZone(b.start)))) {
      throw badRequest(`Invalid datetime format, should be "yyyy-mm-dd'T'hh:mm:ss" (start: ${JSON.stringify(b.start ?? null)})`);
    }
    const duration = b.duration;
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration <= 0 || duration > MAX_DURATION) {
      throw badRequest(`duration must be a whole number of seconds between 1 and ${MAX_DURATION} (got ${JSON.stringify(duration ?? null)})`);
    }
    const users = b.users ?? [];
    if (!Array.isArray(users) || users.some((u) => typeof u !== 'string')) throw badRequest('users must be a list of user ids');
    const known = new Set(this.schedules.runtime.config.users.map((u) => u.id));
    const unknown = (users as string[]).filter((u) => !known.has(u));
    if (unknown.length)
      throw badRequest(`users: ${unknown.map((u) => JSON.stringify(u)).join(', ')} ${unknown.length === 1 ? 'is not a user' : 'are not users'}`);
    const timeZone = b.time_zone ?? 'UTC';
    if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone)) throw badRequest(`time_zone ${JSON.stringify(timeZone)} is not a known time zone`);
    const level = b.level ?? 0;
    if (typeof level !== 'number' || !Number.isInteger(level) || level < 0 || level > MAX_LEVEL) {
      throw badRequest(`level must be a whole number from 0 to ${MAX_LEVEL} (got ${JSON.stringify(level)})`);
    }
    const name = b.name ?? null;
    if (name !== null && (typeof name !== 'string' || name.length > 200)) throw badRequest('name must be a string of at most 200 characters');

    const override: ScheduleOverrideData = {
      id: `O${base32(randomBytes(8)).toUpperCase()}`,
      start: new Date(Date.parse(withZone(b.start))).toISOString(),
      duration,
      users: [...new Set(users as string[])],
      timeZone,
      level,
    };
    const r = await this.schedules.repo.handle(
      this.schedules.subject(found.id),
      () => ({ type: 'AddOverride', scheduleId: found.id, name: name || null, override }),
      { actor: actorOf(req), source: 'api' },
    );
    if (r.kind === 'rejected') throw rejected(r.rejection);
    if (r.kind === 'conflict') throw new Error(`schedule ${found.id} kept changing (${r.attempts} attempts)`);
    return { ...serializeOverride(override as OverrideDef, found.id, null), schedule: found.id, name: name || override.id };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Req() req: FastifyRequest): Promise<void> {
    const owner = (await this.schedules.list()).find((s) => s.state.overrides.some((o) => o.override.id === id));
    if (!owner) {
      const exists = (await this.all()).some((x) => x.id === id);
      if (exists) throw badRequest(`shift ${id} is defined in dozor.yaml or by a shift swap: only overrides added through the API are deleted here`);
      throw notFound();
    }
    const r = await this.schedules.repo.handle(this.schedules.subject(owner.id), () => ({ type: 'DeleteOverride', scheduleId: owner.id, overrideId: id }), {
      actor: actorOf(req),
      source: 'api',
    });
    if (r.kind === 'rejected') throw rejected(r.rejection);
    if (r.kind === 'conflict') throw new Error(`schedule ${owner.id} kept changing (${r.attempts} attempts)`);
  }
}

/** A start without an offset is UTC, as OnCall stores it. */
function withZone(start: string): string {
  return /(Z|[+-]\d{2}:\d{2})$/.test(start) ? start : `${start}Z`;
}

/** The signed-in console user, else the API token's user. */
function actorOf(req: FastifyRequest): Actor {
  const s = requestSession(req);
  return s && s.userId !== 'api' ? { kind: 'user', id: s.userId, name: s.name } : API_USER;
}

function rejected(r: ScheduleRejection): HttpException {
  const status =
    r.code === 'override_not_found' || r.code === 'swap_not_found'
      ? HttpStatus.NOT_FOUND
      : r.code === 'override_exists'
        ? HttpStatus.CONFLICT
        : HttpStatus.BAD_REQUEST;
  return new HttpException({ detail: r.message }, status);
}
