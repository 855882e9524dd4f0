/**
 * Default templates of the `alertmanager` integration (also used for
 * `grafana_alerting`). They render what Grafana OnCall's defaults render, so a
 * migrated integration looks the same; the Jinja2 is Dozor's own.
 *
 * tools/jinja2/render_reference.py reads the `String.raw` literals below
 * (keep them free of backticks and `${`) and renders them with Python's
 * Jinja2 over every fixture; the specs compare.
 */

export const ALERTMANAGER_GROUPING_ID_TEMPLATE = String.raw`{{ payload.groupKey }}`;

export const ALERTMANAGER_RESOLVE_CONDITION_TEMPLATE = String.raw`{{ payload.status == "resolved" }}`;

/** The first alert's `generatorURL`, as OnCall has linked since grafana/oncall#5005 (an empty `alerts` is a template error there too). */
export const ALERTMANAGER_SOURCE_LINK_TEMPLATE = String.raw`{{ payload.alerts[0].generatorURL }}`;

/** The alert name and the other group labels; no `[firing]` prefix since grafana/oncall#5261. */
export const ALERTMANAGER_WEB_TITLE_TEMPLATE = String.raw`{%- set group = payload.get("groupLabels", {}).copy() -%}
{%- set name = payload.get("labels", {}).get("alertname", "") if "labels" in payload else group.pop("alertname", "") -%}
{{ name }} {% if group %}({{ group.values() | join(", ") }}){% endif %}`;

export const ALERTMANAGER_WEB_MESSAGE_TEMPLATE = String.raw`{%- macro section(title, items) -%}
{{ title }}:
{% for key, value in items.items() -%}
- {{ key }}: {{ value }}
{% endfor %}
{% endmacro -%}
{%- set notes = payload.get("commonAnnotations", {}).copy() -%}
{%- set group = payload.get("groupLabels", {}) -%}
{%- set status = payload.get("status", "Unknown") -%}
{%- if group.severity -%}
Severity: {{ group.severity }} {{ {"critical": ":rotating_light:", "warning": ":warning:"}[group.severity] | default(":question:") }}
{% endif -%}
Status: {{ status }} {{ {"firing": ":fire:", "resolved": ":white_check_mark:"}[status] | default(":warning:") }} (on the source)
{% if status == "firing" and payload.numFiring -%}
Firing alerts – {{ payload.numFiring }}
Resolved alerts – {{ payload.numResolved }}
{% endif -%}
{%- if "runbook_url" in notes -%}
[:book: Runbook:link:]({{ notes.pop("runbook_url") }})
{% endif -%}
{%- if "runbook_url_internal" in notes -%}
[:closed_book: Runbook (internal):link:]({{ notes.pop("runbook_url_internal") }})
{% endif -%}
{%- if group %}{{ "\n" ~ section("GroupLabels", group) }}{% endif -%}
{%- if payload.get("commonLabels") %}{{ section("CommonLabels", payload.commonLabels) }}{% endif -%}
{%- if notes %}{{ section("Annotations", notes) }}{% endif -%}
{%- if payload.get("labels") %}{{ section("Labels", payload.labels) }}{% endif -%}
{%- if payload.get("annotations") %}{{ section("Annotations", payload.annotations) }}{% endif -%}
[View in AlertManager]({{ source_link }})`;

export const ALERTMANAGER_TELEGRAM_TITLE_TEMPLATE = ALERTMANAGER_WEB_TITLE_TEMPLATE;

export const ALERTMANAGER_TELEGRAM_MESSAGE_TEMPLATE = String.raw`{%- macro section(title, items) -%}
{{ title }}:
{% for key, value in items.items() -%}
- {{ key }}: {{ value }}
{% endfor %}
{% endmacro -%}
{%- set notes = payload.get("commonAnnotations", {}).copy() -%}
{%- set group = payload.get("groupLabels", {}) -%}
{%- set status = payload.get("status", "Unknown") -%}
{%- if group.severity -%}
Severity: {{ group.severity }} {{ {"critical": ":rotating_light:", "warning": ":warning:"}[group.severity] | default(":question:") }}
{% endif -%}
Status: {{ status }} {{ {"firing": ":fire:", "resolved": ":white_check_mark:"}[status] | default(":warning:") }} (on the source)
{% if status == "firing" and payload.numFiring -%}
Firing alerts – {{ payload.numFiring }}
Resolved alerts – {{ payload.numResolved }}
{% endif -%}
{%- if "runbook_url" in notes -%}
<a href='{{ notes.pop("runbook_url") }}'>:book: Runbook:link:</a>
{% endif -%}
{%- if "runbook_url_internal" in notes -%}
<a href='{{ notes.pop("runbook_url_internal") }}'>:closed_book: Runbook (internal):link:</a>
{% endif -%}
{%- if group %}{{ "\n" ~ section("GroupLabels", group) }}{% endif -%}
{%- if payload.get("commonLabels") %}{{ section("CommonLabels", payload.commonLabels) }}{% endif -%}
{%- if notes %}{{ section("Annotations", notes) }}{% endif -%}
{%- if payload.get("labels") %}{{ section("Labels", payload.labels) }}{% endif -%}
{%- if payload.get("annotations") %}{{ section("Annotations", payload.annotations) }}{% endif -%}
<a href='{{ source_link }}'>View in AlertManager</a>`;

/** The alertmanager integration's templates; OnCall has no default acknowledge condition. */
export const ALERTMANAGER_DEFAULT_TEMPLATES = Object.freeze({
  groupingId: ALERTMANAGER_GROUPING_ID_TEMPLATE,
  resolveCondition: ALERTMANAGER_RESOLVE_CONDITION_TEMPLATE,
  acknowledgeCondition: null,
  sourceLink: ALERTMANAGER_SOURCE_LINK_TEMPLATE,
  webTitle: ALERTMANAGER_WEB_TITLE_TEMPLATE,
  webMessage: ALERTMANAGER_WEB_MESSAGE_TEMPLATE,
  telegramTitle: ALERTMANAGER_TELEGRAM_TITLE_TEMPLATE,
  telegramMessage: ALERTMANAGER_TELEGRAM_MESSAGE_TEMPLATE,
});
