import { readFileSync } from 'node:fs';
import { isMap, isSeq, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import {
  ConfigFieldError,
  formatConfigPath,
  INTEGRATION_KINDS,
  isIntegrationKind,
  MAINTENANCE_DURATIONS,
  maintenanceSeconds,
  type ConfigPath,
  type EscalationStep,
  type MaintenanceDuration,
} from '@dozor/contracts';
import {
  compileIntegrationTemplates,
  compileRoutes,
  INTEGRATION_TEMPLATE_KEYS,
  parseSchedules,
  type IntegrationTemplateKey,
  type RouteDef,
  type RouteFilter,
} from '@dozor/domain';
import type { DozorConfig, EscalationChainConfig, IntegrationConfig, UserConfig } from './config.types.js';

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

type Raw = Record<string, unknown>;

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

const fail = (path: ConfigPath, problem: string): never => {
  throw new ConfigFieldError(path, problem);
};

function obj(v: unknown, path: ConfigPath): Raw {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(path, 'must be a mapping');
  return v as Raw;
}
function list(v: unknown, path: ConfigPath, optional = true): unknown[] {
  if (v === undefined || v === null) return optional ? [] : fail(path, 'is required');
  if (!Array.isArray(v)) fail(path, 'must be a list');
  return v as unknown[];
}
function str(o: Raw, key: string, path: ConfigPath, optional = false): string | null {
  const v = o[key];
  if (v === undefined || v === null || v === '') return optional ? null : fail([...path, key], 'is required');
  if (typeof v !== 'string' && typeof v !== 'number') fail([...path, key], 'must be a string');
  return String(v);
}
function id(o: Raw, path: ConfigPath, key = 'id'): string {
  const v = str(o, key, path)!;
  if (!ID.test(v)) fail([...path, key], `must be 1-64 letters, digits, '-' or '_', got ${JSON.stringify(v)}`);
  return v;
}
function noUnknown(o: Raw, allowed: string[], path: ConfigPath): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail([...path, k], `unknown field; expected one of ${allowed.join(', ')}`);
}

/** `30s`, `5m`, `1h`, `1d` or a number of seconds. */
export function parseDuration(v: unknown, path: ConfigPath): number {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  const m = typeof v === 'string' ? /^(\d+)\s*(s|m|h|d)?$/.exec(v.trim()) : null;
  if (!m) return fail(path, `must be a duration like 30s, 5m, 1h or 1d, got ${JSON.stringify(v)}`);
  const n = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's'];
  if (n <= 0 || n > 86400 * 7) fail(path, 'must be between 1s and 7d');
  return n;
}

/** Default per-integration rate limit: ten times Grafana OnCall's 300 per 5 minutes. */
export const DEFAULT_RATE_LIMIT = { requests: 3000, perSeconds: 300 } as const;
/** Heartbeat timeouts: 60 s to 1 day, as in OnCall. DOZOR_MIN_HEARTBEAT_SECONDS lowers the minimum (tests). */
export const HEARTBEAT_TIMEOUT_SECONDS = { min: 60, max: 86_400 } as const;

function validate(raw: unknown, file: string, env: NodeJS.ProcessEnv): DozorConfig {
  const root = obj(raw, []);
  noUnknown(root, ['users', 'integrations', 'escalation_chains', 'schedules'], []);
  const users = list(root.users, ['users']).map((u, i): UserConfig => {
    const p = ['users', i];
    const o = obj(u, p);
    noUnknown(o, ['id', 'name', 'username', 'email', 'telegram_user_id'], p);
    const tg = str(o, 'telegram_user_id', p, true);
    if (tg !== null && !/^-?\d{1,20}$/.test(tg)) fail([...p, 'telegram_user_id'], `must be a numeric Telegram user id, got ${JSON.stringify(tg)}`);
    const uid = id(o, p);
    return { id: uid, name: str(o, 'name', p, true) ?? str(o, 'username', p, true) ?? uid, email: str(o, 'email', p, true), telegramUserId: tg };
  });
  unique(users, 'users');
  const userIds = new Set(users.map((u) => u.id));
  const schedules = parseSchedules(root.schedules, { userIds: [...userIds] });

  const chains = list(root.escalation_chains, ['escalation_chains']).map((c, i): EscalationChainConfig => {
    const p = ['escalation_chains', i];
    const o = obj(c, p);
    noUnknown(o, ['id', 'name', 'steps'], p);
    const steps = list(o.steps, [...p, 'steps'], false).map((s, j) => step(s, [...p, 'steps', j], userIds));
    const cid = id(o, p);
    return { id: cid, name: str(o, 'name', p, true) ?? cid, steps };
  });
  unique(chains, 'escalation_chains');
  const chainIds = new Set(chains.map((c) => c.id));

  const integrations = list(root.integrations, ['integrations']).map((x, i): IntegrationConfig => {
    const p = ['integrations', i];
    const o = obj(x, p);
    noUnknown(o, ['id', 'name', 'type', 'token', 'routes', 'default_route', 'templates', 'maintenance', 'heartbeat', 'rate_limit'], p);
    const type = str(o, 'type', p)!;
    if (!isIntegrationKind(type)) fail([...p, 'type'], `unsupported integration type ${JSON.stringify(type)}; supported: ${INTEGRATION_KINDS.join(', ')}`);
    const token = str(o, 'token', p)!;
    if (token.length < 8 || !/^[A-Za-z0-9_-]+$/.test(token)) fail([...p, 'token'], 'must be at least 8 characters of letters, digits, - or _');
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
          ? Object.keys(obj((o.routes as unknown[])[j], [...p, 'routes', j])).find((k) => ['filter', 'regex', 'labels'].includes(k))
          : undefined;
      fail(field ? [...p, 'routes', j as number, field] : at, err.problem);
    }
    const iid = id(o, p, o.id === undefined ? 'name' : 'id');
    const kind = type as IntegrationConfig['type'];
    const { templateOverrides, templates } = integrationTemplates(o.templates, kind, [...p, 'templates']);
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
    };
  });
  unique(integrations, 'integrations');
  const tokens = new Map<string, number>();
  integrations.forEach((x, i) => {
    if (tokens.has(x.token)) fail(['integrations', i, 'token'], `same token as integrations[${tokens.get(x.token)}]`);
    tokens.set(x.token, i);
  });
  return { file, users, integrations, escalationChains: chains, schedules };
}

function integrationTemplates(v: unknown, kind: IntegrationConfig['type'], p: ConfigPath): Pick<IntegrationConfig, 'templateOverrides' | 'templates'> {
  const overrides: Partial<Record<IntegrationTemplateKey, string | null>> = {};
  if (v !== undefined && v !== null) {
    const o = obj(v, p);
    noUnknown(o, [...INTEGRATION_TEMPLATE_KEYS], p);
    for (const [k, t] of Object.entries(o)) {
      if (t !== null && typeof t !== 'string') fail([...p, k], 'must be a Jinja2 template (a string), or null to disable it');
      overrides[k as IntegrationTemplateKey] = t as string | null;
    }
  }
  try {
    return { templateOverrides: overrides, templates: compileIntegrationTemplates(kind, overrides) };
  } catch (err) {
    // ['templates', key] relative to the integration: a bad template fails at load with its line.
    if (err instanceof ConfigFieldError) fail([...p, ...err.path.slice(1)], err.problem);
    throw err;
  }
}

function maintenanceSetting(v: unknown, p: ConfigPath): IntegrationConfig['maintenance'] {
  if (v === undefined || v === null) return null;
  const o = obj(v, p);
  noUnknown(o, ['mode', 'duration'], p);
  const mode = str(o, 'mode', p)!;
  if (mode !== 'maintenance' && mode !== 'debug') fail([...p, 'mode'], `must be maintenance or debug, got ${JSON.stringify(mode)}`);
  const d = o.duration === undefined || o.duration === null ? 'forever' : String(o.duration).trim();
  if (!(MAINTENANCE_DURATIONS as readonly string[]).includes(d))
    fail([...p, 'duration'], `must be one of ${MAINTENANCE_DURATIONS.join(', ')}, got ${JSON.stringify(o.duration)}`);
  return { mode: mode as 'maintenance' | 'debug', durationSeconds: maintenanceSeconds(d as MaintenanceDuration) };
}

function heartbeatSetting(v: unknown, p: ConfigPath, env: NodeJS.ProcessEnv): IntegrationConfig['heartbeat'] {
  if (v === undefined || v === null) return null;
  const o = obj(v, p);
  noUnknown(o, ['timeout'], p);
  if (o.timeout === undefined) fail([...p, 'timeout'], 'is required, e.g. timeout: 5m');
  const seconds = parseDuration(o.timeout, [...p, 'timeout']);
  const minRaw = env.DOZOR_MIN_HEARTBEAT_SECONDS;
  const min = minRaw && /^\d+$/.test(minRaw) && Number(minRaw) >= 1 ? Number(minRaw) : HEARTBEAT_TIMEOUT_SECONDS.min;
  if (seconds < min || seconds > HEARTBEAT_TIMEOUT_SECONDS.max) fail([...p, 'timeout'], `must be between ${min}s and 1d, got ${seconds}s`);
  return { timeoutSeconds: seconds };
}

function rateLimitSetting(v: unknown, p: ConfigPath): IntegrationConfig['rateLimit'] {
  if (v === undefined || v === null) return { ...DEFAULT_RATE_LIMIT };
  const o = obj(v, p);
  noUnknown(o, ['requests', 'per'], p);
  const n = o.requests;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1_000_000_000)
    fail([...p, 'requests'], `must be a whole number of requests from 1 to 1000000000, got ${JSON.stringify(n)}`);
  const per = o.per === undefined ? DEFAULT_RATE_LIMIT.perSeconds : parseDuration(o.per, [...p, 'per']);
  return { requests: n as number, perSeconds: per };
}

function unique(items: { id: string }[], section: string): void {
  const seen = new Map<string, number>();
  items.forEach((x, i) => {
    if (seen.has(x.id)) fail([section, i, 'id'], `duplicate id ${JSON.stringify(x.id)} (also ${section}[${seen.get(x.id)}])`);
    seen.set(x.id, i);
  });
}

function route(r: unknown, p: ConfigPath, chains: Set<string>, isDefault: boolean, fallbackId: string): RouteDef {
  const o = obj(r, p);
  noUnknown(o, isDefault ? ['id', 'escalation_chain'] : ['id', 'filter', 'regex', 'labels', 'escalation_chain'], p);
  const chain = str(o, 'escalation_chain', p, true);
  if (chain !== null && !chains.has(chain)) fail([...p, 'escalation_chain'], `no escalation chain with id ${JSON.stringify(chain)}`);
  const rid = o.id === undefined ? fallbackId : id(o, p);
  if (isDefault) return { id: rid, filter: null, escalationChainId: chain };
  const kinds = ['filter', 'regex', 'labels'].filter((k) => o[k] !== undefined);
  if (kinds.length !== 1) fail(p, 'a route needs exactly one of filter (Jinja2), regex or labels');
  let filter: RouteFilter;
  if (o.filter !== undefined) filter = { kind: 'jinja2', template: str(o, 'filter', p)! };
  else if (o.regex !== undefined) filter = { kind: 'regex', pattern: str(o, 'regex', p)! };
  else
    filter = {
      kind: 'labels',
      matchers: list(o.labels, [...p, 'labels'], false).map((m, k) =>
        typeof m === 'string' ? m : fail([...p, 'labels', k], 'must be a matcher string like severity=~"critical|warning"'),
      ),
    };
  return { id: rid, filter, escalationChainId: chain };
}

function step(s: unknown, p: ConfigPath, users: Set<string>): EscalationStep {
  const o = obj(s, p);
  const keys = Object.keys(o).filter((k) => k !== 'important');
  if (keys.length !== 1) fail(p, 'a step is one of wait, notify_persons, notify_on_call_from_schedule (plus optional important: true)');
  const important = o.important === true;
  const kind = keys[0]!;
  switch (kind) {
    case 'wait':
      return { kind: 'wait', seconds: parseDuration(o.wait, [...p, 'wait']) };
    case 'notify_persons': {
      const who = list(o.notify_persons, [...p, 'notify_persons'], false).map((u, k) => {
        if (typeof u !== 'string' || !users.has(u)) fail([...p, 'notify_persons', k], `no user with id ${JSON.stringify(u)}`);
        return u as string;
      });
      return { kind: 'notify_persons', users: who, important };
    }
    case 'notify_on_call_from_schedule': {
      const sch = o.notify_on_call_from_schedule;
      if (typeof sch !== 'string' || !ID.test(sch)) fail([...p, 'notify_on_call_from_schedule'], 'must be a schedule id');
      // A schedule not declared here is allowed (it may come from another source); the step then records that nobody is on call.
      return { kind: 'notify_on_call_from_schedule', schedule: sch as string, important };
    }
    default:
      return fail([...p, kind], `unknown step kind; expected wait, notify_persons or notify_on_call_from_schedule`);
  }
}
