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
    const filter: AlertGroupFilter = {};
    const state = one(q.state);
    if (state) {
      const s = fromOnCallState(state);
      if (!s)
        throw new HttpException(
          { detail: `state must be one of: new, acknowledged, resolved, silenced (got ${JSON.stringify(state.slice(0, 40))})` },
          HttpStatus.BAD_REQUEST,
        );
      filter.state = s;
    }
    if (one(q.id)) filter.id = one(q.id);
    if (one(q.integration_id)) filter.integrationId = one(q.integration_id);
    if (one(q.route_id)) filter.routeId = one(q.route_id);

    // As Django REST framework's page-number pagination: `perpage` falls back to
    // the default when it is not a positive integer and is capped at 100; a page
    // that does not exist is a 404.
    const perpageRaw = Number(one(q.perpage));
    const pageSize = Number.isInteger(perpageRaw) && perpageRaw > 0 ? Math.min(perpageRaw, MAX_PAGE_SIZE) : PAGE_SIZE;
    const pageRaw = one(q.page);
    const page = pageRaw === undefined || pageRaw === '' || pageRaw === 'last' ? (pageRaw === 'last' ? -1 : 1) : Number(pageRaw);
    if (page !== -1 && (!Number.isInteger(page) || page < 1)) throw invalidPage();

    let current = page === -1 ? 1 : page;
    let { count, results } = await this.read.list(filter, (current - 1) * pageSize, pageSize);
    const totalPages = Math.max(1, Math.ceil(count / pageSize));
    if (page === -1 && totalPages > 1) {
      current = totalPages;
      ({ count, results } = await this.read.list(filter, (current - 1) * pageSize, pageSize));
    }
    if (current > totalPages) throw invalidPage();
    return {
      count,
      next: current < totalPages ? pageUrl(req, current + 1) : null,
      previous: current > 1 ? pageUrl(req, current - 1) : null,
      results,
      current_page_number: current,
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

function invalidPage(): HttpException {
  return new HttpException({ detail: 'Invalid page.' }, HttpStatus.NOT_FOUND);
}

/** The request's own URL with `page` set (dropped for page 1), as DRF builds `next` and `previous`. */
function pageUrl(req: FastifyRequest, page: number): string {
  const host = req.headers.host ?? 'localhost';
  const u = new URL(req.url, `${req.protocol}://${host}`);
  if (page === 1) u.searchParams.delete('page');
  else u.searchParams.set('page', String(page));
  return u.toString();
}
