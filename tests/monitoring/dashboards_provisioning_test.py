#!/usr/bin/env python3
"""Checks of the Prometheus and Grafana provisioning files (provisioning/).

- provisioning/prometheus/prometheus.yml passes `promtool check config`, which also loads every
  rule file it names; its relative rule path finds every rules/*.yml of the repository.
- Its scrape job is the one the exporter's own alert (FlinkMesosExporterDown in rules/alerts.yml)
  selects, and it scrapes the exporter's default port.
- The Grafana datasource is a default Prometheus datasource with a fixed uid whose timeInterval
  equals Prometheus' scrape_interval (so that $__rate_interval spans enough samples).
- The dashboard provider is a file provider with an absolute path.
- scripts/demo.sh runs Prometheus with this configuration.

Usage: dashboards_provisioning_test.py <repository root>   (needs promtool and PyYAML)
"""

import glob
import os
import re
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:  # python3-yaml (scripts/install-deps.sh installs it)
    print("PyYAML not found: skipped")
    sys.exit(77)

failures = []


def fail(what):
    failures.append(what)


def load(root, *path):
    with open(os.path.join(root, *path), encoding="utf-8") as f:
        return yaml.safe_load(f)


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: dashboards_provisioning_test.py <repository root>")
    root = argv[1]
    promtool = shutil.which("promtool")
    if not promtool:
        print("promtool not found: skipped")
        return 77

    config_path = os.path.join(root, "provisioning", "prometheus", "prometheus.yml")
    out = subprocess.run([promtool, "check", "config", config_path], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        fail(f"promtool check config failed:\n{out.stdout}{out.stderr}")
    found = re.search(r"SUCCESS: (\d+) rule files found", out.stdout + out.stderr)
    rule_files = glob.glob(os.path.join(root, "rules", "*.yml"))
    if not found or int(found.group(1)) != len(rule_files) or not rule_files:
        fail(f"prometheus.yml should load the {len(rule_files)} rules/*.yml files; promtool says: "
             f"{found.group(0) if found else out.stdout.strip()}")

    prom = load(root, "provisioning", "prometheus", "prometheus.yml")
    scrape_interval = prom.get("global", {}).get("scrape_interval")
    jobs = prom.get("scrape_configs", [])
    if len(jobs) != 1:
        fail(f"prometheus.yml should have one scrape job (the exporter), has {len(jobs)}")
    else:
        job = jobs[0]
        targets = [t for sc in job.get("static_configs", []) for t in sc.get("targets", [])]
        if not any(t.endswith(":22105") for t in targets):
            fail(f"the scrape job should target the exporter's default port 22105, targets: {targets}")
        alerts = load(root, "rules", "alerts.yml")
        down = [r for g in alerts.get("groups", []) for r in g.get("rules", [])
                if r.get("alert") == "FlinkMesosExporterDown"]
        for r in down:
            m = re.search(r'job=~"([^"]*)"', r["expr"])
            if m and not re.fullmatch(m.group(1), job.get("job_name", "")):
                fail(f"FlinkMesosExporterDown selects job=~\"{m.group(1)}\", which does not match the "
                     f"scrape job name {job.get('job_name')!r}")

    ds = load(root, "provisioning", "grafana", "datasources", "prometheus.yml")
    sources = ds.get("datasources", []) if ds.get("apiVersion") == 1 else []
    if len(sources) != 1:
        fail("the Grafana datasource file should hold one datasource (apiVersion 1)")
    for s in sources:
        if s.get("type") != "prometheus" or not s.get("uid") or s.get("isDefault") is not True or not s.get("url"):
            fail(f"datasource {s.get('name')}: needs type prometheus, a fixed uid, isDefault true and a url")
        if len(s.get("uid", "")) > 40:
            fail(f"datasource uid {s.get('uid')} is longer than 40 characters")
        if s.get("jsonData", {}).get("timeInterval") != scrape_interval:
            fail(f"datasource timeInterval {s.get('jsonData', {}).get('timeInterval')} differs from Prometheus' "
                 f"scrape_interval {scrape_interval}")

    provider = load(root, "provisioning", "grafana", "dashboards", "provider.yml")
    providers = provider.get("providers", []) if provider.get("apiVersion") == 1 else []
    if len(providers) != 1:
        fail("the Grafana dashboard provider file should hold one provider (apiVersion 1)")
    for p in providers:
        path = p.get("options", {}).get("path", "")
        if p.get("type") != "file" or not path.startswith("/"):
            fail(f"provider {p.get('name')}: needs type file and an absolute options.path, has {path!r}")

    with open(os.path.join(root, "scripts", "demo.sh"), encoding="utf-8") as f:
        if "provisioning/prometheus/prometheus.yml" not in f.read():
            fail("scripts/demo.sh does not run Prometheus with provisioning/prometheus/prometheus.yml")

    if failures:
        for f in failures:
            print(f"FAIL: {f}")
        return 1
    print("dashboards_provisioning_test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
