"""A monitoring stack on loopback for the dashboard and alert tests.

Starts flink-mesos-sim on free ports with its clock frozen, flink-mesos-exporter on a
configuration built from the simulator's ports file (every Flink cluster of the scenario; those
on Mesos linked to their framework, as config/demo.yml does), and a real Prometheus that scrapes
the exporter and evaluates the shipped rules/*.yml unchanged. Once Prometheus has scraped the
exporter, `start_clock()` lets simulated time run at a chosen speed, so every incident of the
scenario happens while Prometheus watches, however long the start-up took.

Every process is stopped when the `with` block ends, also on failure; each one also receives
SIGTERM if the test process dies first. Standard library only.
"""

import contextlib
import ctypes
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SCRAPE_JOB = "flink-mesos-exporter"  # the job name of provisioning/prometheus/prometheus.yml


class StackError(RuntimeError):
    pass


def _die_with_parent():
    """Runs in the child before exec: SIGTERM it when the test process exits."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET", body=None, timeout=10):
    """Returns (status, body bytes); never raises for an HTTP error status."""
    data = body.encode() if isinstance(body, str) else body
    if method == "POST" and data is None:
        data = b""
    req = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_until(what, predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except (OSError, StackError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise StackError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def yaml_quote(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML scalar


class PromError(RuntimeError):
    def __init__(self, status, error_type, error):
        super().__init__(f"HTTP {status} {error_type}: {error}")
        self.status = status
        self.error_type = error_type
        self.error = error


class Prometheus:
    """A client of one Prometheus HTTP API."""

    def __init__(self, base):
        self.base = base

    def api(self, path, params):
        url = f"{self.base}{path}?{urllib.parse.urlencode(params)}"
        status, body = http(url, timeout=30)
        try:
            doc = json.loads(body)
        except ValueError:
            raise PromError(status, "not_json", body[:200]) from None
        if doc.get("status") != "success":
            raise PromError(status, doc.get("errorType"), doc.get("error"))
        return doc["data"]

    def query(self, expr, at=None):
        params = {"query": expr}
        if at is not None:
            params["time"] = f"{at:.3f}"
        return self.api("/api/v1/query", params)["result"]

    def query_range(self, expr, start, end, step):
        return self.api("/api/v1/query_range", {
            "query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": step})["result"]

    def alerts(self):
        return self.api("/api/v1/alerts", {})["alerts"]

    def rule_groups(self):
        return self.api("/api/v1/rules", {})["groups"]


def start_prometheus(workdir, config_text, name="prometheus", backfill=None):
    """Starts Prometheus on a free loopback port with `config_text`; returns (process, client).

    `backfill` is OpenMetrics text written into the TSDB before start-up (promtool tsdb
    create-blocks-from openmetrics), for rules that look back further than a test can wait.
    """
    prometheus = shutil.which("prometheus")
    if not prometheus:
        raise StackError("prometheus not found on PATH")
    config = os.path.join(workdir, f"{name}.yml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(config_text)
    data = os.path.join(workdir, f"{name}-data")
    os.makedirs(data, exist_ok=True)
    if backfill:
        om = os.path.join(workdir, f"{name}-backfill.om")
        with open(om, "w", encoding="utf-8") as f:
            f.write(backfill)
        out = subprocess.run([shutil.which("promtool") or "promtool", "tsdb", "create-blocks-from",
                              "openmetrics", om, data], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise StackError(f"promtool backfill failed: {out.stdout}{out.stderr}")
    log_path = os.path.join(workdir, f"{name}.log")
    for _ in range(5):  # a free port can be taken by someone else before Prometheus binds it
        port = free_port()
        log = open(log_path, "a", encoding="utf-8")
        proc = subprocess.Popen(
            [prometheus, f"--config.file={config}", f"--storage.tsdb.path={data}",
             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
            stdout=log, stderr=log, preexec_fn=_die_with_parent)
        log.close()
        client = Prometheus(f"http://127.0.0.1:{port}")
        try:
            wait_until("Prometheus to be ready",
                       lambda: proc.poll() is not None or http(client.base + "/-/ready", timeout=2)[0] == 200,
                       timeout=60)
        except StackError:
            stop_process(proc)
            raise
        if proc.poll() is None:
            return proc, client
        with open(log_path, encoding="utf-8") as f:
            text = f.read()
        if "address already in use" not in text:
            raise StackError(f"Prometheus exited with {proc.returncode}:\n{text[-3000:]}")
    raise StackError("Prometheus found no free port")


def stop_process(proc, timeout=10):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Stack:
    """Simulator + exporter + Prometheus. Use as a context manager.

    scenario:        scenario file.
    rule_files:      rule files Prometheus loads (default: every rules/*.yml of the repository).
    lag:             seconds simulated time is behind Prometheus' clock when the clock starts.
    flink_extra:     {cluster name: {key: value}} added to that Flink cluster's configuration.
    backfill:        function(stack) returning OpenMetrics text to backfill, or None.
    interval:        exporter poll, Prometheus scrape and rule evaluation interval (seconds).
    """

    def __init__(self, exporter, simulator, root, scenario, rule_files=None, lag=0.0,
                 flink_extra=None, backfill=None, interval=1):
        self.exporter_bin = exporter
        self.simulator_bin = simulator
        self.root = root
        self.scenario = scenario
        self.rule_files = rule_files if rule_files is not None else sorted(
            glob.glob(os.path.join(root, "rules", "*.yml")))
        self.lag = lag
        self.flink_extra = flink_extra or {}
        self.backfill = backfill
        self.interval = interval
        self.tmp = None
        self.procs = {}
        self.prom = None
        self.ports = None
        self.exporter_address = None
        self.clock_thread = None
        self.clock_stop = threading.Event()
        self.speed = 0
        self.clock_started_at = None
        self.sim_offset_at_clock_start = 0.0

    # --- life cycle ---------------------------------------------------------------------------

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            # A SIGTERM (from a test runner, say) unwinds, so that the `with` block cleans up.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
        self.tmp = tempfile.mkdtemp(prefix="fme-monitoring-")
        try:
            self._start_simulator()
            self._start_exporter()
            self._start_prometheus()
        except BaseException:
            self.dump_logs()
            self.close()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and not issubclass(exc_type, KeyboardInterrupt):
            self.dump_logs()
        self.close()
        return False

    def close(self):
        self.clock_stop.set()
        if self.clock_thread is not None:
            self.clock_thread.join(timeout=5)
        for name in ("prometheus", "exporter", "simulator"):
            stop_process(self.procs.pop(name, None))
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def dump_logs(self, lines=60):
        if not self.tmp:
            return
        for name in ("simulator", "exporter", "prometheus"):
            path = os.path.join(self.tmp, f"{name}.log")
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    tail = f.readlines()[-lines:]
                sys.stdout.write(f"--- {name} log (last {len(tail)} lines)\n{''.join(tail)}")
        sys.stdout.flush()

    def _spawn(self, name, argv):
        log = open(os.path.join(self.tmp, f"{name}.log"), "w", encoding="utf-8")
        self.procs[name] = subprocess.Popen(argv, stdout=log, stderr=log, preexec_fn=_die_with_parent)
        log.close()
        return self.procs[name]

    def _log(self, name):
        with open(os.path.join(self.tmp, f"{name}.log"), encoding="utf-8", errors="replace") as f:
            return f.read()

    def _start_simulator(self):
        ports_file = os.path.join(self.tmp, "ports.json")
        start_ms = int((time.time() - self.lag) * 1000)
        sim = self._spawn("simulator", [
            self.simulator_bin, "--scenario", self.scenario, "--mesos-port", "0",
            "--flink-base-port", "0", "--ports-file", ports_file, "--speed", "0",
            "--start", str(start_ms)])

        def ports_ready():
            if sim.poll() is not None:
                raise StackError(f"the simulator exited with {sim.returncode}")
            with open(ports_file, encoding="utf-8") as f:
                return json.load(f)
        self.ports = wait_until("the simulator's ports file", ports_ready, timeout=30)
        self.admin_url = self.ports["mesos"]["admin_url"]

    def _exporter_config(self):
        lines = ["global:", f"  poll_interval: {self.interval}s",
                 f"  poll_timeout: {int(self.interval * 900)}ms", "mesos_clusters:",
                 "  - name: sim", "    masters:"]
        lines += [f"      - {m}" for m in self.ports["mesos"]["masters"]]
        lines.append("flink_clusters:")
        for c in self.ports["flink"]:
            lines += [f"  - name: {yaml_quote(c['name'])}", f"    rest_url: {c['rest_url']}"]
            if c.get("on_mesos"):
                lines += ["    mesos_cluster: sim", f"    mesos_framework: {yaml_quote(c['name'])}"]
            for key, value in self.flink_extra.get(c["name"], {}).items():
                lines.append(f"    {key}: {json.dumps(value)}")
        return "\n".join(lines) + "\n"

    def _start_exporter(self):
        config = os.path.join(self.tmp, "exporter.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(self._exporter_config())
        exp = self._spawn("exporter", [self.exporter_bin, f"--config.file={config}",
                                       "--web.listen-address=127.0.0.1:0"])

        def listening():
            if exp.poll() is not None:
                raise StackError(f"the exporter exited with {exp.returncode}")
            m = re.search(r"msg=listening address=(127\.0\.0\.1:\d+)", self._log("exporter"))
            return m and m.group(1)
        self.exporter_address = wait_until("the exporter to listen", listening, timeout=30)
        base = f"http://{self.exporter_address}"
        wait_until("the exporter to be ready", lambda: http(base + "/-/ready", timeout=2)[0] == 200,
                   timeout=60)
        wait_until("the Mesos event stream to be subscribed", lambda: re.search(
            r'^mesos_event_stream_connected\{[^}]*\} 1$',
            http(base + "/metrics", timeout=5)[1].decode(), re.M), timeout=60)

    def prometheus_config(self):
        return json.dumps({
            "global": {"scrape_interval": f"{self.interval}s", "scrape_timeout": f"{self.interval}s",
                       "evaluation_interval": f"{self.interval}s"},
            "rule_files": self.rule_files,
            "scrape_configs": [{"job_name": SCRAPE_JOB,
                                "static_configs": [{"targets": [self.exporter_address]}]}],
        }, indent=2) + "\n"

    def _start_prometheus(self):
        backfill = self.backfill(self) if self.backfill else None
        proc, self.prom = start_prometheus(self.tmp, self.prometheus_config(), backfill=backfill)
        self.procs["prometheus"] = proc
        wait_until("Prometheus to scrape the exporter", lambda: any(
            r["value"][1] == "1" for r in self.prom.query(f'up{{job="{SCRAPE_JOB}"}}')), timeout=60)
        if self.rule_files:
            wait_until("Prometheus to load the rules", lambda: len(self.prom.rule_groups()) > 0, timeout=30)

    # --- simulated time -----------------------------------------------------------------------

    def admin(self, path, method="GET", body=None):
        status, data = http(self.admin_url + path, method=method, body=body)
        if status != 200:
            raise StackError(f"simulator admin {method} {path}: HTTP {status} {data[:200]!r}")
        return json.loads(data)

    def sim_offset(self):
        """Simulated seconds since the scenario's start."""
        w = self.admin("/world")
        return (w["now"] - w["start"]) / 1000.0

    def start_clock(self, speed):
        """Lets simulated time run at `speed` simulated seconds per wall-clock second.

        First moves simulated time forward by the time the start-up took, so that it is again
        `lag` seconds behind the wall clock (no incident of a scenario starts that early).
        """
        world = self.admin("/world")
        behind = time.time() * 1000 - world["now"]
        catch_up = max(0.0, behind - self.lag * 1000)
        if catch_up:
            self.admin(f"/advance?ms={catch_up:.0f}", method="POST")
        self.speed = speed
        self.clock_started_at = time.monotonic()
        self.sim_offset_at_clock_start = (world["now"] + catch_up - world["start"]) / 1000.0
        self.clock_stop.clear()
        self.clock_thread = threading.Thread(target=self._run_clock, daemon=True)
        self.clock_thread.start()

    def _run_clock(self):
        applied = 0.0
        while not self.clock_stop.wait(0.2):
            due = (time.monotonic() - self.clock_started_at) * self.speed * 1000
            step = int(due - applied)
            if step <= 0:
                continue
            try:
                self.admin(f"/advance?ms={step}", method="POST")
                applied += step
            except (OSError, StackError):
                pass  # the simulator is stopping

    def sim_offset_estimate(self):
        """Simulated seconds since the scenario's start, from the clock (no request)."""
        if self.clock_started_at is None:
            return self.sim_offset_at_clock_start
        return self.sim_offset_at_clock_start + (time.monotonic() - self.clock_started_at) * self.speed

    def wait_sim(self, offset, timeout=None):
        """Waits until simulated time reaches `offset` seconds after the scenario's start."""
        limit = timeout if timeout is not None else 60 + (offset / max(self.speed, 1e-9))
        wait_until(f"simulated time {offset:.0f}s", lambda: self.sim_offset() >= offset,
                   timeout=limit, interval=0.5)


def repo_root_from_argv(argv):
    """Common command line of the tests: <exporter> <simulator> <repository root>."""
    if len(argv) != 4:
        sys.exit(f"usage: {os.path.basename(argv[0])} <exporter binary> <simulator binary> <repository root>")
    return argv[1], argv[2], argv[3]


@contextlib.contextmanager
def standalone_prometheus(rule_files=()):
    """A Prometheus with no targets (for checks that only need its query parser)."""
    tmp = tempfile.mkdtemp(prefix="fme-prometheus-")
    proc = None
    try:
        config = json.dumps({"global": {"scrape_interval": "15s", "evaluation_interval": "15s"},
                             "rule_files": list(rule_files)}) + "\n"
        proc, client = start_prometheus(tmp, config)
        yield client
    finally:
        stop_process(proc)
        shutil.rmtree(tmp, ignore_errors=True)
