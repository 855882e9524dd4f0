#!/usr/bin/env python3
"""Renders the reference cases with Python's Jinja2 and writes the JSON the
TypeScript specs compare against.

    python3 tools/jinja2/render_reference.py            # writes the reference file
    python3 tools/jinja2/render_reference.py --check    # exits 1 if it is stale

Needs Jinja2 3.1 and the ``regex`` package. Tests never run this: they read
the committed JSON (libs/templates/src/testdata/jinja2-reference.json).
"""

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

import jinja2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases import DEFAULT_TEMPLATE_REFS, DEVIATIONS, DOCS_CASES, FEATURE_CASES, FIXTURE_TEMPLATES, HOSTILE_CASES, PAYLOADS, WEBHOOK_TEMPLATE_REFS  # noqa: E402
from oncall_env import make_env  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = (ROOT / "test" / "fixtures" / "alertmanager").resolve()
DEFAULTS_TS = [ROOT / "libs/templates/src/oncall-alertmanager.templates.ts", ROOT / "libs/templates/src/oncall-webhook.templates.ts"]
OUT = ROOT / "libs/templates/src/testdata/jinja2-reference.json"

NOW = dt.datetime(2026, 11, 24, 1, 0, 0, tzinfo=dt.timezone.utc)
NOW_MS = int(NOW.timestamp() * 1000)


def read_defaults():
    """The ``String.raw`` template constants of the TypeScript defaults files."""
    templates = {}
    for path in DEFAULTS_TS:
        src = path.read_text(encoding="utf-8")
        templates.update(re.findall(r"export const (\w+) = String\.raw`(.*?)`;", src, re.S))
        for alias, target in re.findall(r"export const (\w+) = (\w+);", src):
            templates[alias] = templates[target]
    return templates


def read_fixtures():
    out = {}
    for f in sorted(FIXTURES.glob("*.json")):
        if f.name == "headers.json":
            continue
        out[f.name] = json.loads(f.read_text(encoding="utf-8"))
    return out


def context_for(payload, source_link, integration):
    return {
        "payload": payload,
        "source_link": source_link,
        "integration_name": integration,
        "grafana_oncall_incident_id": 42,
        "grafana_oncall_link": "https://dozor.example/groups/42",
    }


def first_generator_url(payload):
    """The source link OnCall's Alertmanager default renders: the first alert's generatorURL."""
    alerts = payload.get("alerts") or [{}]
    return alerts[0].get("generatorURL")


def render(env, template, ctx):
    # Fresh copy: templates may mutate the payload (pop, update).
    ctx = json.loads(json.dumps(ctx))
    try:
        return {"ok": True, "output": str(env.from_string(template).render(**ctx))}
    except Exception as e:  # noqa: BLE001 - every failure is a reference outcome
        return {"ok": False, "error": type(e).__name__, "message": str(e)}


def build():
    env = make_env(NOW)
    defaults = read_defaults()
    fixtures = read_fixtures()
    cases = []

    def add(case_id, group, template, payload_ref, ctx, ref=None):
        case = {"id": case_id, "group": group, "template": template, "payload": payload_ref, "context": {k: v for k, v in ctx.items() if k != "payload"}}
        if ref:
            case["templateRef"] = ref
        case["expected"] = render(env, template, ctx)
        if case_id in DEVIATIONS:
            case["deviation"] = DEVIATIONS[case_id]
        cases.append(case)

    for ref in DEFAULT_TEMPLATE_REFS:
        for name, payload in fixtures.items():
            add(f"{ref}@{name}", "default", defaults[ref], {"fixture": name}, context_for(payload, first_generator_url(payload), "Alertmanager"), ref)
    for ref, payload_names in WEBHOOK_TEMPLATE_REFS:
        for pname in payload_names:
            payload = PAYLOADS[pname]
            add(f"{ref}@{pname}", "default", defaults[ref], {"inline": pname}, context_for(payload, payload.get("url"), "Webhook"), ref)
    for tid, template in FIXTURE_TEMPLATES:
        for name, payload in fixtures.items():
            add(f"{tid}@{name}", "docs", template, {"fixture": name}, context_for(payload, first_generator_url(payload), "Alertmanager"))
    for tid, template, pname in DOCS_CASES:
        add(tid, "docs", template, {"inline": pname}, context_for(PAYLOADS[pname], None, "Webhook"))
    for tid, template in FEATURE_CASES:
        add(tid, "feature", template, {"inline": "feature"}, context_for(PAYLOADS["feature"], None, "Webhook"))
    for tid, template in HOSTILE_CASES:
        add(tid, "hostile", template, {"inline": "feature"}, context_for(PAYLOADS["feature"], None, "Webhook"))

    return {
        "generatedBy": "tools/jinja2/render_reference.py",
        "jinja2": jinja2.__version__,
        "python": sys.version.split()[0],
        "nowMs": NOW_MS,
        "payloads": PAYLOADS,
        "cases": cases,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed reference is stale")
    args = parser.parse_args()
    text = json.dumps(build(), indent=1, ensure_ascii=False) + "\n"
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale: run tools/jinja2/render_reference.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    data = json.loads(text)
    groups = {}
    for c in data["cases"]:
        groups[c["group"]] = groups.get(c["group"], 0) + 1
    print(f"wrote {len(data['cases'])} cases to {OUT.relative_to(ROOT)}: {groups}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
