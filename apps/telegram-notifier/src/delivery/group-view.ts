import { groupState, type AlertGroupAggregate } from '@dozor/domain';
import type { DozorConfig } from '@dozor/config';
import type { GroupView } from '../telegram/index.js';
import type { RenderedTelegram } from './telegram.templates.js';

/** The Telegram view of the current generation, or null when the id is not the current one. */
export function viewOf(
  agg: AlertGroupAggregate,
  alertGroupId: string,
  config: DozorConfig,
  telegram?: { alertGroupId: string; rendered: RenderedTelegram } | null,
): GroupView | null {
  const g = agg.current;
  if (!g || g.alertGroupId !== alertGroupId) return null;
  const integration = config.integrations.find((i) => i.id === g.integrationId);
  const state = groupState(g);
  return {
    alertGroupId: g.alertGroupId,
    title: g.title,
    severity: g.severity,
    state,
    alertsCount: g.alertsCount,
    labels: g.commonLabels,
    summary: g.commonAnnotations.summary,
    description: g.commonAnnotations.description,
    sourceLink: g.sourceLink ?? undefined,
    integrationName: integration?.name ?? g.integrationId,
    acknowledgedBy: state === 'acknowledged' ? (g.acknowledgedBy ?? undefined) : undefined,
    resolvedBy: state === 'resolved' ? (g.resolvedBy ?? undefined) : undefined,
    silencedUntil: state === 'silenced' ? (g.silencedUntil ?? undefined) : undefined,
    truncatedAlerts: g.truncatedAlerts || undefined,
    ...templated(telegram?.alertGroupId === g.alertGroupId ? telegram.rendered : null),
  };
}

function templated(r: RenderedTelegram | null): Pick<GroupView, 'telegramTitle' | 'telegramMessageHtml' | 'templateErrors'> {
  if (!r) return {};
  return {
    ...(r.title !== null ? { telegramTitle: r.title } : {}),
    ...(r.messageHtml !== null ? { telegramMessageHtml: r.messageHtml } : {}),
    ...(r.errors.length ? { templateErrors: r.errors.map((e) => `${e.template} failed: ${e.message}`) } : {}),
  };
}
