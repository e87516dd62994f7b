#!/usr/bin/python3
"""Consistency checks of the bundled Prometheus rules (what promtool does not check).

Usage: check_rules.py <repository root>

- Every alert has a CamelCase name, a `severity` label (critical, warning or info) and
  non-empty `summary`, `description` and `runbook_url` annotations.
- Every runbook_url is the runbook base URL stated in docs/runbooks.md plus `#<anchor>`, the
  anchor is the lower-cased alert name, and docs/runbooks.md has a heading with that anchor.
  Every alert heading in docs/runbooks.md belongs to an alert that exists.
- Every alert has a promtool test case (rules/tests/*.yml) that expects it to fire, and one
  that expects it not to.
- Every test file that loads alerting and recording rules fixes the evaluation order of all
  their groups (promtool otherwise evaluates groups in no fixed order).
- Every metric name used in a rule expression is documented in docs/metrics.md or is recorded
  by a recording rule (or is on the short list of series Prometheus itself makes).

Exits 1 and prints every problem found; prints a summary and exits 0 otherwise.
"""

import glob
import os
import re
import sys

import yaml

SEVERITIES = {"critical", "warning", "info"}
ANNOTATIONS = ("summary", "description", "runbook_url")

# Series used by the rules that do not come from the exporter.
PROMETHEUS_SERIES = {
    "up",  # written by Prometheus for every scrape target
}
# Series the exporter is getting in a change that is not in docs/metrics.md yet. Remove a
# name from here as soon as docs/metrics.md documents it.
PENDING_METRICS: set = set()

PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
    "and", "or", "unless", "atan2", "inf", "nan", "start", "end",
}


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def github_anchor(heading):
    """The anchor GitHub gives a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def metric_names(expr):
    """Metric names an expression selects, found without a full PromQL parser."""
    # Comments, strings, label matchers, ranges, offsets and numbers hold no metric names.
    expr = re.sub(r"#[^\n]*", " ", expr)
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"'(?:[^'\\]|\\.)*'", "''", expr)
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", " ", expr)
    # Label lists of aggregations and vector matching.
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    expr = re.sub(r"\boffset\s+-?[0-9a-z]+", " ", expr)
    names = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", expr):
        word, call = m.group(1), m.group(2)
        if call or word.lower() in PROMQL_KEYWORDS:
            continue
        names.add(word)
    return names


def documented_metrics(metrics_md):
    with open(metrics_md, encoding="utf-8") as f:
        text = f.read()
    return set(re.findall(r"`((?:flink|mesos)_[a-z0-9_]+)`", text))


def runbook_headings(runbooks_md):
    anchors = {}
    with open(runbooks_md, encoding="utf-8") as f:
        in_code = False
        for line in f:
            if line.startswith("```"):
                in_code = not in_code
                continue
            m = None if in_code else re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
            if m:
                anchors[github_anchor(m.group(2))] = m.group(2)
    return anchors


def runbook_base(runbooks_md):
    with open(runbooks_md, encoding="utf-8") as f:
        m = re.search(r"`(https?://[^`\s]*/docs/runbooks\.md)`", f.read())
    return m.group(1) if m else None


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2])
        return 2
    root = sys.argv[1]
    problems = []
    rule_files = sorted(glob.glob(os.path.join(root, "rules", "*.yml")))
    test_files = sorted(glob.glob(os.path.join(root, "rules", "tests", "*.yml")))
    runbooks_md = os.path.join(root, "docs", "runbooks.md")
    metrics_md = os.path.join(root, "docs", "metrics.md")

    alerts = {}
    records = set()
    exprs = []
    group_names = {}
    for path in rule_files:
        rel = os.path.relpath(path, root)
        doc = load_yaml(path) or {}
        group_names[os.path.realpath(path)] = [g["name"] for g in doc.get("groups", [])]
        for group in doc.get("groups", []):
            for rule in group.get("rules", []):
                exprs.append((rel, rule.get("alert") or rule.get("record"), str(rule.get("expr", ""))))
                if "record" in rule:
                    records.add(rule["record"])
                    continue
                name = rule["alert"]
                if name in alerts:
                    problems.append(f"{rel}: alert {name} is defined twice")
                alerts[name] = (rel, rule)

    if not alerts:
        problems.append("no alerting rules found under rules/")

    if os.path.exists(runbooks_md):
        base = runbook_base(runbooks_md)
        if base is None:
            problems.append("docs/runbooks.md does not state the runbook base URL "
                            "(a `https://…/docs/runbooks.md` in backticks)")
        anchors = runbook_headings(runbooks_md)
    else:
        problems.append("docs/runbooks.md is missing")
        base, anchors = None, {}

    for name, (rel, rule) in sorted(alerts.items()):
        where = f"{rel}: {name}"
        if not re.fullmatch(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*", name):
            problems.append(f"{where}: alert name is not CamelCase")
        severity = (rule.get("labels") or {}).get("severity")
        if severity not in SEVERITIES:
            problems.append(f"{where}: severity label is {severity!r}, not one of {sorted(SEVERITIES)}")
        annotations = rule.get("annotations") or {}
        for key in ANNOTATIONS:
            if not str(annotations.get(key, "")).strip():
                problems.append(f"{where}: annotation {key} is missing or empty")
        url = str(annotations.get("runbook_url", ""))
        anchor = name.lower()
        if base is not None and url and url != f"{base}#{anchor}":
            problems.append(f"{where}: runbook_url is {url}, expected {base}#{anchor}")
        if anchor not in anchors:
            problems.append(f"{where}: docs/runbooks.md has no heading with anchor #{anchor}")

    # Headings that name an alert must name an existing one (no runbook for a removed alert).
    alert_like = {a: h for a, h in anchors.items()
                  if re.fullmatch(r"(Flink|Mesos)[A-Za-z0-9]+", h)}
    for anchor, heading in sorted(alert_like.items()):
        if heading not in alerts:
            problems.append(f"docs/runbooks.md: heading {heading} names no alerting rule")

    # Tests: every alert expected to fire somewhere and expected quiet somewhere.
    fires, quiet = set(), set()
    for path in test_files:
        rel = os.path.relpath(path, root)
        doc = load_yaml(path) or {}
        loaded = [os.path.realpath(os.path.join(os.path.dirname(path), f))
                  for f in doc.get("rule_files", [])]
        groups = [g for f in loaded for g in group_names.get(f, [])]
        order = doc.get("group_eval_order") or []
        if len(loaded) > 1 and sorted(order) != sorted(groups):
            missing = sorted(set(groups) - set(order))
            problems.append(f"{rel}: group_eval_order must list every group of its rule files "
                            f"(missing: {', '.join(missing) or 'none'}; extra: "
                            f"{', '.join(sorted(set(order) - set(groups))) or 'none'})")
        for case in doc.get("tests", []) or []:
            for t in case.get("alert_rule_test", []) or []:
                name = t.get("alertname")
                if name not in alerts:
                    problems.append(f"{rel}: test of unknown alert {name}")
                if t.get("exp_alerts"):
                    fires.add(name)
                else:
                    quiet.add(name)
    for name in sorted(alerts):
        if name not in fires:
            problems.append(f"{name}: no promtool test case expects it to fire")
        if name not in quiet:
            problems.append(f"{name}: no promtool test case expects it to stay quiet")

    # Metric names.
    documented = documented_metrics(metrics_md)
    known = documented | records | PROMETHEUS_SERIES | PENDING_METRICS
    for rel, rule_name, expr in exprs:
        for metric in sorted(metric_names(expr) - known):
            problems.append(f"{rel}: {rule_name} uses {metric}, which is neither documented in "
                            f"docs/metrics.md nor recorded by a recording rule")
    for metric in sorted(PENDING_METRICS & documented):
        print(f"note: {metric} is documented now; remove it from PENDING_METRICS")

    if problems:
        for p in problems:
            print(f"FAIL: {p}")
        return 1
    print(f"ok: {len(alerts)} alerts, {len(records)} recording rules, "
          f"{len(test_files)} test files, {len(anchors)} runbook headings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
