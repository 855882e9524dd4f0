import { createHash } from 'node:crypto';
import { base32, subjects, type ScheduleDefinitionJson, type Topology } from '@dozor/contracts';
import type { ConfigureSchedule, ScheduleDef } from '@dozor/domain';

/** JSON with object keys sorted at every level, so equal definitions give equal text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** sha256 of the definition as loaded (secrets included): it changes whenever anything in it changes. */
export function definitionSha256(def: ScheduleDef): string {
  return sha256Hex(canonicalJson(def));
}

/**
 * A URL without the parts that often hold a secret (credentials, path, query,
 * fragment): Google's and Outlook's private iCal addresses carry the secret in
 * the path. Only scheme and host go into the log and the API.
 */
export function redactUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const u = new URL(url);
    const rest = u.pathname.length > 1 || u.search || u.hash ? '/…' : '/';
    return `${u.protocol}//${u.host}${rest}`;
  } catch {
    return '…';
  }
}

/** The definition as the log keeps it: iCal URLs redacted. */
export function redactedDefinition(def: ScheduleDef): ScheduleDef {
  if (!def.ical) return def;
  return { ...def, ical: { ...def.ical, url: redactUrl(def.ical.url), overridesUrl: redactUrl(def.ical.overridesUrl) } };
}

export function toDefinitionJson(def: ScheduleDef): ScheduleDefinitionJson {
  return JSON.parse(JSON.stringify(def)) as ScheduleDefinitionJson;
}

/** The command that records a configured definition: its sha256 over everything, the log's copy redacted. */
export function configureCommand(def: ScheduleDef, origin: string): ConfigureSchedule {
  return {
    type: 'ConfigureSchedule',
    scheduleId: def.id,
    definitionSha256: definitionSha256(def),
    definition: toDefinitionJson(redactedDefinition(def)),
    origin,
  };
}

const TOKEN = /^[A-Za-z0-9_:-]{1,200}$/;

/**
 * The subject token of a schedule id: the id itself when it is a valid token
 * (ids in dozor.yaml usually are), otherwise `x-` and 26 base32 characters of
 * its sha256, so any id has exactly one subject.
 */
export function scheduleToken(id: string): string {
  if (TOKEN.test(id)) return id;
  return `x-${base32(createHash('sha256').update(id, 'utf8').digest()).slice(0, 26)}`;
}

export function scheduleSubject(t: Topology, id: string): string {
  return subjects.of(t, 'schedule', scheduleToken(id));
}
