import type { TemplateErrorRecord } from '@dozor/contracts';
import { renderIntegrationTemplate, templateLabels, type GroupGeneration } from '@dozor/domain';
import { capRendered, emojize, MAX_TITLE_CHARS } from '@dozor/templates';
import type { IntegrationConfig } from '@dozor/config';
import { escapeHtmlText, escapeJsonStrings, isValidTelegramHtml } from '../telegram/html-check.js';

/** The integration's telegram_title and telegram_message rendered for a group, as OnCall does: from the group's first alert. */
export interface RenderedTelegram {
  /** Plain text (the message renderer escapes it). */
  title: string | null;
  /** Telegram HTML, safe to send. */
  messageHtml: string | null;
  errors: TemplateErrorRecord[];
}

/**
 * Title: rendered over the payload as received, then shown as text. Message:
 * rendered over a copy of the payload whose strings are HTML-escaped, so the
 * template's markup (`<a href='{{ source_link }}'>`) stays markup and no value
 * can inject any; output that is still not valid Telegram HTML is shown
 * escaped instead of failing the send. Emoji shortcodes (`:fire:`) become
 * emoji in both, as OnCall's Telegram renderer does.
 */
export function renderTelegramTemplates(
  integration: IntegrationConfig,
  g: Pick<GroupGeneration, 'alertGroupId' | 'sourceLink'>,
  payload: unknown,
  opts: { publicUrl: string; now: number },
): RenderedTelegram {
  const errors: TemplateErrorRecord[] = [];
  const link = `${opts.publicUrl}/api/v1/alert_groups/${g.alertGroupId}`;
  const base = { integrationName: integration.name, alertGroupId: g.alertGroupId, alertGroupLink: link };
  const t = renderIntegrationTemplate(
    integration.templates,
    'telegram_title',
    { ...base, payload, labels: templateLabels(integration.type, payload), sourceLink: g.sourceLink },
    { now: opts.now },
  );
  if (t && !t.ok) errors.push(t.error);
  const escaped = escapeJsonStrings(payload);
  const m = renderIntegrationTemplate(
    integration.templates,
    'telegram_message',
    {
      ...base,
      integrationName: escapeHtmlText(integration.name),
      payload: escaped,
      labels: templateLabels(integration.type, escaped),
      sourceLink: g.sourceLink === null ? null : escapeHtmlText(g.sourceLink),
      alertGroupLink: escapeHtmlText(link),
    },
    { now: opts.now },
  );
  if (m && !m.ok) errors.push(m.error);
  const message = m?.ok ? emojize(m.output.trim()) : '';
  return {
    title: t?.ok && t.output.trim() ? capRendered(emojize(t.output.trim()), MAX_TITLE_CHARS) : null,
    messageHtml: message ? (isValidTelegramHtml(message) ? message : escapeHtmlText(message)) : null,
    errors,
  };
}
