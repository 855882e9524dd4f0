/** Alertmanager webhook payload, version 4 (Alertmanager 0.25, vmalert 1.79). */
export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerPayload {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: AlertmanagerAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  version: string;
  groupKey: string;
  truncatedAlerts: number;
}

export class PayloadError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function str(obj: Record<string, unknown>, key: string, path: string, optional = false): string {
  const v = obj[key];
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') throw new PayloadError(`${path}${key}`, v === undefined ? 'is required' : `must be a string, got ${typeOf(v)}`);
  return v;
}

function labelMap(obj: Record<string, unknown>, key: string, path: string, optional = false): Record<string, string> {
  const v = obj[key];
  if ((v === undefined || v === null) && optional) return {};
  if (typeOf(v) !== 'object') throw new PayloadError(`${path}${key}`, v === undefined ? 'is required' : `must be an object of strings, got ${typeOf(v)}`);
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > MAX_LABELS) throw new PayloadError(`${path}${key}`, `has ${entries.length} entries, at most ${MAX_LABELS} are accepted`);
  const out: Record<string, string> = {};
  for (const [k, val] of entries) {
    if (typeof val !== 'string') throw new PayloadError(`${path}${key}.${k}`, `must be a string, got ${typeOf(val)}`);
    if (val.length > MAX_LABEL_VALUE_CHARS)
      throw new PayloadError(`${path}${key}.${k}`, `has ${val.length} characters, at most ${MAX_LABEL_VALUE_CHARS} are accepted`);
    out[k] = val;
  }
  return out;
}

function status(obj: Record<string, unknown>, path: string): 'firing' | 'resolved' {
  const s = str(obj, 'status', path);
  if (s !== 'firing' && s !== 'resolved') throw new PayloadError(`${path}status`, `must be "firing" or "resolved", got ${JSON.stringify(s.slice(0, 40))}`);
  return s;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function time(obj: Record<string, unknown>, key: string, path: string, optional: boolean): string {
  const v = obj[key];
  if (v === undefined && optional) return '0001-01-01T00:00:00Z';
  const s = str(obj, key, path);
  if (!RFC3339.test(s)) throw new PayloadError(`${path}${key}`, `must be an RFC 3339 timestamp, got ${JSON.stringify(s.slice(0, 40))}`);
  return s;
}

export const MAX_ALERTS_PER_PAYLOAD = 10_000;
/** Entries of one label or annotation map; more is rejected (400). */
export const MAX_LABELS = 1000;
/** Characters of one label or annotation value; more is rejected (400). */
export const MAX_LABEL_VALUE_CHARS = 64 * 1024;
/** Nesting of objects and arrays in any integration body. */
export const MAX_JSON_DEPTH = 64;

/**
 * Validates an Alertmanager webhook body. Throws {@link PayloadError} naming the
 * first field that is wrong. Unknown fields are kept out of the typed result
 * but the raw payload is stored as received.
 */
export function parseAlertmanagerPayload(body: unknown): AlertmanagerPayload {
  if (typeOf(body) !== 'object') throw new PayloadError('body', `must be a JSON object, got ${typeOf(body)}`);
  checkJsonDepth(body, MAX_JSON_DEPTH);
  const b = body as Record<string, unknown>;
  const alertsRaw = b.alerts;
  if (alertsRaw === undefined) throw new PayloadError('alerts', 'is required');
  if (!Array.isArray(alertsRaw)) throw new PayloadError('alerts', `must be an array, got ${typeOf(alertsRaw)}`);
  if (alertsRaw.length > MAX_ALERTS_PER_PAYLOAD)
    throw new PayloadError('alerts', `has ${alertsRaw.length} entries, at most ${MAX_ALERTS_PER_PAYLOAD} are accepted`);
  const alerts = alertsRaw.map((a, i): AlertmanagerAlert => {
    const p = `alerts[${i}].`;
    if (typeOf(a) !== 'object') throw new PayloadError(`alerts[${i}]`, `must be an object, got ${typeOf(a)}`);
    const o = a as Record<string, unknown>;
    return {
      status: status(o, p),
      labels: labelMap(o, 'labels', p),
      annotations: labelMap(o, 'annotations', p, true),
      startsAt: time(o, 'startsAt', p, false),
      endsAt: time(o, 'endsAt', p, true),
      generatorURL: str(o, 'generatorURL', p, true),
      fingerprint: str(o, 'fingerprint', p, true),
    };
  });
  const truncated = b.truncatedAlerts;
  if (truncated !== undefined && (typeof truncated !== 'number' || !Number.isInteger(truncated) || truncated < 0)) {
    throw new PayloadError('truncatedAlerts', `must be a non-negative integer, got ${JSON.stringify(truncated)}`);
  }
  const version = b.version;
  if (version !== undefined && typeof version !== 'string') throw new PayloadError('version', `must be a string, got ${typeOf(version)}`);
  return {
    receiver: str(b, 'receiver', '', true),
    status: status(b, ''),
    alerts,
    groupLabels: labelMap(b, 'groupLabels', '', true),
    commonLabels: labelMap(b, 'commonLabels', '', true),
    commonAnnotations: labelMap(b, 'commonAnnotations', '', true),
    externalURL: str(b, 'externalURL', '', true),
    version: (version as string | undefined) ?? '4',
    groupKey: str(b, 'groupKey', ''),
    truncatedAlerts: (truncated as number | undefined) ?? 0,
  };
}

/**
 * Checks nesting depth without recursion (a deep body must not overflow the
 * stack of the check meant to reject it). Throws PayloadError.
 */
export function checkJsonDepth(body: unknown, maxDepth: number = MAX_JSON_DEPTH): void {
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) throw new PayloadError('body', `JSON is nested deeper than ${maxDepth} levels`);
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
}

/**
 * The payload as stored: the raw object with the validated fields over it, per
 * level (top level and each alert), so templates see fields this parser does
 * not know (Grafana Alerting's `numFiring`, `numResolved`, `orgId`, …) while
 * the typed fields keep their defaults (e.g. `truncatedAlerts: 0` when absent).
 */
export function alertmanagerPayloadAsStored(body: unknown): AlertmanagerPayload & Record<string, unknown> {
  const typed = parseAlertmanagerPayload(body);
  const raw = body as Record<string, unknown> & { alerts: unknown[] };
  return {
    ...raw,
    ...typed,
    alerts: typed.alerts.map((a, i) => ({ ...(raw.alerts[i] as Record<string, unknown>), ...a })),
  };
}
