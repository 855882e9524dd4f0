import { renderTemplate, type CompiledTemplate } from '@dozor/templates';
import { escapeForJson } from './webhook.context.js';
import type { WebhookDef, WebhookHttpMethod } from './webhook.types.js';

/** The request a webhook makes: rendered, not yet sent. */
export interface WebhookRequestPlan {
  method: WebhookHttpMethod;
  url: string;
  headers: Record<string, string>;
  /** Null: no body (GET, DELETE, OPTIONS, or nothing to send). */
  body: string | null;
}

/** Why a webhook could not be built, in OnCall's words: `URL - …`, `Trigger - …`, `Headers - …`, `Data - …`. */
export type PlanResult = { ok: true; plan: WebhookRequestPlan } | { ok: false; error: string };

const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

function render(t: CompiledTemplate, ctx: Record<string, unknown>, now: number): { ok: true; output: string } | { ok: false; message: string } {
  const r = renderTemplate(t, ctx, { now });
  return r.ok ? { ok: true, output: r.output } : { ok: false, message: r.error.message };
}

/**
 * The `trigger_template` filter: fires when there is none, or when it renders
 * to `true` or `1` (case-insensitive, trimmed), as OnCall's `check_trigger`.
 */
export function checkTrigger(w: Pick<WebhookDef, 'triggerTemplate'>, ctx: Record<string, unknown>, now: number): { fire: boolean } | { error: string } {
  if (!w.triggerTemplate) return { fire: true };
  const r = render(w.triggerTemplate, ctx, now);
  if (!r.ok) return { error: `Trigger - ${r.message}` };
  return { fire: ['true', '1'].includes(r.output.trim().toLowerCase()) };
}

/** Only http and https URLs with a host (OnCall's `parse_url`). */
export function checkUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'URL - Malformed url';
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) return 'URL - Malformed url';
  return null;
}

/**
 * Renders the URL, the headers (a JSON object), the Authorization header and
 * the body: the whole context as JSON (`forward_whole_payload`), or the
 * rendered `data` (JSON when it parses, else text), only for POST, PUT and PATCH.
 */
export function planRequest(w: WebhookDef, ctx: Record<string, unknown>, authorization: string | null, now: number): PlanResult {
  const url = render(w.url, ctx, now);
  if (!url.ok) return { ok: false, error: `URL - ${url.message}` };
  const target = url.output.trim();
  const bad = checkUrl(target);
  if (bad) return { ok: false, error: bad };
  const escaped = w.headers || w.data ? (escapeForJson(ctx) as Record<string, unknown>) : ctx;
  const headers: Record<string, string> = {};
  if (w.headers) {
    const h = render(w.headers, escaped, now);
    if (!h.ok) return { ok: false, error: `Headers - ${h.message}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(h.output);
    } catch {
      return { ok: false, error: 'Headers - Template did not result in json/dict' };
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, error: 'Headers - Template did not result in json/dict' };
    for (const [k, v] of Object.entries(parsed)) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  if (authorization) headers.Authorization = authorization;
  let body: string | null = null;
  if (BODY_METHODS.has(w.httpMethod)) {
    if (w.forwardWholePayload) {
      body = JSON.stringify(ctx);
      setDefault(headers, 'Content-Type', 'application/json');
    } else if (w.data) {
      const d = render(w.data, escaped, now);
      if (!d.ok) return { ok: false, error: `Data - ${d.message}` };
      body = d.output;
      if (isJson(body)) setDefault(headers, 'Content-Type', 'application/json');
    }
  }
  return { ok: true, plan: { method: w.httpMethod, url: target, headers, body } };
}

function setDefault(headers: Record<string, string>, name: string, value: string): void {
  if (!Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase())) headers[name] = value;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A URL as the timeline shows it: no credentials, query or fragment (they often hold tokens). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '<malformed url>';
  }
}
