import { readFileSync } from 'node:fs';
import { isMap, isSeq, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import {
  ConfigFieldError,
  durationAt,
  failAt,
  formatConfigPath,
  INTEGRATION_KINDS,
  isAlertmanagerKind,
  isIntegrationKind,
  MAINTENANCE_DURATIONS,
  maintenanceSeconds,
  objectAt,
  listAt,
  type ConfigPath,
  type MaintenanceDuration,
  type RawObject,
} from '@dozor/contracts';
import {
  compileIntegrationTemplates,
  compileRoutes,
  INTEGRATION_TEMPLATE_KEYS,
  alertmanagerSilencesWebhook,
  parseAlertmanagerSilences,
  parseSchedules,
  parseWebhooks,
  type IntegrationTemplateKey,
  type RouteDef,
  type RouteFilter,
} from '@dozor/domain';
import type { DozorConfig, EscalationChainConfig, IntegrationConfig, MemberListConfig, UserConfig } from './config.types.js';
import { parseStep, type StepRefs } from './escalation-steps.js';
import { parseAckReminder } from './ack-reminder.js';
import { parsePersonalRules } from './personal-rules.js';

/** A config error that names the file, line, column and field. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${field}: ${problem}`);
  }
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Reads `dozor.yaml`: `${VAR}` and `${VAR:-default}` are expanded from the
 * environment in scalar values (a missing variable without default is an
 * error), then every section is validated. Errors carry file:line:column.
 */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): DozorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, 0, 0, '<file>', `cannot read: ${(err as Error).message}`);
  }
  return parseConfig(text, file, env);
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): DozorConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (path: ConfigPath, problem: string): ConfigError => {
    const pos = position(doc, path, lineCounter);
    return new ConfigError(file, pos.line, pos.col, formatConfigPath(path), problem);
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new ConfigError(file, pos.line, pos.col, '<yaml>', e.message.split('\n')[0]!);
  }
  const raw = expandEnv(doc.toJS() ?? {}, [], env, at);
  try {
    return validate(raw, file, env);
  } catch (err) {
    if (err instanceof ConfigFieldError) throw at(err.path, err.problem);
    throw err;
  }
}

function position(doc: Document, path: ConfigPath, lc: LineCounter): { line: number; col: number } {
  // Walk as deep as the path exists; report the deepest node found.
  let node: unknown = doc.contents;
  let found: Node | null = (doc.contents as Node | null) ?? null;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      found = (pair.value as Node | null) ?? (pair.key as Node);
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      found = item;
      node = item;
    } else break;
  }
  const offset = found?.range?.[0] ?? 0;
  return lc.linePos(offset);
}

function expandEnv(v: unknown, path: ConfigPath, env: NodeJS.ProcessEnv, at: (p: ConfigPath, m: string) => ConfigError): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, def: string | undefined) => {
      const val = env[name];
      if (val !== undefined && val !== '') return val;
      if (def !== undefined) return def;
      throw at(path, `environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => expandEnv(x, [...path, i], env, at));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expandEnv(x, [...path, k], env, at)]));
  return v;
}

/** A list; an absent optional one is empty. */
function list(v: unknown, path: ConfigPath, optional = true): unknown[] {
  if (v === undefined || v === null) return optional ? [] : failAt(path, 'is required');
  return listAt(v, path);
}
function str(o: RawObject, key: string, path: ConfigPath, optional = false): string | null {
  const v = o[key];
  if (v === undefined || v === null || v === '') return optional ? null : failAt([...path, key], 'is required');
  if (typeof v !== 'string' && typeof v !== 'number') failAt([...path, key], 'must be a string');
  return String(v);
}
function id(o: RawObject, path: ConfigPath, key = 'id'): string {
  const v = str(o, key, path)!;
  if (!ID.test(v)) failAt([...path, key], `must be 1-64 letters, digits, '-' or '_', got ${JSON.stringify(v)}`);
  return v;
}
/** The longest duration dozor.yaml accepts outside schedules (a wait, a rate limit's period, a heartbeat timeout before its own bound). */
const MAX_DURATION_SECONDS = 7 * 86_400;
const duration = (v: unknown, path: ConfigPath): number => durationAt(v, path, MAX_DURATION_SECONDS);

/** Default per-integration rate limit: ten times Grafana OnCall's 300 per 5 minutes. */
export const DEFAULT_RATE_LIMIT = { requests: 3000, perSeconds: 300 } as const;
/** Heartbeat timeouts: 60 s to 1 day, as in OnCall. DOZOR_MIN_HEARTBEAT_SECONDS lowers the minimum (tests). */
export const HEARTBEAT_TIMEOUT_SECONDS = { min: 60, max: 86_400 } as const;

function validate(raw: unknown, file: string, env: NodeJS.ProcessEnv): DozorConfig {
  const root = objectAt(raw, [], ['users', 'user_groups', 'teams', 'integrations', 'escalation_chains', 'schedules', 'webhooks']);
  const users = list(root.users, ['users']).map((u, i): UserConfig => {
    const p = ['users', i];
    const o = objectAt(u, p, ['id', 'name', 'username', 'email', 'telegram_user_id', 'personal_notification_rules']);
    const tg = str(o, 'telegram_user_id', p, true);
    if (tg !== null && !/^-?\d{1,20}$/.test(tg)) failAt([...p, 'telegram_user_id'], `must be a numeric Telegram user id, got ${JSON.stringify(tg)}`);
    const uid = id(o, p);
    return {
      id: uid,
      name: str(o, 'name', p, true) ?? str(o, 'username', p, true) ?? uid,
      email: str(o, 'email', p, true),
      telegramUserId: tg,
      personalRules: parsePersonalRules(o.personal_notification_rules, [...p, 'personal_notification_rules']),
    };
  });
  unique(users, 'users');
  const userIds = new Set(users.map((u) => u.id));
  const schedules = parseSchedules(root.schedules, { userIds: [...userIds] });
  const userGroups = memberLists(root.user_groups, 'user_groups', 'users', userIds);
  const teams = memberLists(root.teams, 'teams', 'members', userIds);
  const refs: StepRefs = {
    users: userIds,
    userGroups: new Map(userGroups.map((g) => [g.id, g.users])),
    teams: new Map(teams.map((t) => [t.id, t.users])),
  };

  const chains = list(root.escalation_chains, ['escalation_chains']).map((c, i): EscalationChainConfig => {
    const p = ['escalation_chains', i];
    const o = objectAt(c, p, ['id', 'name', 'steps', 'acknowledge_reminder']);
    const steps = list(o.steps, [...p, 'steps'], false).map((s, j) => parseStep(s, [...p, 'steps', j], j, refs));
    const cid = id(o, p);
    return { id: cid, name: str(o, 'name', p, true) ?? cid, steps, ackReminder: parseAckReminder(o.acknowledge_reminder, [...p, 'acknowledge_reminder']) };
  });
  unique(chains, 'escalation_chains');
  const chainIds = new Set(chains.map((c) => c.id));

  const integrations = list(root.integrations, ['integrations']).map((x, i): IntegrationConfig => {
    const p = ['integrations', i];
    const o = objectAt(x, p, [
      'id',
      'name',
      'type',
      'token',
      'routes',
      'default_route',
      'templates',
      'maintenance',
      'heartbeat',
      'rate_limit',
      'alertmanager_silences',
    ]);
    const type = str(o, 'type', p)!;
    if (!isIntegrationKind(type)) failAt([...p, 'type'], `unsupported integration type ${JSON.stringify(type)}; supported: ${INTEGRATION_KINDS.join(', ')}`);
    const token = str(o, 'token', p)!;
    if (token.length < 8 || !/^[A-Za-z0-9_-]+$/.test(token)) failAt([...p, 'token'], 'must be at least 8 characters of letters, digits, - or _');
    const routes = list(o.routes, [...p, 'routes']).map((r, j) => route(r, [...p, 'routes', j], chainIds, false, `route-${j + 1}`));
    const def = o.default_route === undefined ? null : route(o.default_route, [...p, 'default_route'], chainIds, true, 'default');
    const userRoutes = routes.length;
    routes.push(def ?? { id: 'default', filter: null, escalationChainId: null });
    try {
      compileRoutes(routes);
    } catch (err) {
      // Templates, regexes and matchers are checked here, so a bad one fails at load with its line.
      if (!(err instanceof ConfigFieldError)) throw err;
      const [, j, ...rest] = err.path;
      const at: ConfigPath =
        typeof j === 'number' && j < userRoutes ? [...p, 'routes', j, ...rest] : typeof j === 'number' ? [...p, 'default_route', ...rest] : [...p, 'routes'];
      const field =
        rest[0] === 'filter' && o.routes && Array.isArray(o.routes) && typeof j === 'number'
          ? Object.keys(objectAt((o.routes as unknown[])[j], [...p, 'routes', j])).find((k) => ['filter', 'regex', 'labels'].includes(k))
          : undefined;
      failAt(field ? [...p, 'routes', j as number, field] : at, err.problem);
    }
    const iid = id(o, p, o.id === undefined ? 'name' : 'id');
    const kind = type as IntegrationConfig['type'];
    const { templateOverrides, templates } = integrationTemplates(o.templates, kind, [...p, 'templates']);
    const amSilences = parseAlertmanagerSilences(o.alertmanager_silences, [...p, 'alertmanager_silences']);
    if (amSilences && !isAlertmanagerKind(kind))
      failAt([...p, 'alertmanager_silences'], `needs an Alertmanager integration (type alertmanager or grafana_alerting), not ${kind}`);
    return {
      id: iid,
      name: str(o, 'name', p, true) ?? iid,
      type: kind,
      token,
      routes,
      templateOverrides,
      templates,
      maintenance: maintenanceSetting(o.maintenance, [...p, 'maintenance']),
      heartbeat: heartbeatSetting(o.heartbeat, [...p, 'heartbeat'], env),
      rateLimit: rateLimitSetting(o.rate_limit, [...p, 'rate_limit']),
      alertmanagerSilences: amSilences,
    };
  });
  unique(integrations, 'integrations');
  const tokens = new Map<string, number>();
  integrations.forEach((x, i) => {
    if (tokens.has(x.token)) failAt(['integrations', i, 'token'], `same token as integrations[${tokens.get(x.token)}]`);
    tokens.set(x.token, i);
  });
  const webhooks = parseWebhooks(root.webhooks, { integrationIds: integrations.map((x) => x.id) });
  for (const x of integrations) {
    if (x.alertmanagerSilences) webhooks.push(alertmanagerSilencesWebhook(x.id, x.alertmanagerSilences.url, x.alertmanagerSilences.authorizationHeader));
  }
  // A trigger_webhook step names a webhook of this file (read after the chains, since webhooks may filter on integrations).
  const webhookIds = new Set(webhooks.map((w) => w.id));
  chains.forEach((c, i) =>
    c.steps.forEach((step, j) => {
      if (step.kind === 'trigger_webhook' && !webhookIds.has(step.webhookId))
        failAt(['escalation_chains', i, 'steps', j], `no webhook with id ${JSON.stringify(step.webhookId)} (declare it under webhooks:)`);
    }),
  );
  return { file, users, userGroups, teams, integrations, escalationChains: chains, schedules, webhooks };
}

/** `user_groups:` (users) and `teams:` (members): named lists of users that steps notify. */
function memberLists(v: unknown, section: 'user_groups' | 'teams', key: 'users' | 'members', userIds: Set<string>): MemberListConfig[] {
  const lists = list(v, [section]).map((x, i): MemberListConfig => {
    const p = [section, i];
    const o = objectAt(x, p, ['id', 'name', key]);
    const users = list(o[key], [...p, key], false).map((u, k) => {
      if (typeof u !== 'string' || !userIds.has(u)) failAt([...p, key, k], `no user with id ${JSON.stringify(u)}`);
      return u as string;
    });
    const gid = id(o, p);
    return { id: gid, name: str(o, 'name', p, true) ?? gid, users: [...new Set(users)] };
  });
  unique(lists, section);
  return lists;
}

function integrationTemplates(v: unknown, kind: IntegrationConfig['type'], p: ConfigPath): Pick<IntegrationConfig, 'templateOverrides' | 'templates'> {
  const overrides: Partial<Record<IntegrationTemplateKey, string | null>> = {};
  if (v !== undefined && v !== null) {
    const o = objectAt(v, p, INTEGRATION_TEMPLATE_KEYS);
    for (const [k, t] of Object.entries(o)) {
      if (t !== null && typeof t !== 'string') failAt([...p, k], 'must be a Jinja2 template (a string), or null to disable it');
      overrides[k as IntegrationTemplateKey] = t as string | null;
    }
  }
  try {
    return { templateOverrides: overrides, templates: compileIntegrationTemplates(kind, overrides) };
  } catch (err) {
    // ['templates', key] relative to the integration: a bad template fails at load with its line.
    if (err instanceof ConfigFieldError) failAt([...p, ...err.path.slice(1)], err.problem);
    throw err;
  }
}

function maintenanceSetting(v: unknown, p: ConfigPath): IntegrationConfig['maintenance'] {
  if (v === undefined || v === null) return null;
  const o = objectAt(v, p, ['mode', 'duration']);
  const mode = str(o, 'mode', p)!;
  if (mode !== 'maintenance' && mode !== 'debug') failAt([...p, 'mode'], `must be maintenance or debug, got ${JSON.stringify(mode)}`);
  const d = o.duration === undefined || o.duration === null ? 'forever' : String(o.duration).trim();
  if (!(MAINTENANCE_DURATIONS as readonly string[]).includes(d))
    failAt([...p, 'duration'], `must be one of ${MAINTENANCE_DURATIONS.join(', ')}, got ${JSON.stringify(o.duration)}`);
  return { mode: mode as 'maintenance' | 'debug', durationSeconds: maintenanceSeconds(d as MaintenanceDuration) };
}

function heartbeatSetting(v: unknown, p: ConfigPath, env: NodeJS.ProcessEnv): IntegrationConfig['heartbeat'] {
  if (v === undefined || v === null) return null;
  const o = objectAt(v, p, ['timeout']);
  if (o.timeout === undefined) failAt([...p, 'timeout'], 'is required, e.g. timeout: 5m');
  const seconds = duration(o.timeout, [...p, 'timeout']);
  const minRaw = env.DOZOR_MIN_HEARTBEAT_SECONDS;
  const min = minRaw && /^\d+$/.test(minRaw) && Number(minRaw) >= 1 ? Number(minRaw) : HEARTBEAT_TIMEOUT_SECONDS.min;
  if (seconds < min || seconds > HEARTBEAT_TIMEOUT_SECONDS.max) failAt([...p, 'timeout'], `must be between ${min}s and 1d, got ${seconds}s`);
  return { timeoutSeconds: seconds };
}

function rateLimitSetting(v: unknown, p: ConfigPath): IntegrationConfig['rateLimit'] {
  if (v === undefined || v === null) return { ...DEFAULT_RATE_LIMIT };
  const o = objectAt(v, p, ['requests', 'per']);
  const n = o.requests;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1_000_000_000)
    failAt([...p, 'requests'], `must be a whole number of requests from 1 to 1000000000, got ${JSON.stringify(n)}`);
  const per = o.per === undefined ? DEFAULT_RATE_LIMIT.perSeconds : duration(o.per, [...p, 'per']);
  return { requests: n as number, perSeconds: per };
}

function unique(items: { id: string }[], section: string): void {
  const seen = new Map<string, number>();
  items.forEach((x, i) => {
    if (seen.has(x.id)) failAt([section, i, 'id'], `duplicate id ${JSON.stringify(x.id)} (also ${section}[${seen.get(x.id)}])`);
    seen.set(x.id, i);
  });
}

function route(r: unknown, p: ConfigPath, chains: Set<string>, isDefault: boolean, fallbackId: string): RouteDef {
  const o = objectAt(r, p, isDefault ? ['id', 'escalation_chain'] : ['id', 'filter', 'regex', 'labels', 'escalation_chain']);
  const chain = str(o, 'escalation_chain', p, true);
  if (chain !== null && !chains.has(chain)) failAt([...p, 'escalation_chain'], `no escalation chain with id ${JSON.stringify(chain)}`);
  const rid = o.id === undefined ? fallbackId : id(o, p);
  if (isDefault) return { id: rid, filter: null, escalationChainId: chain };
  const kinds = ['filter', 'regex', 'labels'].filter((k) => o[k] !== undefined);
  if (kinds.length !== 1) failAt(p, 'a route needs exactly one of filter (Jinja2), regex or labels');
  let filter: RouteFilter;
  if (o.filter !== undefined) filter = { kind: 'jinja2', template: str(o, 'filter', p)! };
  else if (o.regex !== undefined) filter = { kind: 'regex', pattern: str(o, 'regex', p)! };
  else
    filter = {
      kind: 'labels',
      matchers: list(o.labels, [...p, 'labels'], false).map((m, k) =>
        typeof m === 'string' ? m : failAt([...p, 'labels', k], 'must be a matcher string like severity=~"critical|warning"'),
      ),
    };
  return { id: rid, filter, escalationChainId: chain };
}
