#!/usr/bin/env python3
"""deploy/marathon/prometheus-marathon-sd.yml against a real Prometheus and the real exporter.

A fake Marathon answers Prometheus' app list (GET /v2/apps/?embed=apps.tasks) with the app of
deploy/marathon/flink-mesos-exporter.json, the three apps of the sharded group, and an unrelated
app whose port has no `metrics` label, each with one task whose host port is a running
flink-mesos-exporter. Prometheus runs the shipped scrape job unchanged except for the Marathon
URL and faster intervals. Passes when Prometheus scrapes the exporter once per exporter app, at
the path of the port label, with job flink-mesos-exporter and the app in `marathon_app`, and
drops the unrelated app.

Usage: marathon_sd_test.py <repository root> --exporter BIN   (needs prometheus and PyYAML)
"""

import argparse
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "monitoring"))
import packaging_lib as pl  # noqa: E402

try:
    import yaml
except ImportError:  # python3-yaml (scripts/install-deps.sh installs it)
    print("PyYAML not found: skipped")
    sys.exit(77)

import stack  # noqa: E402  (tests/monitoring: Prometheus start-up and HTTP helpers)

DECOY = "/web/nginx"


def marathon_apps(root, exporter_port):
    with open(os.path.join(root, "deploy", "marathon", "flink-mesos-exporter.json"), encoding="utf-8") as f:
        apps = [json.load(f)]
    with open(os.path.join(root, "deploy", "marathon", "flink-mesos-exporter-sharded.json"), encoding="utf-8") as f:
        apps += json.load(f)["apps"]
    apps.append({"id": DECOY, "container": {"type": "DOCKER", "docker": {"image": "nginx"},
                                            "portMappings": [{"containerPort": 80, "hostPort": 0, "name": "http"}]},
                 "networks": [{"mode": "container/bridge"}]})
    for n, app in enumerate(apps):
        # What Marathon adds to a running app: its tasks, each with the host ports it was given.
        app["tasks"] = [{"id": f"{app['id'].strip('/').replace('/', '_')}.task{n}", "host": "127.0.0.1",
                         "ports": [exporter_port]}]
        app["tasksRunning"] = 1
    return {"apps": apps}


def serve_marathon(document):
    body = json.dumps(document).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path.startswith("/v2/apps"):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--exporter", required=True)
    args = parser.parse_args(argv[1:])
    root = os.path.abspath(args.root)
    if not shutil.which("prometheus"):
        print("prometheus not found: skipped")
        return 77
    c = pl.Checks("marathon_sd_test")

    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "exporter.yml")
        open(config, "w", encoding="utf-8").close()  # no targets: ready at once
        log_path = os.path.join(tmp, "exporter.log")
        log = open(log_path, "w", encoding="utf-8")
        exporter = subprocess.Popen([args.exporter, f"--config.file={config}", "--web.listen-address=127.0.0.1:0"],
                                    stdout=log, stderr=log)
        log.close()
        marathon = prometheus = None
        try:
            def listening():
                m = re.search(r"listening address=127\.0\.0\.1:(\d+)", open(log_path, encoding="utf-8").read())
                return int(m.group(1)) if m else None
            port = stack.wait_until("the exporter to listen", listening, timeout=30)

            marathon = serve_marathon(marathon_apps(root, port))
            with open(os.path.join(root, "deploy", "marathon", "prometheus-marathon-sd.yml"), encoding="utf-8") as f:
                prom_config = yaml.safe_load(f)
            prom_config["global"].update({"scrape_interval": "1s", "scrape_timeout": "1s"})
            job = prom_config["scrape_configs"][0]
            job["marathon_sd_configs"][0].update({"servers": [f"http://127.0.0.1:{marathon.server_port}"],
                                                  "refresh_interval": "1s"})
            prometheus, client = stack.start_prometheus(tmp, yaml.safe_dump(prom_config))

            exporter_apps = {a["id"] for a in marathon_apps(root, port)["apps"] if a["id"] != DECOY}

            def all_up():
                targets = client.api("/api/v1/targets", {"state": "active"})["activeTargets"]
                up = [t for t in targets if t.get("health") == "up"]
                return targets if len(up) >= len(exporter_apps) else None
            try:
                targets = stack.wait_until(f"{len(exporter_apps)} targets up", all_up, timeout=60)
            except stack.StackError as e:
                c.fail(f"{e}: {json.dumps(client.api('/api/v1/targets', {}), indent=1)[:3000]}")
                return c.finish()
            c.check(len(targets) == len(exporter_apps), f"{len(targets)} active targets, want {len(exporter_apps)}")
            seen = set()
            for t in targets:
                labels = t.get("labels", {})
                seen.add(labels.get("marathon_app"))
                c.check(t.get("scrapeUrl") == f"http://127.0.0.1:{port}/metrics", f"scrape URL {t.get('scrapeUrl')}")
                c.check(labels.get("job") == "flink-mesos-exporter", f"job label {labels.get('job')}")
            c.check(seen == exporter_apps, f"marathon_app labels {sorted(seen)}, want {sorted(exporter_apps)}")
            dropped = client.api("/api/v1/targets", {"state": "dropped"})["droppedTargets"]
            c.check(any(d.get("discoveredLabels", {}).get("__meta_marathon_app") == DECOY for d in dropped),
                    f"the app without a metrics port label ({DECOY}) was not dropped")
        finally:
            stack.stop_process(prometheus)
            stack.stop_process(exporter)
            if marathon:
                marathon.shutdown()
    return c.finish()


if __name__ == "__main__":
    pl.main_guard(main)
