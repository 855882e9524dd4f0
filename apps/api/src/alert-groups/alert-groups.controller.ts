import { Body, Get, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AlertGroupAction } from '@dozor/contracts';
import { ApiController } from '@dozor/platform';
import { AlertGroupsReadModel, type AlertGroupFilter } from './alert-groups.read-model.js';
import { AlertGroupCommands } from './alert-group.commands.js';
import { fromOnCallState, toOnCallState } from './alert-group.serializer.js';

export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Alert group ids are subject tokens: anything else cannot exist. */
const ID = /^[A-Za-z0-9_:-]{1,128}$/;

type Q = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);

/**
 * `/api/v1/alert_groups`, shaped like Grafana OnCall's public API: list with
 * filters and page-number pagination, detail (with timeline and alerts), and
 * the actions, which go to the router as commands.
 */
@ApiController('api/v1/alert_groups')
export class AlertGroupsController {
  constructor(
    @Inject(AlertGroupsReadModel) private readonly read: AlertGroupsReadModel,
    @Inject(AlertGroupCommands) private readonly commands: AlertGroupCommands,
  ) {}

  @Get()
  async list(@Query() q: Q, @Req() req: FastifyRequest) {
    const unknown = Object.keys(q).filter((k) => !LIST_PARAMS.has(k));
    if (unknown.length > 0) {
      throw badRequest(
        `unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}: ` +
          `alert_groups takes ${[...LIST_PARAMS].join(', ')}`,
      );
    }
    const filter: AlertGroupFilter = {};
    const state = one(q.state);
    if (state) {
      const s = fromOnCallState(state);
      if (!s) throw badRequest(`state must be one of: new, acknowledged, resolved, silenced (got ${JSON.stringify(state.slice(0, 40))})`);
      filter.state = s;
    }
    if (one(q.id)) filter.id = one(q.id);
    if (one(q.integration_id)) filter.integrationId = one(q.integration_id);
    if (one(q.route_id)) filter.routeId = one(q.route_id);
    const teamId = one(q.team_id);
    // Dozor has no teams yet: every group is OnCall's "no team" (team_id=null), and a team id cannot match
    if (teamId && teamId !== NO_TEAM)
      throw badRequest(`team_id ${JSON.stringify(teamId.slice(0, 40))} is not a team: Dozor has no teams yet, so only team_id=null (no team) matches`);
    const startedAt = one(q.started_at);
    if (startedAt) filter.startedAt = parseStartedAt(startedAt);
    const labels = q.label === undefined ? [] : Array.isArray(q.label) ? q.label : [q.label];
    if (labels.length > 0) filter.labels = labels.map(parseLabel);

    // Page-number pagination as OnCall's (Django REST framework): `perpage` is
    // capped at 100. Unlike OnCall, which falls back to page 1 or the last page,
    // a page or perpage that is not a positive integer, or a page past the last, is a 400.
    const perpageRaw = one(q.perpage);
    const pageSize = perpageRaw === undefined || perpageRaw === '' ? PAGE_SIZE : Math.min(positiveInt('perpage', perpageRaw), MAX_PAGE_SIZE);
    const pageRaw = one(q.page);
    const page = pageRaw === undefined || pageRaw === '' ? 1 : positiveInt('page', pageRaw);

    const { count, results } = await this.read.list(filter, (page - 1) * pageSize, pageSize);
    const totalPages = Math.max(1, Math.ceil(count / pageSize));
    if (page > totalPages) throw badRequest(`Invalid page: page ${page} is past the last page, ${totalPages} (${count} alert groups, ${pageSize} a page)`);
    return {
      count,
      next: page < totalPages ? pageUrl(req, page + 1) : null,
      previous: page > 1 ? pageUrl(req, page - 1) : null,
      results,
      current_page_number: page,
      page_size: pageSize,
      total_pages: totalPages,
    };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const g = ID.test(id) ? await this.read.get(id) : null;
    if (!g) throw notFound();
    return g;
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  acknowledge(@Param('id') id: string) {
    return this.act(id, 'acknowledge');
  }

  @Post(':id/unacknowledge')
  @HttpCode(200)
  unacknowledge(@Param('id') id: string) {
    return this.act(id, 'unacknowledge');
  }

  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@Param('id') id: string) {
    return this.act(id, 'resolve');
  }

  @Post(':id/unresolve')
  @HttpCode(200)
  unresolve(@Param('id') id: string) {
    return this.act(id, 'unresolve');
  }

  /** `{"delay": seconds}`, -1 meaning forever, as in Grafana OnCall. */
  @Post(':id/silence')
  @HttpCode(200)
  silence(@Param('id') id: string, @Body() body: unknown) {
    const raw = body && typeof body === 'object' ? (body as { delay?: unknown }).delay : undefined;
    if (raw === undefined || raw === null || raw === '') {
      throw new HttpException({ detail: 'delay is required: the silence length in seconds, or -1 for forever' }, HttpStatus.BAD_REQUEST);
    }
    const delay = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(delay) || delay === 0 || delay < -1) {
      throw new HttpException({ detail: `invalid delay ${JSON.stringify(raw)}: give a positive number of seconds, or -1 for forever` }, HttpStatus.BAD_REQUEST);
    }
    return this.act(id, 'silence', delay === -1 ? null : delay);
  }

  @Post(':id/unsilence')
  @HttpCode(200)
  unsilence(@Param('id') id: string) {
    return this.act(id, 'unsilence');
  }

  /**
   * The group after the action. The router's reply carries the new state; the
   * rest comes from the projection, which may not have caught up yet.
   */
  private async act(id: string, action: AlertGroupAction, durationSeconds?: number | null) {
    if (!ID.test(id)) throw notFound();
    const reply = await this.commands.send(action, id, durationSeconds);
    const g = await this.read.get(reply.alertGroupId);
    const state = toOnCallState(reply.state);
    if (!g) return { id: reply.alertGroupId, state };
    const { timeline: _t, alerts: _a, ...group } = g;
    return { ...group, state };
  }
}

function notFound(): HttpException {
  return new HttpException({ detail: 'Not found.' }, HttpStatus.NOT_FOUND);
}

function badRequest(detail: string): HttpException {
  return new HttpException({ detail }, HttpStatus.BAD_REQUEST);
}

/** The query parameters of OnCall's public `alert_groups` list: its filters and its pagination. */
const LIST_PARAMS = new Set(['id', 'route_id', 'integration_id', 'label', 'team_id', 'started_at', 'state', 'page', 'perpage']);

/** OnCall's value for "no team" in `team_id`. */
const NO_TEAM = 'null';

function positiveInt(name: string, raw: string): number {
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1)) throw badRequest(`Invalid ${name}: ${name} must be a positive integer (got ${JSON.stringify(raw.slice(0, 40))})`);
  return n;
}

/** OnCall's date-time format in `started_at` (naive, read as UTC, OnCall's default time zone). */
const RANGE_END = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

function rangeEnd(text: string): Date | null {
  const m = RANGE_END.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  // Date.UTC rolls 2026-02-30 over into March; strptime refuses it
  const same = t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi;
  return same && se < 60 ? t : null;
}

/** `started_at=2026-11-24T00:00:00_2026-11-25T00:00:00`: both ends inclusive, start not after end. */
function parseStartedAt(raw: string): { from: Date; to: Date } {
  const parts = raw.split('_');
  const [from, to] = parts.length === 2 ? parts.map(rangeEnd) : [null, null];
  if (!from || !to || from > to) {
    throw badRequest(
      `Invalid range value for started_at: ${JSON.stringify(raw.slice(0, 80))}; expected {start}_{end} as %Y-%m-%dT%H:%M:%S_%Y-%m-%dT%H:%M:%S (UTC), start not after end`,
    );
  }
  return { from, to };
}

/** `label=key:value`, exactly one colon, as OnCall's parse_label_query (which skips other forms silently; Dozor refuses them). */
function parseLabel(raw: string): readonly [string, string] {
  const parts = raw.split(':');
  if (parts.length !== 2) throw badRequest(`Invalid label ${JSON.stringify(raw.slice(0, 80))}: expected key:value with exactly one colon`);
  return [parts[0]!, parts[1]!];
}

/** The request's own URL with `page` set (dropped for page 1), as DRF builds `next` and `previous`. */
function pageUrl(req: FastifyRequest, page: number): string {
  const host = req.headers.host ?? 'localhost';
  const u = new URL(req.url, `${req.protocol}://${host}`);
  if (page === 1) u.searchParams.delete('page');
  else u.searchParams.set('page', String(page));
  return u.toString();
}
