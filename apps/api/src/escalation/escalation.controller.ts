import { Body, Headers, HttpCode, HttpException, HttpStatus, Inject, Post } from '@nestjs/common';
import { subjects, type DirectPageCommandRequest, type DirectPageReply } from '@dozor/contracts';
import { parseDirectPage } from '@dozor/domain';
import { EventStore } from '@dozor/eventstore';
import { ApiController } from '@dozor/platform';
import { RouterRequests } from '../router.client.js';
import { AlertGroupsReadModel } from '../alert-groups/alert-groups.read-model.js';
import { API_ACTOR } from '../alert-groups/alert-group.commands.js';
import { toOnCallState } from '../alert-groups/alert-group.serializer.js';

/** An Idempotency-Key: 1–255 visible ASCII characters (the IETF draft's and Stripe's practice). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, null when absent; a 400 naming the problem when it is not a key. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const v = Array.isArray(header) ? header : [header];
  if (v.length !== 1) throw new HttpException({ detail: 'Idempotency-Key must be given once' }, HttpStatus.BAD_REQUEST);
  const key = v[0]!.trim();
  if (!IDEMPOTENCY_KEY.test(key))
    throw new HttpException({ detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID, say)' }, HttpStatus.BAD_REQUEST);
  return key;
}

/**
 * `POST /api/v1/escalation`: Grafana OnCall's direct paging. Pages users (each
 * `{id, important}`) or a team, on a new alert group of the built-in "Direct
 * paging" integration, or on an existing group (`alert_group_id`). Answers,
 * as OnCall does, 200 with the alert group in the public API's shape.
 */
@ApiController('api/v1/escalation')
export class EscalationController {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(RouterRequests) private readonly router: RouterRequests,
    @Inject(AlertGroupsReadModel) private readonly read: AlertGroupsReadModel,
  ) {}

  @Post()
  @HttpCode(200)
  async page(@Body() body: unknown, @Headers('idempotency-key') keyHeader: string | string[] | undefined) {
    const key = idempotencyKeyOf(keyHeader);
    const parsed = parseDirectPage(body ?? null);
    if (!parsed.ok) throw new HttpException({ detail: parsed.message }, HttpStatus.BAD_REQUEST);
    const p = parsed.value;
    const req: DirectPageCommandRequest = {
      title: p.title,
      message: p.message,
      sourceUrl: p.sourceUrl,
      team: p.team,
      importantTeam: p.importantTeam,
      users: p.users,
      alertGroupId: p.alertGroupId,
      idempotencyKey: key,
      actor: API_ACTOR,
      source: 'api',
    };
    const reply = await this.router.send<DirectPageReply>(
      subjects.directPageCommands(this.store.topology),
      req,
      { 'dozor.action': 'direct_page', ...(p.alertGroupId ? { 'dozor.alert_group_id': p.alertGroupId } : {}) },
      'the router refused the page',
    );
    const g = reply.group;
    const projected = await this.read.get(g.alertGroupId);
    if (projected) {
      const { timeline: _t, alerts: _a, ...group } = projected;
      return { ...group, team_id: group.team_id ?? g.team, state: toOnCallState(g.state) };
    }
    // The projection has not caught up yet: the same shape from the router's reply.
    return {
      id: g.alertGroupId,
      integration_id: g.integrationId,
      team_id: g.team,
      route_id: g.routeId,
      alerts_count: g.alertsCount,
      state: toOnCallState(g.state),
      created_at: g.createdAt,
      resolved_at: null,
      resolved_by: null,
      acknowledged_at: null,
      acknowledged_by: null,
      labels: [],
      title: g.title,
      permalinks: { slack: null, slack_app: null, telegram: null, web: null },
      silenced_at: null,
      silenced_until: null,
      last_alert: null,
    };
  }
}
