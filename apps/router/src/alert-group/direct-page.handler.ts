import { randomBytes } from 'node:crypto';
import { Controller, Inject, Injectable } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  canonicalSha256,
  directPageAggregateKey,
  directPageId,
  parseAlertGroupId,
  subjects,
  type DirectPageCommandRequest,
  type DirectPageReply,
  type Topology,
} from '@dozor/contracts';
import {
  directPageDecider,
  directPageFingerprint,
  directPagingSteps,
  groupState,
  parseDirectPage,
  type DirectPage,
  type DirectPageRejection,
  type DirectPageState,
} from '@dozor/domain';
import { CommandHandler, EventStore, type EventLog } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';

export const ROUTER_DIRECT_PAGES = 'router.direct-pages';

/** Direct pages decided on alert-group subjects (the same expected version as the router's other decisions there). */
@Injectable()
export class DirectPageRepository extends CommandHandler<DirectPage, DirectPageState, DirectPageRejection> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, directPageDecider);
  }
}

/**
 * `POST /api/v1/escalation` arrives here from the API (`cmd.direct-page`):
 * the request is checked again (the router is the authority), its users and
 * team resolved against dozor.yaml, and decided on the subject of the group
 * it pages. A page seen before (same Idempotency-Key) is answered with its
 * group and changes nothing.
 */
@Controller()
export class DirectPageHandler {
  constructor(
    private readonly pages: DirectPageRepository,
    private readonly runtime: Runtime,
  ) {}

  @MessagePattern(ROUTER_DIRECT_PAGES)
  async onDirectPage(@Payload() req: DirectPageCommandRequest): Promise<DirectPageReply> {
    if (!req || !req.actor || typeof req.actor.id !== 'string') return { ok: false, code: 'bad_request', message: 'actor is required' };
    const parsed = parseDirectPage({
      title: req.title || undefined,
      message: req.message || undefined,
      source_url: req.sourceUrl ?? undefined,
      team: req.team ?? undefined,
      important_team_escalation: req.importantTeam || undefined,
      users: req.users?.length ? req.users : undefined,
      alert_group_id: req.alertGroupId ?? undefined,
    });
    if (!parsed.ok) return { ok: false, code: 'bad_request', message: parsed.message };
    const page = parsed.value;
    const cfg = this.runtime.config;
    const steps = directPagingSteps(page, { users: cfg.users, teams: cfg.teams });
    if (!steps.ok) return { ok: false, code: 'bad_request', message: steps.message };
    const key = typeof req.idempotencyKey === 'string' && req.idempotencyKey ? req.idempotencyKey : null;
    const pageId = directPageId(req.actor.id, key, randomBytes(16));
    let aggregateKey: string;
    if (page.alertGroupId !== null) {
      const target = parseAlertGroupId(page.alertGroupId);
      if (!target) return { ok: false, code: 'bad_request', message: `Alert group ${page.alertGroupId} does not exist` };
      aggregateKey = target.aggregateKey;
    } else aggregateKey = directPageAggregateKey(pageId);
    const t: Topology = this.runtime.settings.topology;
    const r = await this.pages.handle(
      subjects.alertGroup(t, aggregateKey),
      () => ({
        type: 'DirectPage',
        pageId,
        idempotencyKey: key,
        requestSha256: canonicalSha256(directPageFingerprint(page)),
        request: page,
        steps: steps.value,
        aggregateKey,
        author: req.actor.name ?? req.actor.id,
        now: this.runtime.now(),
      }),
      { actor: req.actor, source: req.source, correlationId: undefined, msgId: `page:${pageId}` },
    );
    switch (r.kind) {
      case 'rejected': {
        const code = r.rejection.code === 'key_reused' || r.rejection.code === 'key_expired' ? 'conflict' : r.rejection.code;
        return { ok: false, code, message: r.rejection.message };
      }
      case 'conflict':
        return { ok: false, code: 'conflict', message: 'the alert group kept changing; try again' };
      case 'appended':
      case 'unchanged': {
        const seen = r.state.pages[pageId];
        const g = r.state.agg.current;
        if (!seen || !g) return { ok: false, code: 'unavailable', message: `page ${pageId} was not recorded; try again` };
        return {
          ok: true,
          pageId,
          opened: seen.opensGroup,
          replayed: r.kind === 'unchanged',
          group: {
            alertGroupId: g.alertGroupId,
            integrationId: g.integrationId,
            routeId: g.routeId,
            team: g.integrationId.startsWith('direct-paging:team-') ? g.integrationId.slice('direct-paging:team-'.length) : null,
            title: g.title,
            state: groupState(g),
            createdAt: g.createdAt,
            alertsCount: g.alertsCount,
          },
        };
      }
      default: {
        const never: never = r;
        return never;
      }
    }
  }
}

export function directPageRequests(t: Topology) {
  return { [ROUTER_DIRECT_PAGES]: { subject: subjects.directPageCommands(t), queue: 'router' } };
}
