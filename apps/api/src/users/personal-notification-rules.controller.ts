import { Get, HttpException, HttpStatus, Optional, Inject, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiController } from '@dozor/platform';
import { UserDirectory } from './user-directory.js';
import { personalNotificationRuleViews, type RulesOwner } from './personal-notification-rules.js';

/** OnCall's FiftyPageSizePaginator. */
const PAGE_SIZE = 50;

type Q = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);

/**
 * `GET /api/v1/personal_notification_rules` (`?user_id=`, `?important=true|false`, `?page=`)
 * and `GET /api/v1/personal_notification_rules/<id>`, as Grafana OnCall's
 * public API answers them. The rules come from dozor.yaml (`users[].personal_notification_rules`);
 * writes (POST, PUT, DELETE) are not offered yet: change dozor.yaml.
 */
@ApiController('api/v1/personal_notification_rules')
export class PersonalNotificationRulesController {
  constructor(@Optional() @Inject(UserDirectory) private readonly directory?: UserDirectory) {}

  private users(): readonly RulesOwner[] {
    if (!this.directory)
      throw new HttpException({ detail: 'The users API is not available in this process (no user directory).' }, HttpStatus.SERVICE_UNAVAILABLE);
    return this.directory.users;
  }

  @Get()
  list(@Query() q: Q, @Req() req: FastifyRequest) {
    const users = this.users();
    const userId = one(q.user_id);
    if (userId !== undefined && !users.some((u) => u.id === userId)) throw new HttpException({ detail: 'User not found.' }, HttpStatus.BAD_REQUEST);
    const importantRaw = one(q.important);
    if (importantRaw !== undefined && importantRaw !== 'true' && importantRaw !== 'false')
      throw new HttpException({ detail: 'Important is not bool' }, HttpStatus.BAD_REQUEST);
    const all = personalNotificationRuleViews(users, { userId, important: importantRaw === undefined ? undefined : importantRaw === 'true' });
    const pageRaw = one(q.page);
    const page = pageRaw === undefined || pageRaw === '' ? 1 : Number(pageRaw);
    const totalPages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    if (!Number.isInteger(page) || page < 1 || page > totalPages)
      throw new HttpException({ detail: `Invalid page: ${JSON.stringify(pageRaw)} (pages 1 to ${totalPages})` }, HttpStatus.BAD_REQUEST);
    return {
      count: all.length,
      next: page < totalPages ? pageUrl(req, page + 1) : null,
      previous: page > 1 ? pageUrl(req, page - 1) : null,
      results: all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
      current_page_number: page,
      page_size: PAGE_SIZE,
      total_pages: totalPages,
    };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    const rule = personalNotificationRuleViews(this.users()).find((r) => r.id === id);
    if (!rule) throw new HttpException({ detail: 'Not found.' }, HttpStatus.NOT_FOUND);
    return rule;
  }
}

function pageUrl(req: FastifyRequest, page: number): string {
  const u = new URL(req.url, `${req.protocol}://${req.headers.host ?? 'localhost'}`);
  if (page === 1) u.searchParams.delete('page');
  else u.searchParams.set('page', String(page));
  return u.toString();
}
