import { checkJsonDepth, MAX_JSON_DEPTH, MAX_LABEL_VALUE_CHARS, MAX_LABELS, PayloadError, type AlertmanagerPayload } from './alertmanager.js';

/**
 * Integration kinds and the payloads they accept.
 *
 *   alertmanager       Alertmanager / vmalert webhook (version 4)
 *   grafana_alerting   Grafana Alerting's webhook: the same payload (plus fields such as numFiring)
 *   webhook            any JSON object
 *   formatted_webhook  a JSON object with OnCall's fields: alert_uid, title, message, image_url, link_to_upstream_details, state
 */
export const INTEGRATION_KINDS = ['alertmanager', 'grafana_alerting', 'webhook', 'formatted_webhook'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

export function isIntegrationKind(k: string): k is IntegrationKind {
  return (INTEGRATION_KINDS as readonly string[]).includes(k);
}

/** Alertmanager and Grafana Alerting send the same payload. */
export function isAlertmanagerKind(k: IntegrationKind): k is 'alertmanager' | 'grafana_alerting' {
  return k === 'alertmanager' || k === 'grafana_alerting';
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * A payload as stored in AlertReceived: for Alertmanager kinds the validated
 * fields over the raw object (unknown fields such as Grafana's `numFiring` kept),
 * for the webhook kinds the JSON object as received.
 */
export type IntegrationPayload = AlertmanagerPayload | JsonObject;

/** The typed view of a payload of an Alertmanager kind, null for the other kinds. */
export function alertmanagerPayloadOf(kind: IntegrationKind | undefined, payload: IntegrationPayload): AlertmanagerPayload | null {
  return kind === undefined || isAlertmanagerKind(kind) ? (payload as AlertmanagerPayload) : null;
}

/** Bounds on what an integration accepts besides the body size; over them the answer is 400. */
export const PAYLOAD_LIMITS = {
  /** Nesting of objects and arrays. */
  maxDepth: MAX_JSON_DEPTH,
  /** Entries of one label or annotation map (Alertmanager kinds). */
  maxLabels: MAX_LABELS,
  /** Characters of one label or annotation value (Alertmanager kinds). */
  maxLabelValueChars: MAX_LABEL_VALUE_CHARS,
} as const;

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const FORMATTED_FIELDS = ['alert_uid', 'title', 'message', 'image_url', 'link_to_upstream_details', 'state'] as const;

/**
 * Validates a `webhook` or `formatted_webhook` body: a JSON object within the
 * depth limit; for `formatted_webhook` OnCall's fields, when present, are
 * strings (`alert_uid` may be a number) or null.
 */
export function parseWebhookPayload(kind: 'webhook' | 'formatted_webhook', body: unknown): JsonObject {
  if (typeOf(body) !== 'object') throw new PayloadError('body', `must be a JSON object, got ${typeOf(body)}`);
  checkJsonDepth(body);
  const o = body as JsonObject;
  if (kind === 'formatted_webhook') {
    for (const f of FORMATTED_FIELDS) {
      const v = o[f];
      if (v === undefined || v === null || typeof v === 'string') continue;
      if (f === 'alert_uid' && typeof v === 'number') continue;
      throw new PayloadError(f, `must be a string, got ${typeOf(v)}`);
    }
  }
  return o;
}
