import { Injectable } from '@nestjs/common';
import { alertmanagerPayloadOf, type AlertReceivedData, type TemplateErrorRecord } from '@dozor/contracts';
import { alertmanagerTitle, renderCondition, renderIntegrationTemplate, templateLabels, type AlertGroupAggregate, type ProcessReceipt } from '@dozor/domain';
import { capRendered, MAX_TITLE_CHARS } from '@dozor/templates';
import { Runtime } from '@dozor/platform';
import { RouteSelector } from './route.selector.js';

/**
 * Renders an integration's templates for one receipt, so that the decider
 * gets data: the resolve and acknowledge conditions as booleans, the title
 * and source link as text, the route (only when the receipt opens a group),
 * and every template that failed, by name. Never throws: a failing template
 * is recorded and the alert goes on with a default.
 */
@Injectable()
export class ReceiptRenderer {
  constructor(
    private readonly runtime: Runtime,
    private readonly routes: RouteSelector,
  ) {}

  prepare(r: AlertReceivedData, state: AlertGroupAggregate, now: Date): Omit<ProcessReceipt, 'type' | 'receiptId' | 'now'> {
    const integration = this.runtime.config.integrations.find((i) => i.id === r.integrationId);
    if (!integration) return { route: { routeId: 'unknown-integration', escalationChainId: null } };
    const kind = r.integrationKind ?? 'alertmanager';
    const payload = r.payload;
    const errors: TemplateErrorRecord[] = [];
    const options = { now: now.getTime() };
    const base = { payload, labels: templateLabels(kind, payload), integrationName: integration.name };

    const link = renderIntegrationTemplate(integration.templates, 'source_link', base, options);
    if (link && !link.ok) errors.push(link.error);
    const sourceLink = link?.ok ? link.output.trim() || null : null;
    const ctx = { ...base, sourceLink };

    const resolve = renderCondition(integration.templates, 'resolve_condition', ctx, options);
    const acknowledge = renderCondition(integration.templates, 'acknowledge_condition', ctx, options);
    for (const c of [resolve, acknowledge]) if (c.error) errors.push(c.error);

    const am = alertmanagerPayloadOf(kind, payload);
    let title: string;
    if (r.mode?.mode === 'maintenance') title = `Maintenance of ${integration.name}`;
    else {
      const t = renderIntegrationTemplate(integration.templates, 'title', ctx, options);
      if (t && !t.ok) errors.push(t.error);
      title = capRendered((t?.ok ? t.output.trim() : '') || (am ? alertmanagerTitle(am) : 'Incident'), MAX_TITLE_CHARS);
    }

    // The route matters only for a receipt that opens a group.
    const cur = state.current;
    const open = cur !== null && !cur.resolved;
    const opens = r.mode?.mode === 'maintenance' ? !open : !resolve.value && !open;
    let route = { routeId: cur?.routeId ?? 'default', escalationChainId: cur?.escalationChainId ?? null };
    let routeErrors: TemplateErrorRecord[] = [];
    if (opens) {
      const sel = this.routes.select(integration.id, payload, { labels: ctx.labels, sourceLink, now: now.getTime() });
      if (sel) {
        route = { routeId: sel.route.id, escalationChainId: sel.route.escalationChainId };
        routeErrors = sel.errors.map((e) => ({ template: e.template, message: e.message }));
      }
    }
    return {
      route,
      signals: { resolve: resolve.value, acknowledge: acknowledge.value },
      display: { title, sourceLink },
      routeErrors,
      templateErrors: errors,
    };
  }
}
