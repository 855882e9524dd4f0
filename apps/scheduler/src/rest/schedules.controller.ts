import { Controller, Get, HttpException, HttpStatus, Inject, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiController, ApiExceptionFilter } from '@dozor/platform';
import { exportIcal, findGaps, finalSchedule, onCallAt } from '@dozor/domain';
import { ScheduleRepository, type LoadedSchedule } from '../schedule/schedule.repository.js';
import { IcalExportTokens, type ExportTarget } from '../ical/export-tokens.js';
import { DAY_MS, badRequest, dateWindow, notFound, one, paginate, type Q } from './query.js';
import { finalShiftRows, serializeSchedule } from './schedule.serializer.js';

/** Gap and empty-shift detection looks this far ahead by default (`?days=`). */
export const GAP_HORIZON_DAYS = 30;
/** The iCal export covers this window unless start_date/end_date say otherwise. */
export const EXPORT_PAST_DAYS = 14;
export const EXPORT_FUTURE_DAYS = 90;

/**
 * `/api/v1/schedules`: Grafana OnCall's list, detail (with `on_call_now`) and
 * `final_shifts`, plus Dozor's `gaps` and the export token of the iCal feed.
 * Every value is computed from the effective schedule: configuration, taken
 * shift swaps and imported iCal feeds, as the on-call RPC sees it.
 */
@ApiController('api/v1/schedules')
export class SchedulesController {
  constructor(
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(IcalExportTokens) private readonly tokens: IcalExportTokens,
  ) {}

  private async require(id: string): Promise<LoadedSchedule> {
    const s = await this.schedules.find(id);
    if (!s) throw notFound();
    return s;
  }

  private onCallNow(s: LoadedSchedule): string[] {
    const now = this.schedules.now();
    return onCallAt(this.schedules.effective(s, now, now + 1), now);
  }

  @Get()
  async list(@Query() q: Q, @Req() req: FastifyRequest) {
    const name = one(q.name);
    const all = (await this.schedules.list()).filter((s) => name === undefined || s.definition.name === name);
    return paginate(
      all.map((s) => serializeSchedule(s, this.onCallNow(s))),
      q,
      req,
    );
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const s = await this.require(id);
    return serializeSchedule(s, this.onCallNow(s));
  }

  /** OnCall's shape: one row per user per final shift, all in one page. */
  @Get(':id/final_shifts')
  async finalShifts(@Param('id') id: string, @Query() q: Q) {
    const s = await this.require(id);
    const { from, to } = dateWindow(q, { required: true });
    const rows = to > from ? finalShiftRows(finalSchedule(this.schedules.effective(s, from, to), from, to), this.schedules.runtime.config.users) : [];
    return { count: rows.length, next: null, previous: null, results: rows, current_page_number: 1, page_size: 50, total_pages: 1 };
  }

  /** Time nobody covers and final shifts with nobody in them, from now over `days` (default 30, at most 365). */
  @Get(':id/gaps')
  async gaps(@Param('id') id: string, @Query() q: Q) {
    const s = await this.require(id);
    const raw = one(q.days);
    const days = raw === undefined || raw === '' ? GAP_HORIZON_DAYS : Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > 365) throw badRequest('days must be a whole number from 1 to 365');
    const from = this.schedules.now();
    const to = from + days * DAY_MS;
    const holes = findGaps(this.schedules.effective(s, from, to), from, to);
    return {
      schedule: s.id,
      start: new Date(from).toISOString(),
      end: new Date(to).toISOString(),
      has_gaps: holes.gaps.length > 0,
      has_empty_shifts: holes.emptyShifts.length > 0,
      gaps: holes.gaps,
      empty_shifts: holes.emptyShifts.map((e) => ({ start: e.start, end: e.end, source: e.source })),
    };
  }

  /** The secret URL of the schedule's iCal feed. */
  @Get(':id/export_token')
  async exportToken(@Param('id') id: string) {
    const s = await this.require(id);
    return exportTokenBody(this.tokens, { kind: 'schedule', id: s.id });
  }
}

/** `/api/v1/users/<id>/schedule_export_token`: the secret URL of a user's iCal feed (every schedule, that user's shifts). */
@ApiController('api/v1/users')
export class UserExportTokenController {
  constructor(
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(IcalExportTokens) private readonly tokens: IcalExportTokens,
  ) {}

  @Get(':id/schedule_export_token')
  exportToken(@Param('id') id: string) {
    if (!this.schedules.runtime.config.users.some((u) => u.id === id)) throw notFound();
    return exportTokenBody(this.tokens, { kind: 'user', id });
  }
}

function exportTokenBody(tokens: IcalExportTokens, t: ExportTarget) {
  if (!tokens.enabled) throw exportDisabled();
  return { token: tokens.token(t), export_url: tokens.url(t) };
}

function exportDisabled(): HttpException {
  return new HttpException({ detail: 'iCal export is disabled: set DOZOR_ICAL_SECRET (or DOZOR_API_TOKEN).' }, HttpStatus.SERVICE_UNAVAILABLE);
}

/**
 * The iCal feeds (RFC 5545), as Grafana OnCall serves them: protected by their
 * own `?token=` instead of the API token, so that calendar apps can subscribe.
 */
@Controller()
@UseFilters(ApiExceptionFilter)
export class IcalExportController {
  constructor(
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(IcalExportTokens) private readonly tokens: IcalExportTokens,
  ) {}

  private check(t: ExportTarget, q: Q): void {
    if (!this.tokens.enabled) throw exportDisabled();
    if (!this.tokens.verify(t, one(q.token))) throw new HttpException({ detail: 'Invalid token.' }, HttpStatus.UNAUTHORIZED);
  }

  private window(q: Q): { from: number; to: number; now: number } {
    const now = this.schedules.now();
    return {
      ...dateWindow(q, { required: false, defaultFrom: now - EXPORT_PAST_DAYS * DAY_MS, defaultTo: now + EXPORT_FUTURE_DAYS * DAY_MS, maxDays: 366 }),
      now,
    };
  }

  @Get('api/v1/schedules/:id/export')
  async schedule(@Param('id') id: string, @Query() q: Q, @Res() reply: FastifyReply): Promise<void> {
    this.check({ kind: 'schedule', id }, q);
    const s = await this.schedules.find(id);
    if (!s) throw notFound();
    const { from, to, now } = this.window(q);
    const text = exportIcal(this.schedules.effective(s, from, to), from, to, { users: this.schedules.icalUsers(), stamp: now });
    sendCalendar(reply, text, `${s.id}.ics`);
  }

  @Get('api/v1/users/:id/schedule_export')
  async user(@Param('id') id: string, @Query() q: Q, @Res() reply: FastifyReply): Promise<void> {
    this.check({ kind: 'user', id }, q);
    const user = this.schedules.runtime.config.users.find((u) => u.id === id);
    if (!user) throw notFound();
    const { from, to, now } = this.window(q);
    const effective = (await this.schedules.list()).map((s) => this.schedules.effective(s, from, to));
    const text = exportIcal(effective, from, to, { user: id, users: this.schedules.icalUsers(), stamp: now, name: `Dozor on-call: ${user.name}` });
    sendCalendar(reply, text, `${id}.ics`);
  }
}

function sendCalendar(reply: FastifyReply, text: string, filename: string): void {
  void reply
    .header('content-type', 'text/calendar; charset=utf-8')
    .header('content-disposition', `inline; filename="${filename.replace(/[^A-Za-z0-9_.-]/g, '_')}"`)
    .header('cache-control', 'private, max-age=60')
    .send(text);
}
