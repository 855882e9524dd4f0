/**
 * Direct paging (`POST /api/v1/escalation`, Grafana OnCall's "escalation"):
 * the request in OnCall's public-API shape, checked field by field with
 * OnCall's rules (users or a team, not both; an existing alert group keeps
 * its own title, message and source URL), and the
 * escalation chain it pages with. The chain is made of the ordinary
 * `notify_persons` and `notify_team_members` steps, so a page is escalated
 * and notified like any alert group (claim before send, limits, timeline).
 */
import { describeValue, type EscalationStep } from '@dozor/contracts';
import { MAX_TITLE_CHARS } from '@dozor/templates';

/** OnCall's limits are Django field lengths; these keep a page one readable Telegram message. */
export const MAX_PAGE_MESSAGE_CHARS = 3000;
export const MAX_PAGE_USERS = 50;

const FIELDS = new Set(['title', 'message', 'source_url', 'team', 'users', 'alert_group_id', 'important_team_escalation']);
const ID = /^[A-Za-z0-9_:-]{1,128}$/;

export interface PagedUser {
  id: string;
  important: boolean;
}

export interface DirectPageRequest {
  /** Empty with `alertGroupId`: the group keeps its own title, message and source URL. */
  title: string;
  message: string;
  sourceUrl: string | null;
  team: string | null;
  /** OnCall's `important_team_escalation`: the team is paged with important notifications. */
  importantTeam: boolean;
  users: PagedUser[];
  /** Page more users on this existing group instead of opening one. */
  alertGroupId: string | null;
}

/** Who can be paged: the users and teams of dozor.yaml. */
export interface PagingDirectory {
  users: ReadonlyArray<{ id: string }>;
  teams: ReadonlyArray<{ id: string; users: string[] }>;
}

export type DirectPageResult<T> = { ok: true; value: T } | { ok: false; message: string };

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/**
 * The request body, or the first problem with it, named. `title` is required
 * for a new group (OnCall makes one up) because it is what the Telegram
 * message and the alert group list show.
 */
export function parseDirectPage(body: unknown): DirectPageResult<DirectPageRequest> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(`the body must be a JSON object, got ${describeValue(body)}`);
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !FIELDS.has(k));
  if (unknown.length) return fail(`unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}; allowed: ${[...FIELDS].join(', ')}`);

  const given = (v: unknown) => v !== undefined && v !== null && v !== '';
  let alertGroupId: string | null = null;
  if (given(b.alert_group_id)) {
    if (typeof b.alert_group_id !== 'string' || !ID.test(b.alert_group_id))
      return fail(`alert_group_id must be an alert group id, got ${describeValue(b.alert_group_id)}`);
    const own = ['title', 'message', 'source_url'].filter((k) => given(b[k]));
    if (own.length) return fail(`alert_group_id and (title, message, source_url) are mutually exclusive: the group keeps its own (got ${own.join(', ')})`);
    alertGroupId = b.alert_group_id;
  }

  let title = '';
  if (alertGroupId === null) {
    if (typeof b.title !== 'string' || !b.title.trim()) return fail(`title is required: a non-empty string (got ${describeValue(b.title ?? null)})`);
    title = b.title.trim();
    if (title.length > MAX_TITLE_CHARS) return fail(`title is ${title.length} characters long; at most ${MAX_TITLE_CHARS}`);
  }

  if (given(b.message) && typeof b.message !== 'string') return fail(`message must be a string, got ${describeValue(b.message)}`);
  const message = typeof b.message === 'string' ? b.message.trim() : '';
  if (message.length > MAX_PAGE_MESSAGE_CHARS) return fail(`message is ${message.length} characters long; at most ${MAX_PAGE_MESSAGE_CHARS}`);

  let sourceUrl: string | null = null;
  if (given(b.source_url)) {
    if (typeof b.source_url !== 'string' || !isHttpUrl(b.source_url)) return fail(`source_url must be an http(s) URL, got ${describeValue(b.source_url)}`);
    sourceUrl = b.source_url;
  }

  let team: string | null = null;
  if (given(b.team)) {
    if (typeof b.team !== 'string' || !ID.test(b.team)) return fail(`team must be a team id, got ${describeValue(b.team)}`);
    team = b.team;
  }
  const it = b.important_team_escalation;
  if (it !== undefined && it !== null && typeof it !== 'boolean') return fail(`important_team_escalation must be true or false, got ${describeValue(it)}`);
  if (it === true && team === null) return fail('important_team_escalation needs a team');

  const users: PagedUser[] = [];
  if (b.users !== undefined && b.users !== null) {
    if (!Array.isArray(b.users)) return fail(`users must be a list of {"id", "important"}, got ${describeValue(b.users)}`);
    if (b.users.length > MAX_PAGE_USERS) return fail(`users lists ${b.users.length} users; at most ${MAX_PAGE_USERS} per page`);
    const seen = new Set<string>();
    for (const [i, u] of b.users.entries()) {
      if (u === null || typeof u !== 'object' || Array.isArray(u)) return fail(`users[${i}] must be {"id", "important"}, got ${describeValue(u)}`);
      const { id, important, ...rest } = u as Record<string, unknown>;
      const extra = Object.keys(rest);
      if (extra.length) return fail(`users[${i}] has unknown field ${extra.map((k) => JSON.stringify(k)).join(', ')}; allowed: id, important`);
      if (typeof id !== 'string' || !ID.test(id)) return fail(`users[${i}].id must be a user id, got ${describeValue(id ?? null)}`);
      if (typeof important !== 'boolean') return fail(`users[${i}].important is required: true or false (got ${describeValue(important ?? null)})`);
      if (seen.has(id)) return fail(`users lists ${JSON.stringify(id)} twice`);
      seen.add(id);
      users.push({ id, important });
    }
  }
  if (users.length === 0 && team === null) return fail('No team or user(s) specified: give users or a team');
  if (users.length > 0 && team !== null) return fail('users and team are mutually exclusive: page the team and the users in two requests');

  return { ok: true, value: { title, message, sourceUrl, team, importantTeam: it === true, users, alertGroupId } };
}

/**
 * The steps a page runs, members resolved now (as a chain is when it is
 * loaded): important users, then the others; or the team's members. Every
 * id must be in dozor.yaml; an unknown one is named.
 */
export function directPagingSteps(req: Pick<DirectPageRequest, 'users' | 'team' | 'importantTeam'>, dir: PagingDirectory): DirectPageResult<EscalationStep[]> {
  const known = new Set(dir.users.map((u) => u.id));
  const unknown = req.users.filter((u) => !known.has(u.id)).map((u) => JSON.stringify(u.id));
  if (unknown.length) return fail(`no user with id ${unknown.join(', ')} (declare users under users in dozor.yaml)`);
  const steps: EscalationStep[] = [];
  for (const important of [true, false]) {
    const users = req.users.filter((u) => u.important === important).map((u) => u.id);
    if (users.length) steps.push({ kind: 'notify_persons', users, important });
  }
  if (req.team !== null) {
    const team = dir.teams.find((t) => t.id === req.team);
    if (!team) return fail(`no team with id ${JSON.stringify(req.team)} (declare it under teams in dozor.yaml)`);
    if (team.users.length === 0) return fail(`team ${JSON.stringify(req.team)} has no members to page`);
    steps.push({ kind: 'notify_team_members', team: team.id, users: [...team.users], important: req.importantTeam });
  }
  return { ok: true, value: steps };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The built-in "Direct paging" integration a page opens its group on, as
 * OnCall's `get_or_create_manual_integration`: one per team, one for pages
 * without a team. Never declared in dozor.yaml: its ids have a `:`, which
 * dozor.yaml ids cannot, so they never collide with a configured one.
 */
export function directPagingIntegrationId(team: string | null): string {
  return team === null ? 'direct-paging:no-team' : `direct-paging:team-${team}`;
}

/** OnCall's verbal name of that integration. */
export function directPagingIntegrationName(team: string | null): string {
  return `Direct paging (${team ?? 'No'} team)`;
}

export function isDirectPagingIntegration(integrationId: string): boolean {
  return integrationId.startsWith('direct-paging:');
}

/** The chain id of a group a page opened: its chain is the page's own steps (AlertGroupDirectlyPaged.steps). */
export const DIRECT_PAGING_CHAIN_ID = 'direct-paging:page';
/** The route of the built-in integration (OnCall creates its default route). */
export const DIRECT_PAGING_ROUTE_ID = 'default';

/** How long an Idempotency-Key is honoured; after that the same key is refused, never reused. */
export const DIRECT_PAGE_IDEMPOTENCY_HOURS = 24;

/** The users a page's steps notify, each once, important if any step pages them as important. */
export function respondersOf(steps: readonly EscalationStep[]): PagedUser[] {
  const out = new Map<string, boolean>();
  for (const s of steps)
    if (s.kind === 'notify_persons' || s.kind === 'notify_team_members') for (const u of s.users) out.set(u, (out.get(u) ?? false) || s.important);
  return [...out].map(([id, important]) => ({ id, important }));
}

/** The request as fingerprinted (AlertGroupDirectlyPaged.requestSha256): every field that changes what is paged. */
export function directPageFingerprint(req: DirectPageRequest): Record<string, unknown> {
  return {
    title: req.title,
    message: req.message,
    sourceUrl: req.sourceUrl,
    team: req.team,
    importantTeam: req.importantTeam,
    users: req.users.map((u) => ({ id: u.id, important: u.important })),
    alertGroupId: req.alertGroupId,
  };
}
