/**
 * Default templates of the `webhook` and `formatted_webhook` integrations,
 * rendering what Grafana OnCall's defaults render. Same conventions as
 * oncall-alertmanager.templates.ts (read by tools/jinja2/render_reference.py).
 */

/** The whole payload, printed as a Python dict, is the grouping key (OnCall heartbeats use `alert_uid`). */
export const WEBHOOK_GROUPING_ID_TEMPLATE = String.raw`{{ ("\n" ~ payload.alert_uid if "is_oncall_heartbeat" in payload else payload) ~ "\n" }}`;

export const WEBHOOK_RESOLVE_CONDITION_TEMPLATE = String.raw`{{ payload.get("state", "").upper() == "OK" }}`;

export const WEBHOOK_SOURCE_LINK_TEMPLATE = String.raw`{{ payload.url }}`;

export const WEBHOOK_WEB_TITLE_TEMPLATE = String.raw`Incident`;

export const WEBHOOK_TELEGRAM_TITLE_TEMPLATE = WEBHOOK_WEB_TITLE_TEMPLATE;

export const WEBHOOK_TELEGRAM_MESSAGE_TEMPLATE = String.raw`<code>{{ payload | tojson_pretty }}</code>`;

export const FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE = String.raw`{{ payload.get("alert_uid", "") }}`;

export const FORMATTED_WEBHOOK_RESOLVE_CONDITION_TEMPLATE = WEBHOOK_RESOLVE_CONDITION_TEMPLATE;

export const FORMATTED_WEBHOOK_SOURCE_LINK_TEMPLATE = String.raw`{{ payload.link_to_upstream_details }}`;

export const FORMATTED_WEBHOOK_WEB_TITLE_TEMPLATE = String.raw`{{ payload.get("title", "Title undefined (Check Web Title Template)") }}`;

export const FORMATTED_WEBHOOK_TELEGRAM_TITLE_TEMPLATE = FORMATTED_WEBHOOK_WEB_TITLE_TEMPLATE;

export const FORMATTED_WEBHOOK_TELEGRAM_MESSAGE_TEMPLATE = String.raw`{{ payload.message }}`;

export const FORMATTED_WEBHOOK_IMAGE_URL_TEMPLATE = String.raw`{{ payload.image_url }}`;

export const WEBHOOK_DEFAULT_TEMPLATES = Object.freeze({
  groupingId: WEBHOOK_GROUPING_ID_TEMPLATE,
  resolveCondition: WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
  acknowledgeCondition: null,
  sourceLink: WEBHOOK_SOURCE_LINK_TEMPLATE,
  telegramTitle: WEBHOOK_TELEGRAM_TITLE_TEMPLATE,
  telegramMessage: WEBHOOK_TELEGRAM_MESSAGE_TEMPLATE,
});

export const FORMATTED_WEBHOOK_DEFAULT_TEMPLATES = Object.freeze({
  groupingId: FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE,
  resolveCondition: FORMATTED_WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
  acknowledgeCondition: null,
  sourceLink: FORMATTED_WEBHOOK_SOURCE_LINK_TEMPLATE,
  telegramTitle: FORMATTED_WEBHOOK_TELEGRAM_TITLE_TEMPLATE,
  telegramMessage: FORMATTED_WEBHOOK_TELEGRAM_MESSAGE_TEMPLATE,
  imageUrl: FORMATTED_WEBHOOK_IMAGE_URL_TEMPLATE,
});
