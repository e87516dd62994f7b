"""Reads the bundled Grafana dashboards and turns their queries into plain PromQL.

Grafana replaces variables before a query reaches Prometheus; the tests do the same here:
`$__rate_interval`, `$__range` and `$__interval` by durations, and each template variable by a
value chosen by the caller (for a multi-value variable, a regular expression, as Grafana does).
Standard library only.
"""

import glob
import json
import os
import re

BUILTINS = ("__rate_interval", "__range", "__interval")
VAR_REF = re.compile(r"\$(?:\{(\w+)(?::\w+)?\}|(\w+))")
LABEL_VALUES = re.compile(r"^label_values\((?:(?P<metric>.+),\s*)?(?P<label>\w+)\)$", re.S)


def load(root):
    """{file name: dashboard} of every dashboards/*.json."""
    out = {}
    for path in sorted(glob.glob(os.path.join(root, "dashboards", "*.json"))):
        with open(path, encoding="utf-8") as f:
            out[os.path.basename(path)] = json.load(f)
    return out


def panels(dashboard):
    """Every panel, rows included, in order (rows keep their nested panels too)."""
    for p in dashboard.get("panels", []):
        yield p
        for q in p.get("panels", []):
            yield q


def variables(dashboard):
    return dashboard.get("templating", {}).get("list", [])


def queries(dashboard):
    """(where, expr) of every panel target and annotation query."""
    for p in panels(dashboard):
        for t in p.get("targets", []):
            yield (f"panel '{p.get('title')}' ({t.get('refId', '?')})", t.get("expr", ""))
    for a in dashboard.get("annotations", {}).get("list", []):
        if "expr" in a:
            yield (f"annotation '{a.get('name')}'", a["expr"])


def referenced_variables(text):
    return {a or b for a, b in VAR_REF.findall(text)}


def prom_regex_escape(value):
    """A value as Grafana writes it into `=~"..."` for a multi-value variable."""
    escaped = re.sub(r"([\\^$*+?.()|{}\[\]])", r"\\\1", value)
    return escaped.replace("\\", "\\\\").replace('"', '\\"')


def prom_string_escape(value):
    """A value as Grafana writes it for a single-value variable."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def substitute(text, values, rate_interval="1m", range_="1h", interval="1m"):
    """`text` with every variable replaced; `values` maps a variable name to its final text."""
    builtins = {"__rate_interval": rate_interval, "__range": range_, "__interval": interval}

    def repl(m):
        name = m.group(1) or m.group(2)
        if name in builtins:
            return builtins[name]
        if name not in values:
            raise KeyError(f"no value for variable ${name}")
        return values[name]
    return VAR_REF.sub(repl, text)


def all_value(var):
    """The text Grafana substitutes for a variable set to All (or to a placeholder value)."""
    if var.get("includeAll"):
        return var.get("allValue") or ".+"
    return "placeholder"


def variable_query(var):
    """(metric selector or None, label) of a `label_values(...)` query variable."""
    m = LABEL_VALUES.match(var.get("query", "").strip() if isinstance(var.get("query"), str)
                           else var.get("query", {}).get("query", "").strip())
    if not m:
        return None
    return (m.group("metric"), m.group("label"))
