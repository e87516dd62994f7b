#!/usr/bin/env python3
"""Every panel of every bundled dashboard returns data from a real Prometheus.

Runs the simulator's `incidents` scenario (a tour of every incident in ten simulated minutes) at
speed 8, the exporter on all three Flink clusters (two linked to their Mesos frameworks) and a
real Prometheus that scrapes the exporter every second and evaluates the shipped rules/*.yml.
A few seconds in, one Flink cluster's checkpoint statistics fail for a while (a fault injected
through the simulator's admin API), so that the exporter counts failed calls inside polls.

Then, every few seconds, each query of each panel (and each annotation) is run as a range query
over the whole run, with its variables replaced the way Grafana would: first every variable set
to All (the first value for a single-value variable), then each value the variable's own query
finds in Prometheus. A query passes once one of these returns a non-empty result in which, for a panel with data links,
some series has every label the links are built from (the Flink web UI's REST URL and job id,
the Mesos master, agent, framework and task ids of a TaskManager, ...). Every variable
query must find at least one value. The test fails if some query is still empty when the tour
has ended and a grace period has passed.

Usage: dashboards_live_test.py <exporter binary> <simulator binary> <repository root>
"""

import json
import os
import re
import sys
import time

import dashboard_queries as dq
import stack

SPEED = 8
TOUR_END = 600         # simulated seconds: the last incident of incidents.yml ends at 9:50
GRACE = 45             # wall seconds after the tour for the last samples and rules
RATE_INTERVAL = "10s"  # what Grafana would use with a 1 s scrape interval, rounded up
CHECK_EVERY = 4
# The exporter's per-call failures (flink_mesos_exporter_endpoint_errors_total) only exist once a
# call failed: fail the checkpoint statistics of one cluster's jobs for a while.
FAULT = {"target": "flink:Flink", "path": "/checkpoints$", "type": "status", "status": 500, "count": 24}


LINK_FIELD = re.compile(r"\$\{__(?:data\.fields|field\.labels)\.(\w+)")


class Query:
    def __init__(self, dashboard, where, expr, labels=()):
        self.dashboard = dashboard
        self.where = where
        self.expr = expr
        self.labels = set(labels)  # labels the panel's links are built from: must be non-empty
        self.vars = sorted(dq.referenced_variables(expr) - set(dq.BUILTINS))
        self.passed_with = None
        self.last_error = None


def variable_candidates(prom, dashboard, start, end, problems):
    """{variable: [text to substitute, ...]}: All first, then each value found."""
    out = {"datasource": ["fme-prometheus"]}
    for v in dq.variables(dashboard):
        if v["type"] != "query":
            continue
        metric, label = dq.variable_query(v)
        chosen = {k: c[0] for k, c in out.items()}
        expr = dq.substitute(f"group by ({label}) ({metric})", chosen)
        try:
            found = sorted({r["metric"].get(label, "") for r in prom.query_range(expr, start, end, "5s")} - {""})
        except stack.PromError as e:
            problems[v["name"]] = f"query failed: {e}"
            found = []
        if not found:
            problems.setdefault(v["name"], f"label_values query finds no value: {expr}")
        else:
            problems.pop(v["name"], None)
        if v.get("multi"):
            out[v["name"]] = [dq.all_value(v)] + [dq.prom_regex_escape(x) for x in found]
        else:
            out[v["name"]] = [dq.prom_string_escape(x) for x in found] or ["none-found"]
    return out


def assignments(query, candidates):
    """The All/first assignment, then one variable at a time set to each of its values."""
    base = {name: c[0] for name, c in candidates.items()}
    yield base
    for name in query.vars:
        for value in candidates.get(name, [])[1:]:
            yield dict(base, **{name: value})


def check(prom, queries, candidates, start, end):
    range_ = f"{int(end - start) + 10}s"
    for q in queries:
        if q.passed_with is not None:
            continue
        for values in assignments(q, candidates[q.dashboard]):
            expr = dq.substitute(q.expr, values, rate_interval=RATE_INTERVAL, range_=range_)
            try:
                result = prom.query_range(expr, start, end, "2s")
                if any(all(r["metric"].get(label) for label in q.labels) for r in result):
                    q.passed_with = {k: values[k] for k in q.vars}
                    break
            except stack.PromError as e:
                q.last_error = str(e)


def main(argv):
    exporter, simulator, root = stack.repo_root_from_argv(argv)
    dashboards = dq.load(root)
    queries = []
    for name, d in dashboards.items():
        for p in dq.panels(d):
            links = json.dumps(p.get("fieldConfig", {}))
            for t in p.get("targets", []):
                queries.append(Query(name, f"panel '{p['title']}' ({t['refId']})", t["expr"],
                                     LINK_FIELD.findall(links)))
        for a in d.get("annotations", {}).get("list", []):
            if "expr" in a:
                queries.append(Query(name, f"annotation '{a['name']}'", a["expr"]))
    scenario = os.path.join(root, "config", "scenarios", "incidents.yml")
    began = time.monotonic()
    with stack.Stack(exporter, simulator, root, scenario) as s:
        start = time.time() - 2
        s.start_clock(SPEED)
        time.sleep(3)
        s.admin("/faults", method="POST", body=json.dumps(FAULT))
        deadline = time.monotonic() + TOUR_END / SPEED + GRACE
        problems = {}
        while True:
            time.sleep(CHECK_EVERY)
            end = time.time()
            candidates = {name: variable_candidates(s.prom, d, start, end, problems.setdefault(name, {}))
                          for name, d in dashboards.items()}
            check(s.prom, queries, candidates, start, end)
            missing = [q for q in queries if q.passed_with is None]
            var_problems = {n: p for n, p in problems.items() if p}
            if not missing and not var_problems:
                break
            if time.monotonic() > deadline:
                break
        sim_reached = s.sim_offset()
    wall = time.monotonic() - began
    print(f"dashboards_live_test: {len(queries)} queries of {len(dashboards)} dashboards, "
          f"{wall:.0f}s wall, simulated time reached {sim_reached:.0f}s")
    for q in queries:
        if q.passed_with is not None:
            shown = ", ".join(f"{k}={v}" for k, v in q.passed_with.items() if k not in ("datasource",))
            needs = f" with {', '.join(sorted(q.labels))}" if q.labels else ""
            print(f"  ok    {q.dashboard} {q.where}{needs}" + (f" [{shown}]" if shown else ""))
    if missing or var_problems:
        for q in missing:
            print(f"  EMPTY {q.dashboard} {q.where}: {q.expr}" + (f" (last error: {q.last_error})" if q.last_error else ""))
        for name, p in var_problems.items():
            for var, what in p.items():
                print(f"  VARIABLE {name} ${var}: {what}")
        print(f"FAIL: {len(missing)} queries never returned data, {sum(len(p) for p in var_problems.values())} "
              "variables found no value")
        return 1
    print("dashboards_live_test: every panel query returned data")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
