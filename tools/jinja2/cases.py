"""Reference cases: templates and the payloads they are rendered over.

Groups:
- ``default``: Dozor's default Alertmanager templates (read from the TypeScript
  source by name), rendered over every fixture;
- ``docs``: templates from Grafana OnCall's documentation and defaults, and the
  route filters of the conformance table;
- ``feature``: one construct each, closing the gaps listed in design.md;
- ``hostile``: sandbox escapes and bombs; both engines must refuse them.

A case with ``deviation`` documents a known, accepted difference: the spec
checks that it still differs the way the note says rather than comparing output.
"""

# Payloads used by cases that are not rendered over the Alertmanager fixtures.
PAYLOADS = {
    # Grafana legacy alerting example from OnCall's "Configure templates" page.
    "grafana_legacy": {
        "dashboardId": 1,
        "title": "[Alerting] Panel Title alert",
        "message": "Notification Message\nSeverity: Critical",
        "evalMatches": [{"value": 1, "metric": "Count", "tags": {}}, {"value": 2.5, "metric": "Errors", "tags": {"host": "a"}}],
        "imageUrl": "https://grafana.com/static/assets/img/blog/mixed_styles.png",
        "orgId": 1,
        "panelId": 2,
        "ruleId": 1,
        "ruleName": "Panel Title alert",
        "ruleUrl": "http://localhost:3000/d/hZ7BuVbWz/test-dashboard?fullscreen&edit&tab=alert&panelId=2&orgId=1",
        "state": "alerting",
        "tags": {"tag name": "tag value"},
    },
    # A webhook payload in OnCall's "webhook" integration style.
    "webhook_ok": {"alert_uid": "08d6891a-835c-e661-39fa-96b6a9e26552", "title": "The whole system is down", "state": "OK", "message": "Smth happened.", "data": "eyJuYW1lIjogImRiLTAxIiwgInNldmVyaXR5IjogImhpZ2gifQ=="},
    "webhook_alerting": {"alert_uid": "08d6891a", "title": "Disk full", "state": "alerting", "message": "Severity: High\ndisk /var is 99% full", "data": "bm90IGpzb24="},
    "formatted_webhook": {
        "alert_uid": "08d6891a-835c-e661-39fa-96b6a9e26552",
        "title": "TestAlert: The whole system is down",
        "image_url": "https://example.invalid/cat.jpg",
        "state": "alerting",
        "link_to_upstream_details": "https://en.wikipedia.org/wiki/Downtime",
        "message": "This alert was sent by user for the demonstration purposes\nSmth happened. Oh no!",
    },
    "formatted_webhook_ok": {"alert_uid": "08d6891a-835c-e661-39fa-96b6a9e26552", "state": "ok", "message": "Recovered <b>fine</b>"},
    "oncall_heartbeat": {"is_oncall_heartbeat": True, "alert_uid": "hb-7f3a", "state": "alerting", "url": "https://dozor.example/heartbeats/7f3a"},
    # Legacy Alertmanager integration: one alert per payload.
    "legacy_alert": {
        "endsAt": "0001-01-01T00:00:00Z",
        "labels": {"job": "kube-state-metrics", "severity": "warning", "alertname": "KubeJobCompletion", "namespace": "default"},
        "status": "firing",
        "startsAt": "2019-12-13T08:57:35.095800493Z",
        "annotations": {"message": "Job default/email-tracking is taking more than one hour to complete.", "runbook_url": "https://runbooks.example/kubejobcompletion"},
        "generatorURL": "https://localhost/prometheus/graph?g0.expr=kube_job_spec_completions",
    },
    # Grafana Alerting (unified) payload: numFiring, runbook_url_internal.
    "grafana_alerting": {
        "alerts": [],
        "status": "firing",
        "numFiring": 2,
        "numResolved": 0,
        "groupLabels": {"alertname": "InstanceDown"},
        "commonLabels": {"job": "node", "severity": "critical", "alertname": "InstanceDown"},
        "commonAnnotations": {"runbook_url": "https://runbooks.example/down", "runbook_url_internal": "https://wiki.example/down", "summary": "down"},
        "externalURL": "",
        "groupKey": '{}:{alertname="InstanceDown"}',
    },
    "feature": {
        "d": {"b": 2, "a": 1, "c": [1, 2]},
        "labels": {"Zeta": "z", "alpha": "A", "Beta": "b"},
        "services": [{"name": "db", "n": 3, "team": "core"}, {"name": "API", "n": 1, "team": "edge"}, {"name": "cache", "n": 2, "team": "core"}],
        "words": ["b", "A", "c", "a", "B"],
        "nums": [3, 1.5, -2, 10],
        "s": "  Hello, World!  ",
        "text": "The quick brown fox jumps over the lazy dog near the riverbank",
        "uni": "Grüße — 日本",
        "html": "<b>Disk</b> &amp; <i>CPU</i> <!-- note --> load",
        "t": "2026-11-24T00:55:49.975Z",
        "t_ns": "2026-11-24T00:55:16.3608312Z",
        "t_off": "2026-11-24T03:55:49+03:00",
        "t_space": "2026-11-24 00:55",
        "t_bad": "yesterday",
        "epoch": 1795481749,
        "epoch_f": 1795481749.5,
        "b64": "SGVsbG8sIOS4lueVjA==",
        "json_text": '{"b": [1, 2.5, null], "a": "x"}',
        "n": 0,
        "none": None,
        "flag": True,
        "f": 2.5,
        "big": 12345678.9,
        "empty": {},
        "fallback": "",
        "v": [1, 1, 2],
    },
}

# Templates rendered over every Alertmanager fixture, beside the defaults.
FIXTURE_TEMPLATES = [
    ("seed-route-critical", '{{ payload.commonLabels.severity == "critical" }}'),
    ("route-firing-and-severity", '{{ payload.status == "firing" and payload.commonLabels.severity in ["critical", "warning"] }}'),
    ("route-groupkey-contains", '{{ "TwoInstances" in payload.groupKey }}'),
    ("route-regex-search", '{{ payload.commonAnnotations.summary | regex_search("(?i)flapping|always") }}'),
    ("route-alertname-match", '{{ payload.groupLabels.alertname | regex_match("^[A-Z][a-z]+") }}'),
    ("docs-webhook-resolve", "{{ 1 if payload.state == 'OK' else 0 }}"),
    ("oncall-phone-call-title", '{{ payload.get("groupLabels", {}).values() |join(", ") }}'),
    ("docs-tojson-pretty", "{{ payload | tojson_pretty }}"),
    ("docs-datetime-as-timezone", "{{ payload.alerts[0].startsAt | iso8601_to_time | datetimeformat_as_timezone('%Y-%m-%dT%H:%M:%S%z', 'America/Chicago') }}"),
    ("docs-datetime-as-timezone-verbatim", "{{ payload.alerts.startsAt | iso8601_to_time | datetimeformat_as_timezone('%Y-%m-%dT%H:%M:%S%z', 'America/Chicago') }}"),
    (
        "slack-style-title",
        "*<{{ grafana_oncall_link }}|#{{ grafana_oncall_incident_id }} {{ payload.groupLabels.alertname }}>* via {{ integration_name }}\n{% if source_link %}\n (*<{{ source_link }}|source>*)\n{%- endif %}",
    ),
    ("alert-counts", '{{ payload.alerts | length }} alerts, {{ payload.alerts | selectattr("status", "equalto", "firing") | list | length }} firing{% if payload.truncatedAlerts %}, {{ payload.truncatedAlerts }} not shown{% endif %}'),
    (
        "alert-lines",
        '{% for a in payload.alerts %}{{ loop.index }}. {{ a.labels.instance | default("-") }} {{ a.status | upper }} since {{ a.startsAt | iso8601_to_time | datetimeformat("%H:%M:%S") }}{% if not loop.last %}\n{% endif %}{% endfor %}',
    ),
    ("print-dict", "{{ payload.commonLabels }}"),
    ("print-list", '{{ payload.alerts | map(attribute="fingerprint") | list }}'),
    ("print-items", "{{ payload.groupLabels.items() | list }}"),
    ("print-keys-view", "{{ payload.commonLabels.keys() }}"),
    ("json-dumps", "{{ payload.groupLabels | json_dumps }}"),
    ("tojson", "{{ payload.commonAnnotations | tojson }}"),
    ("group-key-clean", '{{ payload.groupKey | regex_replace("[{}\\"]", "") }}'),
    ("starts-minus-window", '{{ (payload.alerts[0].startsAt | iso8601_to_time - ("5m" | timedeltaparse)) | datetimeformat }}'),
    ("age", "{{ time() - (payload.alerts[0].startsAt | iso8601_to_time) }}"),
]

DEFAULT_TEMPLATE_REFS = [
    "ALERTMANAGER_GROUPING_ID_TEMPLATE",
    "ALERTMANAGER_RESOLVE_CONDITION_TEMPLATE",
    "ALERTMANAGER_SOURCE_LINK_TEMPLATE",
    "ALERTMANAGER_WEB_TITLE_TEMPLATE",
    "ALERTMANAGER_WEB_MESSAGE_TEMPLATE",
    "ALERTMANAGER_TELEGRAM_TITLE_TEMPLATE",
    "ALERTMANAGER_TELEGRAM_MESSAGE_TEMPLATE",
]

# Webhook and formatted_webhook defaults: (template name, payloads rendered over).
WEBHOOK_TEMPLATE_REFS = [
    (ref, ["webhook_ok", "webhook_alerting", "oncall_heartbeat", "grafana_legacy", "formatted_webhook"])
    for ref in [
        "WEBHOOK_GROUPING_ID_TEMPLATE",
        "WEBHOOK_RESOLVE_CONDITION_TEMPLATE",
        "WEBHOOK_SOURCE_LINK_TEMPLATE",
        "WEBHOOK_TELEGRAM_TITLE_TEMPLATE",
        "WEBHOOK_TELEGRAM_MESSAGE_TEMPLATE",
    ]
] + [
    (ref, ["formatted_webhook", "formatted_webhook_ok", "webhook_ok"])
    for ref in [
        "FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE",
        "FORMATTED_WEBHOOK_RESOLVE_CONDITION_TEMPLATE",
        "FORMATTED_WEBHOOK_SOURCE_LINK_TEMPLATE",
        "FORMATTED_WEBHOOK_TELEGRAM_TITLE_TEMPLATE",
        "FORMATTED_WEBHOOK_TELEGRAM_MESSAGE_TEMPLATE",
        "FORMATTED_WEBHOOK_IMAGE_URL_TEMPLATE",
    ]
]

# (id, template, payload name) rendered once each.
DOCS_CASES = [
    ("docs-map-title", "{{ payload.title }}", "grafana_legacy"),
    ("docs-map-message", "{{ payload.message }}", "grafana_legacy"),
    ("docs-map-image", "{{ payload.imageUrl }}", "grafana_legacy"),
    ("docs-map-grouping", "{{ payload.ruleId }}", "grafana_legacy"),
    ("docs-resolve-signal", "{{ 1 if payload.state == 'OK' else 0 }}", "webhook_ok"),
    ("docs-conditional-true", "{{ True if payload.state == 'OK' else False }}", "webhook_ok"),
    ("docs-conditional-false", "{{ True if payload.state == 'OK' else False }}", "webhook_alerting"),
    (
        "docs-loops",
        "*Values:*\n {% for evalMatch in payload.evalMatches -%}\n `{{ evalMatch['metric'] }}: '{{ evalMatch['value'] -}}'`{{ \" \" }}\n {%- endfor %}",
        "grafana_legacy",
    ),
    (
        "docs-conditions",
        "{% if  payload.ruleId == '1' -%}\n*Alert TODOs*\n1. Get access to the container\n    ```\n        kubectl port-forward service/example 3000:80\n    ```\n{%- endif -%}\nrule {{ payload.ruleId }}",
        "grafana_legacy",
    ),
    ("docs-conditions-int", "{% if payload.ruleId == 1 -%}\n*Alert TODOs*\n{%- endif -%}", "grafana_legacy"),
    ("docs-tojson-pretty", "{{ payload | tojson_pretty }}", "grafana_legacy"),
    ("docs-regex-match", '{{ payload.ruleName | regex_match(".*") }}', "grafana_legacy"),
    ("docs-regex-search", '{{ payload.message | regex_search("Severity: (High|Critical)") }}', "webhook_alerting"),
    ("docs-regex-search-legacy", '{{ payload.message | regex_search("Severity: (High|Critical)") }}', "grafana_legacy"),
    ("docs-b64decode", "{{ payload.data | b64decode }}", "webhook_ok"),
    ("docs-parse-json", "{{ (payload.data | b64decode | parse_json).name }}", "webhook_ok"),
    ("docs-parse-json-invalid", "{{ (payload.data | b64decode | parse_json) }}", "webhook_alerting"),
    ("docs-timedelta-precedence", "{% set delta = '5m' | timedeltaparse %}{{ payload.startsAt | iso8601_to_time - delta | datetimeformat }}", "legacy_alert"),
    ("webhook-grouping-id", "{{ payload.alert_uid }}", "webhook_ok"),
    ("webhook-resolve", '{{ payload.state == "OK" }}', "webhook_ok"),
    ("legacy-title", '{{- payload.get("labels", []).get("alertname", "Unknown") -}}', "legacy_alert"),
    (
        "legacy-message",
        '{%- set annotations = payload.annotations -%}\n**Status**: {{ payload.status }}\n{%- if "message" in payload.annotations %}\n{{ annotations.message }}\n{% set _ = annotations.pop(\'message\') %}\n{% endif %}\n{%- for k, v in payload["labels"].items() %}\n{{ k }}={{ v }}\n{%- endfor %}\nleft: {{ annotations }}',
        "legacy_alert",
    ),
]

FEATURE_CASES = [
    # Python-style printing
    ("print-true", "{{ true }} {{ false }} {{ none }} {{ True }}"),
    ("print-compare", "{{ 1 == 1 }} {{ 'a' != 'a' }} {{ payload.n < 1 }}"),
    ("print-list-mixed", '{{ [1, "a", none, true, 1.5, [2]] }}'),
    ("print-dict-literal", '{{ {"a": 1, "b": [1, 2], "c": {"d": none}} }}'),
    ("print-tuple", "{{ (1, 'x') }}"),
    ("print-quotes", "{{ [\"it's\", 'say \"hi\"', 'both \\'\"'] }}"),
    ("print-escapes", '{{ ["a\\nb", "tab\\tx", "back\\\\slash"] }}'),
    ("print-float", "{{ 1.0 }} {{ 2.50 }} {{ 10 / 4 }} {{ 10 / 5 }} {{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ payload.big }}"),
    ("print-int-ops", "{{ 10 // 4 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 1 + true }}"),
    ("print-payload-dict", "{{ payload.d }}"),
    ("print-none-value", "{{ payload.none }} {{ payload.none is none }} {{ payload.missing }}|"),
    ("print-unicode", "{{ payload.uni }} {{ [payload.uni] }}"),
    ("print-views", "{{ payload.d.keys() }} {{ payload.d.values() }} {{ payload.d.items() }}"),
    ("print-nested-undefined-default", '{{ payload.missing | default("fallback") }} {{ payload.none | default("x") }} {{ payload.fallback | default("empty", true) }}'),
    # dict methods
    ("dict-copy-pop", '{% set d = payload.d.copy() %}{{ d.pop("a") }} {{ d }} {{ payload.d }}'),
    ("dict-pop-default", '{{ payload.d.copy().pop("zz", "none-left") }}'),
    ("dict-pop-missing", '{{ payload.d.copy().pop("zz") }}'),
    ("dict-update", '{% set d = payload.d.copy() %}{% set _ = d.update({"z": 26, "a": 0}) %}{% set _ = d.update(y=25) %}{{ d }}'),
    ("dict-setdefault-get", '{% set d = {} %}{{ d.setdefault("k", 1) }} {{ d.get("k") }} {{ d.get("x") }} {{ d.get("x", 5) }}'),
    ("dict-in-and-len", '{{ "a" in payload.d }} {{ "zz" in payload.d }} {{ payload.d | length }}'),
    ("dict-items-loop", "{% for k, v in payload.d.items() %}{{ k }}={{ v }};{% endfor %}"),
    ("dict-subscript-missing", '{{ {"critical": 1}["info"] | default("dflt") }}'),
    # % formatting
    ("percent-basic", '{{ "%s has %d items" % ("cart", 3) }}'),
    ("percent-single", '{{ "%s!" % "hi" }} {{ "%d%%" % 42 }}'),
    ("percent-widths", '{{ "[%5.1f|%-5s|%05d|%+d|% d]" % (3.14159, "ab", 42, 7, 7) }}'),
    ("percent-named", '{{ "%(a)s-%(b)03d" % {"a": "x", "b": 7} }}'),
    ("percent-radix-exp", '{{ "%x %X %o %#x %e %E %g %g %g" % (255, 255, 8, 255, 12345.678, 0.00012, 0.00001234, 1234567.0, 100.0) }}'),
    ("percent-repr-list", '{{ "%s / %r" % ([1, "a"], "q") }}'),
    ("percent-float-round", '{{ "%.2f %.0f %.0f %.3f" % (0.125, 2.5, 3.5, 2.0005) }}'),
    ("percent-too-few", '{{ "%s %s" % ("a",) }}'),
    ("percent-too-many", '{{ "%s" % ("a", "b") }}'),
    ("format-filter", '{{ "%s - %s" | format("a", 1) }} {{ "%(x)s" | format(x=2) }}'),
    ("str-format", '{{ "{} and {}".format("a", 2) }} {{ "{0}{1}{0}".format("x", "y") }} {{ "{name}!".format(name="n") }} {{ "{:>6}|{:<4}|{:^7}|{:.2f}|{:,}".format("r", "l", "c", 3.14159, 1234567) }}'),
    # map / select
    ("map-filter-name", '{{ payload.words | map("upper") | list }}'),
    ("map-filter-args", '{{ payload.words | map("replace", "a", "@") | join(",") }}'),
    ("map-int-sum", '{{ ["1", "2", "x"] | map("int") | sum }}'),
    ("map-attribute", '{{ payload.services | map(attribute="name") | join(", ") }}'),
    ("map-attribute-default", '{{ payload.services | map(attribute="missing", default="?") | list }}'),
    ("select-reject", '{{ payload.nums | select("odd") | list }} {{ [1, none, 0, "x"] | select | list }} {{ [1, 2, 3, 4] | reject("divisibleby", 2) | list }}'),
    ("selectattr", '{{ payload.services | selectattr("team", "equalto", "core") | map(attribute="name") | list }} {{ payload.services | rejectattr("n", "gt", 1) | map(attribute="name") | list }}'),
    # truncate
    ("truncate-default", '{{ payload.text | truncate(20) }}'),
    ("truncate-leeway", '{{ payload.text | truncate(60) }}|{{ payload.text | truncate(58, leeway=0) }}'),
    ("truncate-killwords", '{{ payload.text | truncate(20, true) }}|{{ payload.text | truncate(20, true, "…") }}'),
    ("truncate-end", '{{ payload.text | truncate(25, false, " [more]", 0) }}'),
    # other filters
    ("filters-case", '{{ "hello wORLD-foo (bar)" | title }}|{{ "hELLO" | capitalize }}|{{ payload.uni | upper }}'),
    ("filters-strip", '[{{ payload.s | trim }}]|[{{ "xxhixx" | trim("x") }}]|[{{ payload.s.strip() }}]|[{{ payload.s.lstrip() }}]'),
    ("filters-center-indent", '[{{ "ab" | center(7) }}]\n{{ "a\\nb\\n\\nc" | indent(2) }}\n{{ "a\\nb" | indent(3, true) }}\n{{ "a\\n\\nb" | indent("> ", blank=true) }}'),
    ("filters-sort", '{{ payload.words | sort }} {{ payload.words | sort(case_sensitive=true) }} {{ payload.words | sort(reverse=true) | join }} {{ payload.services | sort(attribute="n") | map(attribute="name") | join }}'),
    ("filters-unique-minmax", '{{ payload.words | unique | list }} {{ payload.nums | min }} {{ payload.nums | max }} {{ payload.words | max }} {{ payload.services | max(attribute="n") }}'),
    ("filters-dictsort", '{{ payload.labels | dictsort }} {{ payload.labels | dictsort(by="value", reverse=true) }}'),
    ("filters-groupby", '{% for g in payload.services | groupby("team") %}{{ g.grouper }}: {{ g.list | map(attribute="name") | join("/") }}; {% endfor %}'),
    ("filters-batch-slice", '{{ [1,2,3,4,5] | batch(2) | list }} {{ [1,2,3,4,5] | batch(2, 0) | list }} {{ [1,2,3,4,5] | slice(2) | list }}'),
    ("filters-sum-round", '{{ payload.nums | sum }} {{ payload.services | sum(attribute="n") }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 0.125 | round(2) }} {{ 2.675 | round(2) }} {{ 3.14159 | round(2, "floor") }} {{ 1.1 | round(0, "ceil") }} {{ 42 | round }}'),
    ("filters-first-last-length", '{{ payload.words | first }} {{ payload.words | last }} {{ payload.words | length }} {{ "abc" | first }} {{ payload.d | first }} {{ [] | first }}|'),
    ("filters-int-float", '{{ "42" | int }} {{ "42.9" | int }} {{ "x" | int }} {{ "x" | int(7) }} {{ " 12 " | int }} {{ "0x1A" | int(base=16) }} {{ 3.9 | int }} {{ "2.5" | float }} {{ "x" | float }} {{ 3 | float }} {{ "1e3" | float }}'),
    ("filters-abs-string-list", '{{ -3 | abs }} {{ payload.n | string }} {{ "ab" | list }} {{ payload.d | list }} {{ 5 | string | length }}'),
    ("filters-join", '{{ [1, 2, none] | join("-") }} {{ payload.services | join(", ", attribute="name") }}'),
    ("filters-replace-reverse", '{{ "aaaa" | replace("a", "b", 2) }} {{ "abc" | reverse }} {{ [1, 2, 3] | reverse | list }}'),
    ("filters-wordcount-wordwrap", '{{ payload.text | wordcount }}\n{{ payload.text | wordwrap(20) }}\n{{ "a-very-long-hyphenated-word here" | wordwrap(10) }}'),
    ("filters-striptags-escape", '{{ payload.html | striptags }}|{{ "<a href=\'x\'>&</a>" | escape }}|{{ "<x>" | e }}'),
    ("filters-urlencode", '{{ "a b/c?d=é" | urlencode }} {{ {"q": "a b", "n": 1} | urlencode }}'),
    ("filters-filesize", '{{ 1 | filesizeformat }} {{ 999 | filesizeformat }} {{ 12345678 | filesizeformat }} {{ 12345678 | filesizeformat(true) }}'),
    ("filters-tojson", '{{ {"b": "<x>", "a": [1, 2.5, none, true], "é": "it\'s"} | tojson }}'),
    ("filters-tojson-indent", '{{ {"b": 1, "a": [1, 2]} | tojson(indent=2) }}'),
    ("filters-items-attr", '{{ payload.d | items | list }} {{ payload.missing | items | list }} {{ payload.services[0] | attr("name") }}|'),
    ("filters-xmlattr", '<a{{ {"href": "x&y", "class": "c", "skip": none} | xmlattr }}>'),
    # tests
    ("tests-basic", "{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }} {{ payload.d is mapping }} {{ payload.words is sequence }} {{ 'a' is string }} {{ 1.5 is number }} {{ none is none }}"),
    ("tests-more", "{{ 'a' is in ['a', 'b'] }} {{ 2 is in [1] }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ payload.missing is undefined }} {{ payload.d is defined }} {{ 1 is eq 1 }} {{ 3 is gt 2 }} {{ true is sameas true }} {{ 1.0 is float }} {{ 1 is integer }} {{ 'upper' is filter }} {{ 'odd' is test }} {{ 3 is not odd }}"),
    # str methods
    ("str-methods", '{{ "a,b,,c".split(",") }} {{ "  a  b ".split() }} {{ "a b c".split(" ", 1) }} {{ "a.b.c".rsplit(".", 1) }} {{ "x".join(["1", "2"]) }} {{ "abc".startswith(("x", "a")) }} {{ "abc".endswith("bc") }}'),
    ("str-methods-2", '{{ "aXbXc".replace("X", "-", 1) }} {{ "hello".find("l") }} {{ "hello".count("l") }} {{ "7".zfill(3) }} {{ "ab".ljust(4, ".") }}| {{ "a\\nb\\r\\nc".splitlines() }} {{ "key=val=x".partition("=") }} {{ "Hello".upper() }} {{ "hello world".title() }} {{ "ab".capitalize() }}'),
    # OnCall filters
    ("oncall-json-dumps", "{{ payload.d | json_dumps }} {{ payload.uni | json_dumps }} {{ payload.missing | json_dumps }}"),
    ("oncall-tojson-pretty", "{{ {'uni': payload.uni, 'n': [1, {'x': none}]} | tojson_pretty }}"),
    ("oncall-regex-search", '{{ payload.text | regex_search("qu[a-z]+") }} {{ payload.text | regex_search("^quick") }} {{ payload.text | regex_search("\\\\bfox\\\\b") }} {{ payload.missing | regex_search("x") }} {{ 42 | regex_search("4") }}'),
    ("oncall-regex-match", '{{ payload.text | regex_match("The") }} {{ payload.text | regex_match("quick") }} {{ payload.text | regex_match("(?i)the") }}'),
    ("oncall-regex-replace", '{{ payload.text | regex_replace("(\\\\w+) (\\\\w+)", "\\\\2 \\\\1") }}|{{ "a1b22c333" | regex_replace("\\\\d+", "#") }}|{{ "abxd" | regex_replace("x*", "-") }}|{{ "2026-11-24" | regex_replace("(?P<y>\\\\d+)-(?P<m>\\\\d+)-(?P<d>\\\\d+)", "\\\\g<d>.\\\\g<m>.\\\\g<y>") }}'),
    ("oncall-regex-unicode", '{{ payload.uni | regex_search("\\\\w+ — \\\\w+") }} {{ payload.uni | regex_replace("\\\\s+", "_") }}'),
    ("regex-leftmost-first", '{{ "abcd" | regex_replace("(a|ab)(c|bcd)", "[\\\\1|\\\\2]") }} {{ "aaa" | regex_replace("a+?", "x") }} {{ "aaa" | regex_replace("a{2}", "b") }} {{ "<p><b>x</b></p>" | regex_replace("<.+?>", "") }}'),
    ("regex-anchors", '{{ "a\\nb\\n" | regex_search("b$") }} {{ "a\\nb\\n" | regex_search("a$") }} {{ "a\\nb\\n" | regex_search("(?m)a$") }} {{ "ab" | regex_search("\\\\Ab") }} {{ "ab" | regex_search("a\\\\Z") }} {{ "ab" | regex_search("b\\\\Z") }} {{ "x\\ny" | regex_search("^y") }} {{ "x\\ny" | regex_search("(?m)^y") }} {{ "a\\nb" | regex_search("a.b") }} {{ "a\\nb" | regex_search("(?s)a.b") }}'),
    ("regex-word-boundary", '{{ "one two" | regex_replace("\\\\b", "|") }} {{ "x1y22" | regex_replace("\\\\d*", "-") }} {{ "naïve café" | regex_replace("\\\\w+", "W") }} {{ "naïve café" | regex_replace("(?a)\\\\w+", "W") }}'),
    ("regex-classes", '{{ "a1_b-2 c" | regex_replace("[^\\\\W\\\\d]", ".") }} {{ "tab\\there  x" | regex_replace("\\\\s+", " ") }} {{ "A-Z a-z" | regex_replace("[A-Z]", "#") }} {{ "x]y" | regex_replace("[]]", "!") }} {{ "a.b*c" | regex_replace("[.*]", "_") }}'),
    ("regex-groups", '{{ "path/to/file.txt" | regex_replace("^.*/([^/.]+)\\\\.(\\\\w+)$", "\\\\2:\\\\1") }} {{ "k=v" | regex_replace("(?P<k>\\\\w)=(?P<v>\\\\w)", "\\\\g<v>=\\\\g<k>\\\\g<0>") }} {{ "ab" | regex_replace("(x)?b", "[\\\\1]") }} {{ "aaa" | regex_replace("(?:a)(a)", "\\\\1-") }}'),
    ("regex-ignorecase-counted", '{{ "Hello" | regex_match("(?i)h") }} {{ "HELLO" | regex_replace("(?i)l{2}", "L") }} {{ "aaaa" | regex_replace("a{1,3}", "x") }} {{ "aaaa" | regex_replace("a{,2}", "x") }} {{ "a{b" | regex_replace("a{", "z") }}'),
    ("regex-small-catastrophe", '{{ "aaaaaaaaaaaaaaaaaaaaaaaab" | regex_search("(a+)+$") }} {{ "aaaaaaaaaaaaaaaaaaaaaaaab" | regex_search("(a|aa)+c") }}'),
    ("regex-invalid", '{{ "x" | regex_search("(") }}'),
    ("oncall-b64decode", '{{ payload.b64 | b64decode }} {{ "not base64!" | b64decode }} {{ "YQ" | b64decode }} {{ "YQ==" | b64decode }} {{ 5 | b64decode }}'),
    ("oncall-parse-json", '{{ payload.json_text | parse_json }} {{ (payload.json_text | parse_json).b[1] }} {{ "{bad" | parse_json }} {{ none | parse_json }}'),
    ("oncall-iso8601", "{{ payload.t | iso8601_to_time }}|{{ payload.t_ns | iso8601_to_time }}|{{ payload.t_off | iso8601_to_time }}|{{ payload.t_space | iso8601_to_time }}|{{ payload.t_bad | iso8601_to_time }}|{{ 5 | iso8601_to_time }}"),
    ("oncall-datetimeformat", '{{ payload.t | iso8601_to_time | datetimeformat }}|{{ payload.t | iso8601_to_time | datetimeformat("%Y-%m-%d %H:%M:%S.%f %z %Z %a %A %b %B %j %p %I %y %w %U %W") }}|{{ "x" | datetimeformat }}'),
    ("oncall-datetimeformat-more", '{{ payload.t | iso8601_to_time | datetimeformat("%c|%x|%X|%e|%-d|%-H|%D|%F|%T|%R|%s|%%") }}'),
    ("oncall-as-timezone", '{{ payload.t | iso8601_to_time | datetimeformat_as_timezone("%Y-%m-%d %H:%M %Z %z", "Europe/Moscow") }}|{{ payload.t | iso8601_to_time | datetimeformat_as_timezone("%H:%M %Z", "Asia/Kolkata") }}|{{ payload.t | iso8601_to_time | datetimeformat_as_timezone("%H:%M %Z", "Australia/Sydney") }}|{{ payload.t | iso8601_to_time | datetimeformat_as_timezone("%H:%M %Z", "Asia/Dubai") }}|{{ payload.t | iso8601_to_time | datetimeformat_as_timezone }}|{{ payload.t_off | iso8601_to_time | datetimeformat_as_timezone("%H:%M %Z", "Europe/Berlin") }}|{{ "x" | datetimeformat_as_timezone }}'),
    ("oncall-as-timezone-dst", '{{ "2026-07-01T12:00:00Z" | iso8601_to_time | datetimeformat_as_timezone("%H:%M %Z", "Europe/Berlin") }} {{ "2026-07-01T12:00:00Z" | iso8601_to_time | datetimeformat_as_timezone("%H:%M %Z", "America/New_York") }} {{ "2026-07-01T12:00:00Z" | iso8601_to_time | datetimeformat_as_timezone("%H:%M %Z", "Europe/London") }}'),
    ("oncall-as-timezone-unknown", '{{ payload.t | iso8601_to_time | datetimeformat_as_timezone("%H:%M", "Mars/Base") }}'),
    ("oncall-datetimeparse", '{{ "24-11-2026 00:55" | datetimeparse("%d-%m-%Y %H:%M") }}|{{ "00:55 / 24-11-2026" | datetimeparse }}|{{ "Nov 24 2026 1:05PM" | datetimeparse("%b %d %Y %I:%M%p") }}|{{ "2026-11-24T00:55:00+0300" | datetimeparse("%Y-%m-%dT%H:%M:%S%z") }}|{{ "nope" | datetimeparse }}'),
    ("oncall-timestamp", "{{ payload.epoch | timestamp_to_datetime }}|{{ payload.epoch_f | timestamp_to_datetime }}|{{ 'x' | timestamp_to_datetime }}|{{ (payload.epoch | timestamp_to_datetime).year }}"),
    ("oncall-timedelta", "{{ '5m' | timedeltaparse }}|{{ '-2h' | timedeltaparse }}|{{ '3d' | timedeltaparse }}|{{ '1w' | timedeltaparse }}|{{ '2M' | timedeltaparse }}|{{ '5x' | timedeltaparse }}|{{ ('90s' | timedeltaparse).total_seconds() }}"),
    ("oncall-datetime-arith", "{{ (payload.t | iso8601_to_time) + ('1d' | timedeltaparse) }}|{{ ((payload.t | iso8601_to_time) - ('90m' | timedeltaparse)) | datetimeformat('%H:%M') }}|{{ (payload.t | iso8601_to_time) > (payload.t_off | iso8601_to_time) }}|{{ (payload.t | iso8601_to_time).hour }}"),
    ("oncall-time", "{{ time() }}|{{ time() | datetimeformat('%Y-%m-%d') }}|{{ time() - (payload.t | iso8601_to_time) }}|{{ (time() - (payload.t | iso8601_to_time)).total_seconds() }}"),
    # control structures
    ("control-for-else", "{% for x in payload.empty %}{{ x }}{% else %}empty{% endfor %}|{% for x in [1, 2, 3] if x > 1 %}{{ loop.index }}:{{ x }}{{ ',' if not loop.last }}{% endfor %}"),
    ("control-loop-vars", "{% for x in 'abc' %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.length }}{{ loop.cycle('o', 'e') }}{{ loop.previtem | default('^') }}{% endfor %}"),
    ("control-nested-loops", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{{ loop.index }};{% endfor %}"),
    ("control-if-elif", "{% for n in [0, 1, 5] %}{% if n == 0 %}zero{% elif n < 3 %}small{% else %}big{% endif %} {% endfor %}"),
    ("control-set-block", "{% set x %}a{{ 1 + 1 }}b{% endset %}[{{ x }}] {{ x | length }}"),
    ("control-set-scope", "{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }}{% endfor %}|{{ x }}"),
    ("control-namespace", "{% set ns = namespace(total=0, names=[]) %}{% for i in payload.services %}{% set ns.total = ns.total + i.n %}{% endfor %}{{ ns.total }}"),
    ("control-macro", "{% macro row(k, v='-', sep=': ') %}{{ k }}{{ sep }}{{ v }}{% endmacro %}{{ row('a') }}|{{ row('b', 2) }}|{{ row('c', sep='=', v=3) }}"),
    ("control-call-block", "{% macro box(title) %}[{{ title }}: {{ caller() }}]{% endmacro %}{% call box('t') %}inside {{ 1 + 1 }}{% endcall %}"),
    ("control-filter-block", "{% filter upper %}shout {{ 'this' }}{% endfilter %}"),
    ("control-whitespace", "a  {%- if true -%}  b  {%- endif -%}  c\n{# comment #}\nd {{- ' e ' -}} f\n  {% if true %}\n  g\n  {% endif %}\n"),
    ("control-ternary-chain", "{{ 'a' if payload.n else 'b' if payload.flag else 'c' }} {{ 'x' if none }}|"),
    ("control-tuple-unpack", "{% set a, b = 1, 2 %}{{ a }}{{ b }} {% for k, v in [['x', 1], ('y', 2)] %}{{ k }}{{ v }}{% endfor %}"),
    ("control-slices", "{{ 'abcdef'[1:3] }} {{ 'abcdef'[::-1] }} {{ [1,2,3,4][-2:] }} {{ [1,2,3,4][::2] }} {{ payload.words[0] }} {{ payload.words[-1] }} {{ payload.words[10] }}|"),
    ("control-concat", "{{ 'a' ~ 1 ~ none ~ true }} {{ 'a' + 'b' }} {{ [1] + [2] }} {{ 'ab' * 3 }} {{ [0] * 3 }}"),
    ("control-chained-comparisons", "{{ 3 > 2 > 1 }} {{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 0 <= payload.n < 10 }} {{ 1 == 1 in [true] }} {{ 'a' in 'abc' in ['abc'] }}"),
    ("control-in-ops", "{{ 'ell' in 'hello' }} {{ 2 in [1, 2] }} {{ 'x' not in payload.d }} {{ payload.missing in [1] }}"),
    ("control-dict-dict-global", "{{ dict(a=1, b=2) }} {% set c = cycler('x', 'y') %}{{ c.next() }}{{ c.next() }}{{ c.next() }} {% set j = joiner('+') %}{% for i in [1, 2, 3] %}{{ j() }}{{ i }}{% endfor %}"),
    ("control-undefined-attr-of-undefined", "{{ payload.missing.deeper }}"),
    ("control-undefined-call", "{{ payload.missing() }}"),
    ("control-none-attr", "{{ payload.none.x }}|"),
    ("control-type-error-add", "{{ 1 + 'a' }}"),
    ("control-zero-division", "{{ 1 / payload.n }}"),
    ("control-string-escape-regex", '{{ "a\\d" }} {{ "\\x41\\u00e9" }} {{ "x\\.y" }}'),
    ("control-crlf", "a\r\nb{{ 1 }}\r\n"),
    ("control-trailing-newline", "x\n"),
    # output limit behaviour (same output either way)
    ("control-unknown-filter", "{{ 1 | nosuchfilter }}"),
    ("control-unknown-tag", "{% raw %}x{% endraw %}"),
    # OnCall templates users run (the "Templates and schedules exactly as OnCall users expect" issue)
    ("undefined-as-argument", "{{ payload.get(imageUrl) }} {{ payload.get(imageUrl, 'dflt') }}"),
    ("loop-changed", "{% for x in payload.v %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}"),
    ("unknown-filter-not-reached", "{% if payload.x %}{{ payload.x | nosuch }}{{ 1 is nosuchtest }}{% endif %}ok"),
    ("unknown-filter-reached", "{% if payload.v %}{{ payload.v | nosuch }}{% endif %}ok"),
    ("macro-varargs-kwargs", "{% macro m(a) %}{{ a }} {{ varargs }} {{ kwargs }}{% endmacro %}{{ m(1, 2, 3, x=4) }}|{{ m(1) }}"),
    ("macro-too-many-args", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}"),
    ("macro-unknown-kwarg", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, b=2) }}"),
    ("str-methods-more", "{{ 'a\\tbc\\td'.expandtabs(4) }}|{{ 'x\\ty'.expandtabs() }}|{{ '{a}-{b}'.format_map({'a': 1, 'b': 'x'}) }}|{{ 'Straße'.casefold() }}|{{ '{0.real}/{0.imag}'.format(3) }}"),
    ("dict-fromkeys", "{{ dict.fromkeys(['a', 'b']) }} {{ dict.fromkeys('xy', 0) }}"),
    ("pprint-sorted", "{{ {'b': 1, 'a': {'d': 2, 'c': [1]}} | pprint }}"),
    ("parse-json-floats", """{{ '{"v": 2.0, "i": 2, "e": 1e3, "n": -0.5}' | parse_json }}"""),
    ("tuple-literals", "{{ '%s' % (payload.v,) }} {{ () }} {{ (1,) }} {{ (1, 2,) }} {{ ((1,),) }} {{ 'x' in () }} {{ 'ab'.startswith(('x', 'a',)) }} {{ (1,) * 3 }}"),
    ("number-literals", "{{ 1e9 }} {{ 0x1F }} {{ 1_000 }} {{ 1.5e-3 }} {{ 2.5E+2 }} {{ 0o17 }} {{ 0b101 }} {{ 00 }} {{ 1e-7 }} {{ 1_0.5 }}"),
    ("number-leading-zero", "{{ 007 }}"),
    ("number-big-int", "{{ 2 ** 64 + 1 }}"),
    ("for-recursive", "{% for x in [{'n': 'a', 'c': [{'n': 'b', 'c': []}]}, {'n': 'd', 'c': []}] recursive %}{{ loop.depth }}{{ x.n }}[{{ loop(x.c) }}]{% endfor %}"),
    ("for-not-recursive-call", "{% for x in [1] %}{{ loop([2]) }}{% endfor %}"),
    ("set-block-filter", "{% set x | upper | replace('A', 'Z') %}ab{{ 1 }}{% endset %}{{ x }}"),
    ("filter-block-chain", "{% filter lower | replace('b', 'x') %}AB{% endfilter %}|{% filter upper %}{% filter lower | center(5) %}Q{% endfilter %}{% endfilter %}|"),
    ("block-plus-modifier", "a\n  {%+ if true %}b{% endif +%}\n c"),
    ("datetime-parts", "{% set t = payload.t | iso8601_to_time %}{{ t.date() }}|{{ t.time() }}|{{ t.replace(hour=3, minute=0) }}|{{ t.utcoffset() }}|{{ t.replace(tzinfo=None).utcoffset() }}|{{ [t.date(), t.time()] }}|{{ t.date().strftime('%d.%m') }}|{{ t.time().strftime('%H:%M') }}|{{ t.date() == t.date() }}|{{ (payload.t_off | iso8601_to_time).utcoffset() }}|{{ t.date().year }}"),
    ("datetime-replace-invalid", "{{ (payload.t | iso8601_to_time).replace(month=13) }}"),
    ("unicode-name-escapes", "{{ '\\N{BULLET} \\N{bullet}x \\N{RIGHTWARDS ARROW} \\N{WARNING SIGN} \\N{EM DASH}' }}"),
    ("unicode-name-unknown", "{{ '\\N{NO SUCH CHARACTER NAME}' }}"),
    ("parse-json-nan", "{{ 'NaN' | parse_json }} {{ '[Infinity, -Infinity]' | parse_json }} {{ '[1,]' | parse_json }}"),
]

HOSTILE_CASES = [
    ("hostile-constructor-chain", '{{ "".constructor.constructor("return process")() }}'),
    ("hostile-dunder-class", '{{ "".__class__ }}|{{ payload.__class__ }}|'),
    ("hostile-dunder-mro", '{{ "".__class__.__mro__ }}'),
    ("hostile-proto", "{{ payload.__proto__ }}|{{ payload['__proto__'] }}|{{ payload.constructor }}|{{ payload.prototype }}|"),
    ("hostile-globals", "{{ cycler.__init__.__globals__ }}"),
    ("hostile-range", "{% for i in range(100000000) %}x{% endfor %}"),
    ("hostile-regex-catastrophe", '{{ payload.text | regex_replace("e", "a") }}{{ ("a" * 1000 ~ "b") | regex_search("(a+)+$") }}'),
    ("hostile-process", "{{ process }}|{{ globalThis }}|{{ config }}|{{ request }}|"),
]

# Known, documented differences (id -> reason).
DEVIATIONS = {
    "number-big-int": "integers are JavaScript doubles: exact up to 2**53 only (Python ints are unbounded)",
    "control-unknown-tag": "raw blocks are not supported by the parser (Jinja2 renders them)",
    "hostile-regex-catastrophe": "OnCall's regex module gives up after its 2 s timeout and prints None; Dozor's linear-time engine answers False",
}
