import { Body, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, Optional, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { subjects, type PersonalNotificationRule } from '@dozor/contracts';
import { personalRulesDecider, type PersonalRulesState } from '@dozor/domain';
import { commandHandler, EventStore } from '@dozor/eventstore';
import { ApiController, requestSession } from '@dozor/platform';
import { API_ACTOR } from '../alert-groups/alert-group.commands.js';
import { UserDirectory } from './user-directory.js';
import { parseRuleBody, parseRuleId, personalNotificationRuleViews, placeRule, type RulesOwner } from './personal-notification-rules.js';

/** OnCall's FiftyPageSizePaginator. */
const PAGE_SIZE = 50;

type Q = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);

/**
 * Grafana OnCall's public API for personal notification rules:
 *   GET    /api/v1/personal_notification_rules (`?user_id=`, `?important=true|false`, `?page=`)
 *   GET    /api/v1/personal_notification_rules/<id>
 *   POST   /api/v1/personal_notification_rules  {user_id, type, duration?, important?, position?}
 *   PUT    /api/v1/personal_notification_rules/<id>  {type?, duration?, position?}
 *   DELETE /api/v1/personal_notification_rules/<id>
 * The rules are dozor.yaml's (`users[].personal_notification_rules`) until a
 * write changes a list: then the whole list is `PersonalNotificationRulesChanged`
 * on the user's subject and replaces dozor.yaml's for that user and kind.
 * Ids are `<userId>-<default|important>-<position>`: a rule keeps its id while
 * the rules before it in its list stay.
 */
@ApiController('api/v1/personal_notification_rules')
export class PersonalNotificationRulesController {
  private readonly rules;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Optional() @Inject(UserDirectory) private readonly directory?: UserDirectory,
  ) {
    this.rules = commandHandler(store, personalRulesDecider);
  }

  private configUsers(): UserDirectory['users'] {
    if (!this.directory)
      throw new HttpException({ detail: 'The users API is not available in this process (no user directory).' }, HttpStatus.SERVICE_UNAVAILABLE);
    return this.directory.users;
  }

  private async logged(userId: string): Promise<{ state: PersonalRulesState; version: number }> {
    return this.rules.load(subjects.user(this.store.topology, userId));
  }

  /** Every user with the rules that apply now: the log's lists over dozor.yaml's. */
  private async users(only?: string): Promise<RulesOwner[]> {
    const users = this.configUsers().filter((u) => only === undefined || u.id === only);
    return Promise.all(
      users.map(async (u) => {
        const { state } = await this.logged(u.id);
        return {
          id: u.id,
          personalRules: {
            default: state.default ?? u.personalRules?.default ?? [],
            important: state.important ?? u.personalRules?.important ?? [],
          },
        };
      }),
    );
  }

  @Get()
  async list(@Query() q: Q, @Req() req: FastifyRequest) {
    const userId = one(q.user_id);
    if (userId !== undefined && !this.configUsers().some((u) => u.id === userId))
      throw new HttpException({ detail: 'User not found.' }, HttpStatus.BAD_REQUEST);
    const importantRaw = one(q.important);
    if (importantRaw !== undefined && importantRaw !== 'true' && importantRaw !== 'false')
      throw new HttpException({ detail: 'Important is not bool' }, HttpStatus.BAD_REQUEST);
    const all = personalNotificationRuleViews(await this.users(userId), {
      userId,
      important: importantRaw === undefined ? undefined : importantRaw === 'true',
    });
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
  async get(@Param('id') id: string) {
    const ref = parseRuleId(id);
    const rule = ref ? personalNotificationRuleViews(await this.users(ref.userId)).find((r) => r.id === id) : undefined;
    if (!rule) throw new HttpException({ detail: 'Not found.' }, HttpStatus.NOT_FOUND);
    return rule;
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Req() req: FastifyRequest) {
    const b = parseRuleBody(body, 'create');
    if (!this.configUsers().some((u) => u.id === b.userId)) throw new HttpException({ detail: 'User not found.' }, HttpStatus.BAD_REQUEST);
    return this.change(b.userId, b.important, req, (list) => placeRule(list, b.rule!, b.position ?? list.length, null));
  }

  @Put(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    const ref = await this.existing(id);
    const b = parseRuleBody(body, 'update');
    return this.change(ref.userId, ref.important, req, (list) => {
      const current = list[ref.position]!;
      const rule: PersonalNotificationRule = b.rule ?? (b.duration !== undefined && current.type === 'wait' ? { type: 'wait', seconds: b.duration } : current);
      if (b.rule === undefined && b.duration !== undefined && current.type !== 'wait')
        throw new HttpException({ detail: "duration: only a wait has a duration (OnCall: Duration can't be set)" }, HttpStatus.BAD_REQUEST);
      return placeRule(list, rule, b.position ?? ref.position, ref.position);
    });
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Req() req: FastifyRequest) {
    const ref = await this.existing(id);
    await this.change(ref.userId, ref.important, req, (list) => ({ list: list.filter((_, i) => i !== ref.position), position: -1 }));
  }

  private async existing(id: string): Promise<{ userId: string; important: boolean; position: number }> {
    const ref = parseRuleId(id);
    if (!ref || !this.configUsers().some((u) => u.id === ref.userId)) throw new HttpException({ detail: 'Not found.' }, HttpStatus.NOT_FOUND);
    const [owner] = await this.users(ref.userId);
    const list = (ref.important ? owner!.personalRules!.important : owner!.personalRules!.default) ?? [];
    // An empty list shows OnCall's fallback rule at position 0; it is not stored, so it cannot be changed.
    if (ref.position >= list.length) throw new HttpException({ detail: 'Not found.' }, HttpStatus.NOT_FOUND);
    return ref;
  }

  /** Computes the user's new list from the effective one and appends it at the version it was computed on. */
  private async change(
    userId: string,
    important: boolean,
    req: FastifyRequest,
    next: (list: PersonalNotificationRule[]) => { list: PersonalNotificationRule[]; position: number },
  ) {
    const s = requestSession(req);
    const actor = s && s.userId !== 'api' ? { kind: 'user' as const, id: s.userId, name: s.name } : API_ACTOR;
    const config = this.configUsers().find((u) => u.id === userId)!;
    let position = -1;
    const r = await this.rules.handle(
      subjects.user(this.store.topology, userId),
      ({ state }) => {
        const current = (important ? state.important : state.default) ?? (important ? config.personalRules?.important : config.personalRules?.default) ?? [];
        const out = next(current);
        position = out.position;
        return { type: 'SetPersonalRules', userId, important, rules: out.list };
      },
      { actor, source: 'api' },
    );
    if (r.kind === 'rejected') throw new HttpException({ detail: r.rejection.message }, HttpStatus.BAD_REQUEST);
    if (r.kind === 'conflict') throw new HttpException({ detail: 'The rules of this user kept changing; try again.' }, HttpStatus.CONFLICT);
    if (position < 0) return undefined;
    const id = `${userId}-${important ? 'important' : 'default'}-${position}`;
    return personalNotificationRuleViews(await this.users(userId)).find((v) => v.id === id);
  }
}

function pageUrl(req: FastifyRequest, page: number): string {
  const u = new URL(req.url, `${req.protocol}://${req.headers.host ?? 'localhost'}`);
  if (page === 1) u.searchParams.delete('page');
  else u.searchParams.set('page', String(page));
  return u.toString();
}
