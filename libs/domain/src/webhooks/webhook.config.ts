import { failAt, describeValue, listAt, objectAt, stringAt, type ConfigPath, type RawObject } from '@dozor/contracts';
import { compileTemplate, type CompiledTemplate } from '@dozor/templates';
import {
  TRIGGER_TYPE_NAMES,
  WEBHOOK_HTTP_METHODS,
  WEBHOOK_PRESETS,
  type AuthorizationHeader,
  type WebhookDef,
  type WebhookHttpMethod,
  type WebhookPreset,
  type WebhookTriggerType,
} from './webhook.types.js';

/** The fields of a `webhooks:` entry: Grafana OnCall's public-API names (plus Dozor's `id`). */
export const WEBHOOK_FIELDS = [
  'id',
  'name',
  'url',
  'http_method',
  'trigger_type',
  'integration_filter',
  'headers',
  'data',
  'forward_whole_payload',
  'authorization_header',
  'trigger_template',
  'is_webhook_enabled',
  'preset',
] as const;

/** Fields a preset sets itself (OnCall's controlled_fields): setting them too is an error. */
const PRESET_CONTROLS: Record<WebhookPreset, readonly string[]> = {
  simple_webhook: ['http_method', 'trigger_type', 'data', 'forward_whole_payload', 'headers', 'authorization_header', 'trigger_template'],
  alertmanager_silence: ['http_method', 'trigger_type', 'data', 'forward_whole_payload', 'trigger_template'],
};

const ID = /^[A-Za-z0-9_-]{1,64}$/;

function template(v: unknown, path: ConfigPath, name: string): CompiledTemplate {
  const source =
    typeof v === 'string'
      ? v
      : v && typeof v === 'object' && !Array.isArray(v)
        ? JSON.stringify(v)
        : failAt(path, `must be a Jinja2 template (a string), got ${describeValue(v)}`);
  const t = compileTemplate(source, name);
  if (t.error) failAt(path, `template does not compile: ${t.error.message}`);
  return t;
}

function optionalTemplate(o: RawObject, key: string, path: ConfigPath, id: string): CompiledTemplate | null {
  const v = o[key];
  if (v === undefined || v === null || v === '') return null;
  return template(v, [...path, key], `webhook:${id}:${key}`);
}

function bool(o: RawObject, key: string, path: ConfigPath, def: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'boolean') failAt([...path, key], `must be true or false, got ${describeValue(v)}`);
  return v;
}

function authorization(v: unknown, path: ConfigPath): AuthorizationHeader | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') return { kind: 'value', value: v };
  const o = objectAt(v, path, ['env']);
  const name = stringAt(o.env, [...path, 'env']);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) failAt([...path, 'env'], `must be an environment variable name, got ${JSON.stringify(name)}`);
  return { kind: 'env', name };
}

/**
 * Reads the top-level `webhooks:` list. Templates (url, headers, data,
 * trigger_template) compile at load, so a broken one fails with its line;
 * `integration_filter` must name declared integrations.
 */
export function parseWebhooks(raw: unknown, ctx: { integrationIds: readonly string[] }): WebhookDef[] {
  if (raw === undefined || raw === null) return [];
  const seen = new Map<string, number>();
  return listAt(raw, ['webhooks']).map((x, i): WebhookDef => {
    const p: ConfigPath = ['webhooks', i];
    const o = objectAt(x, p, WEBHOOK_FIELDS);
    const idKey = o.id === undefined ? 'name' : 'id';
    const id = stringAt(o[idKey], [...p, idKey]);
    if (!ID.test(id)) failAt([...p, idKey], `must be 1-64 letters, digits, '-' or '_', got ${JSON.stringify(id)}`);
    if (seen.has(id)) failAt([...p, idKey], `duplicate id ${JSON.stringify(id)} (also webhooks[${seen.get(id)}])`);
    seen.set(id, i);

    let preset: WebhookPreset | null = null;
    if (o.preset !== undefined && o.preset !== null) {
      const v = stringAt(o.preset, [...p, 'preset']);
      if (!(WEBHOOK_PRESETS as readonly string[]).includes(v))
        failAt([...p, 'preset'], `unknown preset ${JSON.stringify(v)}; expected one of ${WEBHOOK_PRESETS.join(', ')}`);
      preset = v as WebhookPreset;
      for (const k of PRESET_CONTROLS[preset]) if (o[k] !== undefined) failAt([...p, k], `is set by preset ${preset}; remove it`);
    }

    if (o.url === undefined || o.url === null || o.url === '') failAt([...p, 'url'], 'is required');
    const url = template(o.url, [...p, 'url'], `webhook:${id}:url`);

    let httpMethod: WebhookHttpMethod = 'POST';
    if (o.http_method !== undefined && o.http_method !== null) {
      const m = stringAt(o.http_method, [...p, 'http_method']).toUpperCase();
      if (!(WEBHOOK_HTTP_METHODS as readonly string[]).includes(m))
        failAt([...p, 'http_method'], `must be one of ${WEBHOOK_HTTP_METHODS.join(', ')}, got ${JSON.stringify(o.http_method)}`);
      httpMethod = m as WebhookHttpMethod;
    }

    let triggerType: WebhookTriggerType;
    if (preset === 'simple_webhook') triggerType = 'escalation_step';
    else if (preset === 'alertmanager_silence') triggerType = 'status_change';
    else {
      if (o.trigger_type === undefined || o.trigger_type === null)
        failAt([...p, 'trigger_type'], `is required; one of ${Object.keys(TRIGGER_TYPE_NAMES).join(', ')}`);
      const t = stringAt(o.trigger_type, [...p, 'trigger_type']).toLowerCase();
      const found = TRIGGER_TYPE_NAMES[t] ?? TRIGGER_TYPE_NAMES[t.replace(/_/g, ' ')];
      if (!found)
        failAt([...p, 'trigger_type'], `unknown trigger type ${JSON.stringify(o.trigger_type)}; expected one of ${Object.keys(TRIGGER_TYPE_NAMES).join(', ')}`);
      triggerType = found;
    }

    const integrationFilter =
      o.integration_filter === undefined || o.integration_filter === null
        ? []
        : listAt(o.integration_filter, [...p, 'integration_filter']).map((v, k) => {
            const iid = stringAt(v, [...p, 'integration_filter', k]);
            if (!ctx.integrationIds.includes(iid)) failAt([...p, 'integration_filter', k], `no integration with id ${JSON.stringify(iid)}`);
            return iid;
          });

    const data = optionalTemplate(o, 'data', p, id);
    const forwardWholePayload =
      preset === 'simple_webhook' ? true : preset === 'alertmanager_silence' ? false : bool(o, 'forward_whole_payload', p, data === null);
    if (forwardWholePayload && data !== null) failAt([...p, 'data'], 'is not sent when forward_whole_payload is true; remove one of them');
    return {
      id,
      name: o.name === undefined || o.name === null ? id : stringAt(o.name, [...p, 'name']),
      url,
      httpMethod: preset === 'simple_webhook' || preset === 'alertmanager_silence' ? 'POST' : httpMethod,
      triggerType,
      integrationFilter,
      headers: optionalTemplate(o, 'headers', p, id),
      data,
      forwardWholePayload,
      authorizationHeader: authorization(o.authorization_header, [...p, 'authorization_header']),
      triggerTemplate: optionalTemplate(o, 'trigger_template', p, id),
      isWebhookEnabled: bool(o, 'is_webhook_enabled', p, true),
      preset,
    };
  });
}

/** The id of the webhook an integration's `alertmanager_silences:` stands for. */
export const alertmanagerSilencesWebhookId = (integrationId: string): string => `alertmanager-silences-${integrationId}`.slice(0, 64);

/**
 * An integration's `alertmanager_silences: { url }` is a webhook of the
 * `alertmanager_silence` preset for that integration only.
 */
export function alertmanagerSilencesWebhook(integrationId: string, url: string, authorizationHeader: AuthorizationHeader | null): WebhookDef {
  return {
    id: alertmanagerSilencesWebhookId(integrationId),
    name: `Alertmanager silences of ${integrationId}`,
    url: compileTemplate(url, `alertmanager_silences:${integrationId}`),
    httpMethod: 'POST',
    triggerType: 'status_change',
    integrationFilter: [integrationId],
    headers: null,
    data: null,
    forwardWholePayload: false,
    authorizationHeader,
    triggerTemplate: null,
    isWebhookEnabled: true,
    preset: 'alertmanager_silence',
  };
}

/** Reads an integration's `alertmanager_silences:` (`url`, optional `authorization_header`). */
export function parseAlertmanagerSilences(v: unknown, path: ConfigPath): { url: string; authorizationHeader: AuthorizationHeader | null } | null {
  if (v === undefined || v === null) return null;
  const o = objectAt(v, path, ['url', 'authorization_header']);
  const url = stringAt(o.url, [...path, 'url']);
  let u: URL | null = null;
  try {
    u = new URL(url);
  } catch {
    u = null;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
    failAt([...path, 'url'], `must be the http(s) URL of Alertmanager, e.g. http://alertmanager:9093, got ${JSON.stringify(url)}`);
  return { url, authorizationHeader: authorization(o.authorization_header, [...path, 'authorization_header']) };
}
