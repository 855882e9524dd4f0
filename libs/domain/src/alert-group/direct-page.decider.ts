import { isOneOf, type DozorEvent, type EscalationStep, type JsonObject, type NewEvent } from '@dozor/contracts';
import type { Decider, Decision, DomainRejection } from '../decider.js';
import { evolve as evolveAlertGroup, groupState, initialState as initialAlertGroup, type AlertGroupAggregate } from './alert-group.state.js';
import {
  DIRECT_PAGE_IDEMPOTENCY_HOURS,
  DIRECT_PAGING_CHAIN_ID,
  DIRECT_PAGING_ROUTE_ID,
  directPagingIntegrationId,
  type DirectPageRequest,
} from '../escalation/direct-paging.js';

/** A page recorded on the subject (AlertGroupDirectlyPaged), by page id. */
export interface RecordedPage {
  alertGroupId: string;
  requestSha256: string;
  idempotencyKey: string | null;
  opensGroup: boolean;
  at: string;
}

/** An alert-group subject as a direct page sees it: the aggregate, and the pages recorded on it. */
export interface DirectPageState {
  agg: AlertGroupAggregate;
  pages: Record<string, RecordedPage>;
}

/**
 * Page users or a team (`POST /api/v1/escalation`). Decided on the subject of
 * the group it pages: an existing group's (`request.alertGroupId`), or the
 * fresh subject of the group it opens (`directPageAggregateKey(pageId)`).
 * The caller resolves ids, time and the fingerprint; `steps` are
 * `directPagingSteps` of the request.
 */
export interface DirectPage {
  type: 'DirectPage';
  pageId: string;
  idempotencyKey: string | null;
  requestSha256: string;
  request: DirectPageRequest;
  steps: EscalationStep[];
  /** The subject's aggregate key (a new group's id is `<aggregateKey>-1`). */
  aggregateKey: string;
  /** Who pages, for the alert's payload (OnCall's `author_username`). */
  author: string;
  now: string;
}

export type DirectPageRejection = DomainRejection<'bad_request' | 'invalid_transition' | 'key_reused' | 'key_expired'>;

const isPage = isOneOf('AlertGroupDirectlyPaged');

export function initialDirectPageState(): DirectPageState {
  return { agg: initialAlertGroup(), pages: {} };
}

export function evolveDirectPage(s: DirectPageState, e: DozorEvent): DirectPageState {
  const agg = evolveAlertGroup(s.agg, e);
  if (!isPage(e)) return agg === s.agg ? s : { ...s, agg };
  const d = e.data;
  const page: RecordedPage = {
    alertGroupId: d.alertGroupId,
    requestSha256: d.requestSha256,
    idempotencyKey: d.idempotencyKey,
    opensGroup: d.opensGroup,
    at: e.metadata.occurredAt,
  };
  return { agg, pages: { ...s.pages, [d.pageId]: page } };
}

const reject = (code: DirectPageRejection['code'], message: string): Decision<DirectPageRejection> => ({ rejected: { code, message } });

/**
 * OnCall's `direct_paging()`: a new group on the built-in integration, or
 * more responders on an existing group (not a resolved one: "Cannot add
 * responders for a resolved alert group"). A page seen before (its id comes
 * from the Idempotency-Key) decides nothing: the caller answers with the group
 * it paged. The same key with another request, or after
 * DIRECT_PAGE_IDEMPOTENCY_HOURS, is refused.
 */
export function decideDirectPage(cmd: DirectPage, s: DirectPageState): Decision<DirectPageRejection> {
  const seen = s.pages[cmd.pageId];
  if (seen) {
    const key = JSON.stringify(cmd.idempotencyKey);
    if (seen.requestSha256 !== cmd.requestSha256)
      return reject('key_reused', `Idempotency-Key ${key} was already used for another request (alert group ${seen.alertGroupId}); send a new key`);
    if (Date.parse(cmd.now) - Date.parse(seen.at) > DIRECT_PAGE_IDEMPOTENCY_HOURS * 3_600_000)
      return reject(
        'key_expired',
        `Idempotency-Key ${key} was used more than ${DIRECT_PAGE_IDEMPOTENCY_HOURS} h ago (alert group ${seen.alertGroupId}); send a new key`,
      );
    return { events: [] };
  }
  const r = cmd.request;
  const page = (alertGroupId: string, opensGroup: boolean): NewEvent => ({
    type: 'AlertGroupDirectlyPaged',
    data: {
      alertGroupId,
      pageId: cmd.pageId,
      idempotencyKey: cmd.idempotencyKey,
      requestSha256: cmd.requestSha256,
      opensGroup,
      title: r.title,
      message: r.message,
      sourceUrl: r.sourceUrl,
      team: r.team,
      importantTeam: r.importantTeam,
      users: r.users,
      steps: cmd.steps,
    },
  });

  if (r.alertGroupId !== null) {
    const g = s.agg.current;
    if (!g || g.alertGroupId !== r.alertGroupId) return reject('bad_request', `Alert group ${r.alertGroupId} does not exist`);
    if (groupState(g) === 'resolved') return reject('invalid_transition', 'Cannot add responders for a resolved alert group');
    return { events: [page(g.alertGroupId, false)] };
  }

  if (s.agg.current) return reject('bad_request', `page ${cmd.pageId} found its subject taken by ${s.agg.current.alertGroupId}`);
  const alertGroupId = `${cmd.aggregateKey}-1`;
  const integrationId = directPagingIntegrationId(r.team);
  // OnCall's payload of a direct page (`DirectPagingAlertPayload`): what the alert shows in the API.
  const payload: JsonObject = {
    oncall: {
      title: r.title,
      message: r.message,
      uid: cmd.pageId,
      author_username: cmd.author,
      permalink: r.sourceUrl,
      important: r.importantTeam,
    },
  };
  const commonAnnotations: Record<string, string> = r.message ? { description: r.message } : {};
  return {
    events: [
      {
        type: 'AlertGroupCreated',
        data: {
          alertGroupId,
          aggregateKey: cmd.aggregateKey,
          integrationId,
          groupingKey: cmd.pageId,
          routeId: DIRECT_PAGING_ROUTE_ID,
          escalationChainId: DIRECT_PAGING_CHAIN_ID,
          title: r.title,
          severity: null,
          groupLabels: {},
          commonLabels: {},
          commonAnnotations,
          sourceLink: r.sourceUrl,
          integrationKind: 'webhook',
          mode: null,
        },
      },
      {
        type: 'RouteAssigned',
        data: { alertGroupId, routeId: DIRECT_PAGING_ROUTE_ID, escalationChainId: DIRECT_PAGING_CHAIN_ID, escalates: true, suppressedBy: null, errors: [] },
      },
      {
        type: 'AlertAdded',
        data: {
          alertGroupId,
          receiptId: cmd.pageId,
          alert: { alertId: cmd.pageId, status: 'firing', firing: [], resolved: [], title: r.title, receivedAt: cmd.now },
          payload,
        },
      },
      page(alertGroupId, true),
    ],
  };
}

/** Direct pages on alert-group subjects, beside the router's alertGroupDecider (the same subject, the same expected version). */
export const directPageDecider: Decider<DirectPage, DozorEvent, DirectPageState, DirectPageRejection> = {
  decide: decideDirectPage,
  evolve: evolveDirectPage,
  initialState: initialDirectPageState,
};
