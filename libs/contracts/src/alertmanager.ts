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
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string') throw new PayloadError(`${path}${key}.${k}`, `must be a string, got ${typeOf(val)}`);
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

/**
 * Validates an Alertmanager webhook body. Throws {@link PayloadError} naming the
 * first field that is wrong. Unknown fields are kept out of the typed result
 * but the raw payload is stored as received.
 */
export function parseAlertmanagerPayload(body: unknown): AlertmanagerPayload {
  if (typeOf(body) !== 'object') throw new PayloadError('body', `must be a JSON object, got ${typeOf(body)}`);
  const b = body as Record<string, unknown>;
  const alertsRaw = b.alerts;
  if (alertsRaw === undefined) throw new PayloadError('alerts', 'is required');
  if (!Array.isArray(alertsRaw)) throw new PayloadError('alerts', `must be an array, got ${typeOf(alertsRaw)}`);
  if (alertsRaw.length > MAX_ALERTS_PER_PAYLOAD) throw new PayloadError('alerts', `has ${alertsRaw.length} entries, at most ${MAX_ALERTS_PER_PAYLOAD} are accepted`);
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
