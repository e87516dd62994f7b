#!/usr/bin/env python3
"""Static checks of the bundled Grafana dashboards (dashboards/*.json).

1. The committed JSON is what dashboards/generate.py writes.
2. Structure: unique uids of at most 40 characters, no `${DS_...}` import placeholders, the
   classic model with a schemaVersion Grafana 9-11 load, every panel inside the 24-column grid
   without overlaps, unique panel ids, and every panel with the `datasource` variable, a title,
   a description, a unit and at least one query.
3. Variables: exactly one `datasource` variable (type datasource, prometheus); every other one a
   `label_values(...)` query on that datasource, refreshed on time-range change, multi-value ones
   with an All value; variables only refer to variables defined before them.
4. Queries: every variable a query uses exists; every range selector is `[$__rate_interval]`;
   every metric a query selects is documented in docs/metrics.md (or recorded in
   rules/recording.yml); every query and variable query parses, checked by a real Prometheus
   (`/api/v1/query` answers 400 bad_data for a query that does not parse).
5. Links: dashboard links and data links that open a dashboard name an existing uid; data links
   of tables only use columns the table shows.

Usage: dashboards_static_test.py <repository root>
"""

import importlib.util
import os
import re
import sys

import dashboard_queries as dq
import stack

ALLOWED_PANELS = {"row", "timeseries", "stat", "bargauge", "table", "state-timeline"}
DS = {"type": "prometheus", "uid": "${datasource}"}
# Selector of a metric: its name right before `{` (every dashboard query uses a selector).
METRIC = re.compile(r"(?<![\w:])([a-zA-Z_:][a-zA-Z0-9_:]*)\{")
RANGE = re.compile(r"\[([^\]]*)\]")
DASHBOARD_URL = re.compile(r"^/d/([^/?]+)")
FIELD_REF = re.compile(r"\$\{__data\.fields\.(\w+)")

failures = []


def fail(where, what):
    failures.append(f"{where}: {what}")


def check_generated(root):
    path = os.path.join(root, "dashboards", "generate.py")
    spec = importlib.util.spec_from_file_location("fme_dashboards_generate", path)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rendered = gen.render()
    on_disk = {os.path.basename(p) for p in dq.load(root)}
    for name in sorted(on_disk - set(rendered)):
        fail(f"dashboards/{name}", "not written by dashboards/generate.py")
    for name, text in rendered.items():
        try:
            with open(os.path.join(root, "dashboards", name), encoding="utf-8") as f:
                if f.read() != text:
                    fail(f"dashboards/{name}", "differs from the output of dashboards/generate.py (run it)")
        except FileNotFoundError:
            fail(f"dashboards/{name}", "missing: run dashboards/generate.py")


def documented_metrics(root):
    with open(os.path.join(root, "docs", "metrics.md"), encoding="utf-8") as f:
        return set(re.findall(r"`((?:flink|mesos)_[a-z0-9_]+)`", f.read()))


def recorded_series(root):
    with open(os.path.join(root, "rules", "recording.yml"), encoding="utf-8") as f:
        return set(re.findall(r"^\s*-?\s*record:\s*(\S+)\s*$", f.read(), re.M))


def check_grid(name, dashboard):
    taken = {}
    ids = set()
    for p in dq.panels(dashboard):
        where = f"{name} panel '{p.get('title')}'"
        if p.get("id") in ids:
            fail(where, f"duplicate panel id {p.get('id')}")
        ids.add(p.get("id"))
        g = p.get("gridPos", {})
        x, y, w, h = g.get("x", -1), g.get("y", -1), g.get("w", 0), g.get("h", 0)
        if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > 24:
            fail(where, f"gridPos {g} is outside the 24-column grid")
            continue
        for cx in range(x, x + w):
            for cy in range(y, y + h):
                if (cx, cy) in taken:
                    fail(where, f"overlaps panel '{taken[(cx, cy)]}'")
                    break
                taken[(cx, cy)] = p.get("title")
            else:
                continue
            break


def check_variables(name, dashboard):
    seen = []
    datasource_vars = [v for v in dq.variables(dashboard) if v.get("type") == "datasource"]
    if len(datasource_vars) != 1 or datasource_vars[0].get("name") != "datasource" \
            or datasource_vars[0].get("query") != "prometheus":
        fail(name, "needs exactly one variable of type datasource, named 'datasource', query 'prometheus'")
    for v in dq.variables(dashboard):
        where = f"{name} variable ${v.get('name')}"
        if v.get("name") in seen:
            fail(where, "defined twice")
        if v.get("type") == "datasource":
            seen.append(v["name"])
            continue
        if v.get("type") != "query":
            fail(where, f"type {v.get('type')}: only query variables are expected")
        if v.get("datasource") != DS:
            fail(where, f"datasource {v.get('datasource')} is not the datasource variable")
        if v.get("refresh") != 2:
            fail(where, "must refresh on time-range change (refresh: 2)")
        if dq.variable_query(v) is None or dq.variable_query(v)[0] is None:
            fail(where, f"query {v.get('query')!r} is not label_values(<metric selector>, <label>)")
        if v.get("multi") and not (v.get("includeAll") and v.get("allValue")):
            fail(where, "a multi-value variable needs includeAll and an allValue")
        if not v.get("label") or not v.get("description"):
            fail(where, "needs a label and a description")
        for ref in dq.referenced_variables(str(v.get("query"))):
            if ref not in seen:
                fail(where, f"uses ${ref}, which is not defined before it")
        seen.append(v.get("name"))


def check_links(name, dashboard, uids):
    for link in dashboard.get("links", []):
        m = DASHBOARD_URL.match(link.get("url", ""))
        if link.get("type") != "link" or not m or m.group(1) not in uids:
            fail(f"{name} dashboard link '{link.get('title')}'", f"url {link.get('url')!r} names no bundled dashboard")
    for p in dq.panels(dashboard):
        defaults = p.get("fieldConfig", {}).get("defaults", {})
        groups = [("defaults", defaults.get("links", []))]
        for o in p.get("fieldConfig", {}).get("overrides", []):
            for prop in o.get("properties", []):
                if prop.get("id") == "links":
                    groups.append((o["matcher"]["options"], prop["value"]))
        shown = None
        if p.get("type") == "table":
            organize = next((t["options"] for t in p.get("transformations", []) if t["id"] == "organize"), {})
            shown = {c for c in organize.get("indexByName", {}) if not organize.get("excludeByName", {}).get(c)}
        for column, links in groups:
            for link in links:
                where = f"{name} panel '{p.get('title')}' link '{link.get('title')}'"
                url = link.get("url", "")
                m = DASHBOARD_URL.match(url)
                if m and m.group(1) not in uids:
                    fail(where, f"opens dashboard uid {m.group(1)}, which is not bundled")
                if not m and not url.startswith("${"):
                    fail(where, f"url {url!r} is neither a dashboard nor built from the data")
                for field in FIELD_REF.findall(url):
                    if shown is not None and field not in shown:
                        fail(where, f"uses column {field}, which the table does not show")
                    if shown is None:
                        fail(where, "uses ${__data.fields...} outside a table")


def check_panels(name, dashboard, documented, recorded, var_names):
    for p in dq.panels(dashboard):
        where = f"{name} panel '{p.get('title')}'"
        if p.get("type") not in ALLOWED_PANELS:
            fail(where, f"panel type {p.get('type')} (use one of {sorted(ALLOWED_PANELS)})")
        if not p.get("title"):
            fail(where, "has no title")
        if p.get("type") == "row":
            continue
        if p.get("datasource") != DS:
            fail(where, f"datasource {p.get('datasource')} is not the datasource variable")
        if not p.get("description"):
            fail(where, "has no description")
        if not p.get("fieldConfig", {}).get("defaults", {}).get("unit"):
            fail(where, "has no unit (fieldConfig.defaults.unit)")
        if not p.get("targets"):
            fail(where, "has no query")
        for t in p.get("targets", []):
            if t.get("datasource") != DS:
                fail(where, f"query {t.get('refId')} does not use the datasource variable")
            if not t.get("expr", "").strip():
                fail(where, f"query {t.get('refId')} is empty")
    for where, expr in dq.queries(dashboard):
        where = f"{name} {where}"
        for ref in dq.referenced_variables(expr):
            if ref not in var_names and ref not in dq.BUILTINS:
                fail(where, f"uses undefined variable ${ref}")
        for r in RANGE.findall(expr):
            if r != "$__rate_interval":
                fail(where, f"range [{r}]: use [$__rate_interval] (or a recording rule)")
        for metric in METRIC.findall(expr):
            if ":" in metric:
                if metric not in recorded:
                    fail(where, f"recorded series {metric} is not in rules/recording.yml")
            elif metric != "up" and metric not in documented:
                fail(where, f"metric {metric} is not documented in docs/metrics.md")


def check_parse(dashboards):
    """Sends every query, with its variables replaced, to a real Prometheus."""
    checked = 0
    with stack.standalone_prometheus() as prom:
        for name, d in dashboards.items():
            values = {v["name"]: dq.all_value(v) for v in dq.variables(d)}
            values["datasource"] = "fme-prometheus"
            items = list(dq.queries(d))
            for v in dq.variables(d):
                parsed = dq.variable_query(v)
                if parsed and parsed[0]:
                    items.append((f"variable ${v['name']}", f"count by ({parsed[1]}) ({parsed[0]})"))
            for where, expr in items:
                try:
                    prom.query(dq.substitute(expr, values))
                    checked += 1
                except KeyError as e:
                    fail(f"{name} {where}", str(e))
                except stack.PromError as e:
                    fail(f"{name} {where}", f"Prometheus rejects the query: {e}\n    {expr}")
    return checked


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: dashboards_static_test.py <repository root>")
    root = argv[1]
    dashboards = dq.load(root)
    if len(dashboards) < 4:
        fail("dashboards/", f"expected 4 dashboards, found {sorted(dashboards)}")
    check_generated(root)
    documented = documented_metrics(root)
    recorded = recorded_series(root)
    uids = {}
    titles = set()
    for name, d in dashboards.items():
        with open(os.path.join(root, "dashboards", name), encoding="utf-8") as f:
            text = f.read()
        if "${DS_" in text or "__inputs" in d or "__requires" in d:
            fail(name, "uses ${DS_...} / __inputs import placeholders; use the datasource variable")
        uid = d.get("uid") or ""
        if not uid or len(uid) > 40:
            fail(name, f"uid {uid!r} must be 1 to 40 characters")
        if uid in uids:
            fail(name, f"uid {uid} is also used by {uids[uid]}")
        uids[uid] = name
        if d.get("title") in titles:
            fail(name, f"title {d.get('title')!r} is used twice")
        titles.add(d.get("title"))
        if not 36 <= d.get("schemaVersion", 0) <= 39:
            fail(name, f"schemaVersion {d.get('schemaVersion')} (Grafana 9-11 need 36-39)")
        if d.get("id") is not None or d.get("editable") is not False or not d.get("description"):
            fail(name, "needs id null, editable false and a description")
        if not d.get("tags"):
            fail(name, "has no tags")
    for name, d in dashboards.items():
        check_grid(name, d)
        check_variables(name, d)
        check_links(name, d, set(uids))
        check_panels(name, d, documented, recorded, {v.get("name") for v in dq.variables(d)})
    checked = check_parse(dashboards)
    panel_count = sum(1 for d in dashboards.values() for p in dq.panels(d) if p.get("type") != "row")
    if failures:
        print(f"FAIL: {len(failures)} problem(s) in {len(dashboards)} dashboards:")
        for f in failures:
            print(f"  {f}")
        return 1
    print(f"dashboards_static_test: {len(dashboards)} dashboards, {panel_count} panels, "
          f"{checked} queries parsed by Prometheus: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
