/**
 * An integration's templates (`templates:` in dozor.yaml), with Grafana
 * OnCall's defaults per kind. Compiled once at config load; rendering never
 * throws: a failure is returned as a TemplateErrorRecord naming the template.
 */
import { ConfigFieldError, isAlertmanagerKind, type IntegrationKind, type TemplateErrorRecord } from '@dozor/contracts';
import {
  ALERTMANAGER_DEFAULT_TEMPLATES,
  FORMATTED_WEBHOOK_DEFAULT_TEMPLATES,
  FORMATTED_WEBHOOK_WEB_TITLE_TEMPLATE,
  WEBHOOK_DEFAULT_TEMPLATES,
  WEBHOOK_WEB_TITLE_TEMPLATE,
  buildTemplateContext,
  compileTemplate,
  configProblem,
  renderTemplate,
  type CompiledTemplate,
  type RenderOptions,
  type TemplateContextInput,
} from '@dozor/templates';

/** Keys of `templates:` in dozor.yaml; also the template names the timeline shows. */
export const INTEGRATION_TEMPLATE_KEYS = [
  'grouping_id',
  'resolve_condition',
  'acknowledge_condition',
  'source_link',
  'title',
  'telegram_title',
  'telegram_message',
] as const;
export type IntegrationTemplateKey = (typeof INTEGRATION_TEMPLATE_KEYS)[number];

export type IntegrationTemplateSources = Record<IntegrationTemplateKey, string | null>;

/** What a kind's defaults in @dozor/templates hold (besides the web title of the webhook kinds, which is its own constant). */
type OnCallDefaults = Record<'groupingId' | 'resolveCondition' | 'acknowledgeCondition' | 'sourceLink' | 'telegramTitle' | 'telegramMessage', string | null>;

/** OnCall's defaults under dozor.yaml's keys. */
function sourcesOf(t: OnCallDefaults, title: string | null): IntegrationTemplateSources {
  return {
    grouping_id: t.groupingId,
    resolve_condition: t.resolveCondition,
    acknowledge_condition: t.acknowledgeCondition,
    source_link: t.sourceLink,
    title,
    telegram_title: t.telegramTitle,
    telegram_message: t.telegramMessage,
  };
}

/** Grafana OnCall's default templates of a kind (`grafana_alerting` uses the Alertmanager ones: same payload). */
export function defaultIntegrationTemplates(kind: IntegrationKind): IntegrationTemplateSources {
  switch (kind) {
    case 'alertmanager':
    case 'grafana_alerting':
      return sourcesOf(ALERTMANAGER_DEFAULT_TEMPLATES, ALERTMANAGER_DEFAULT_TEMPLATES.webTitle);
    case 'webhook':
      return sourcesOf(WEBHOOK_DEFAULT_TEMPLATES, WEBHOOK_WEB_TITLE_TEMPLATE);
    case 'formatted_webhook':
      return sourcesOf(FORMATTED_WEBHOOK_DEFAULT_TEMPLATES, FORMATTED_WEBHOOK_WEB_TITLE_TEMPLATE);
    default: {
      const never: never = kind;
      throw new ConfigFieldError(['type'], `unknown integration kind ${JSON.stringify(never)}`);
    }
  }
}

export interface IntegrationTemplates {
  readonly kind: IntegrationKind;
  /** The effective sources: the defaults with the overrides applied (null: not set). */
  readonly sources: Readonly<IntegrationTemplateSources>;
  readonly compiled: Readonly<Record<IntegrationTemplateKey, CompiledTemplate | null>>;
}

/**
 * The defaults of `kind` with `overrides` applied (a key set to null or an
 * empty string disables it; grouping_id, resolve_condition and the titles
 * cannot be disabled). Throws ConfigFieldError(['templates', key]) for a
 * template that does not compile.
 */
export function compileIntegrationTemplates(
  kind: IntegrationKind,
  overrides: Partial<Record<IntegrationTemplateKey, string | null>> = {},
): IntegrationTemplates {
  const sources = { ...defaultIntegrationTemplates(kind) };
  for (const [key, value] of Object.entries(overrides) as [IntegrationTemplateKey, string | null | undefined][]) {
    if (!(INTEGRATION_TEMPLATE_KEYS as readonly string[]).includes(key)) {
      throw new ConfigFieldError(['templates', key], `unknown template; expected one of ${INTEGRATION_TEMPLATE_KEYS.join(', ')}`);
    }
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') throw new ConfigFieldError(['templates', key], 'must be a Jinja2 template (a string) or null');
    const empty = value === null || value.trim() === '';
    if (empty && REQUIRED.has(key)) throw new ConfigFieldError(['templates', key], 'cannot be empty: remove it to use the default');
    sources[key] = empty ? null : value;
  }
  const compiled = {} as Record<IntegrationTemplateKey, CompiledTemplate | null>;
  for (const key of INTEGRATION_TEMPLATE_KEYS) {
    const source = sources[key];
    if (source === null) {
      compiled[key] = null;
      continue;
    }
    const c = compileTemplate(source, key);
    const problem = configProblem(c);
    if (problem) throw new ConfigFieldError(['templates', key], `invalid Jinja2 template: ${problem}`);
    compiled[key] = c;
  }
  return { kind, sources, compiled };
}

const REQUIRED = new Set<IntegrationTemplateKey>(['grouping_id', 'resolve_condition', 'title', 'telegram_title']);

export type RenderedTemplate = { ok: true; output: string } | { ok: false; error: TemplateErrorRecord };

/** Renders one template; null when the integration has none for `key`. Never throws. */
export function renderIntegrationTemplate(
  t: IntegrationTemplates,
  key: IntegrationTemplateKey,
  context: TemplateContextInput,
  options: RenderOptions = {},
): RenderedTemplate | null {
  const compiled = t.compiled[key];
  if (!compiled) return null;
  const r = renderTemplate(compiled, buildTemplateContext(context), options);
  if (r.ok) return { ok: true, output: r.output };
  return { ok: false, error: { template: key, message: `${r.error.kind}: ${r.error.message}` } };
}

const TRUTHY = new Set(['true', '1', 'ok']);

/** OnCall's rule for conditions and route filters: the output, trimmed and lower-cased, is `true`, `1` or `ok`. */
export function isTruthyOutput(output: string): boolean {
  return TRUTHY.has(output.trim().toLowerCase());
}

/** A condition template: false when unset or when it fails (the failure is returned for the timeline). */
export function renderCondition(
  t: IntegrationTemplates,
  key: 'resolve_condition' | 'acknowledge_condition',
  context: TemplateContextInput,
  options: RenderOptions = {},
): { value: boolean; error: TemplateErrorRecord | null } {
  const r = renderIntegrationTemplate(t, key, context, options);
  if (r === null) return { value: false, error: null };
  if (!r.ok) return { value: false, error: r.error };
  return { value: isTruthyOutput(r.output), error: null };
}

/** Grouping key of the maintenance group that collects every alert of one maintenance. */
export function maintenanceGroupingKey(maintenanceId: string): string {
  return `maintenance:${maintenanceId}`;
}

/** Grouping key used when the grouping id template fails: the payload's digest, so identical bodies still group. */
export function fallbackGroupingKey(bodySha256: string): string {
  return `payload-sha256:${bodySha256}`;
}

/**
 * The `labels` templates see: an Alertmanager payload's `commonLabels`; for
 * other kinds the payload's `labels` object when it holds only strings.
 */
export function templateLabels(kind: IntegrationKind, payload: unknown): Record<string, string> {
  const p = payload as Record<string, unknown> | null;
  const v = p && typeof p === 'object' ? (isAlertmanagerKind(kind) ? p.commonLabels : p.labels) : undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === 'string') out[k] = x;
  return out;
}
