#!/usr/bin/env python3
"""Static checks of the deployment files in deploy/ and of every shipped Prometheus configuration.

Marathon (deploy/marathon/)
- The app: Docker container with container/bridge networking and one port mapping, named and
  labelled for Prometheus' marathon_sd (label value = the metrics path), container port = the
  listen address of its args, dynamic host port; a MESOS_HTTP health check on /-/healthy and a
  readiness check on /-/ready using that port; resources; the configuration fetched into the
  sandbox and named by --config.file; env secrets that are declared.
- prometheus-marathon-sd.yml keeps the targets by that port label, and its job name is one the
  FlinkMesosExporterDown alert selects.
- The sharded group: every app is the single app with its own id under the group, SHARD_INDEX
  0..n-1, SHARD_COUNT n and the matching --shard.index/--shard.count flags.

Kubernetes (deploy/kubernetes/)
- Deployment: a container port named metrics on the listen address' port, liveness probe on
  /-/healthy and readiness probe on /-/ready, resources, non-root and read-only root file
  system, no privilege escalation, all capabilities dropped, prometheus.io annotations that
  match the port and path; the configuration file is where --config.file says; the secret
  files and variables it uses come from the Secret.
- Service and ServiceMonitor (monitoring.coreos.com/v1) select the Deployment's pods and port.
- kustomization.yaml lists files that exist; `kubectl kustomize` builds it (when kubectl is
  installed).
- The ConfigMap's configuration passes `flink-mesos-exporter --config.check` with the Secret's
  files and variables in place.
- sharded/: a StatefulSet whose pods are the Deployment's pods plus --shard.index from the pod's
  ordinal (the apps.kubernetes.io/pod-index label) and --shard.count equal to its replicas, with
  a selector of its own that the Service's selector matches; `kubectl kustomize` builds it.

systemd (deploy/systemd/)
- The unit has the hardening options, an EnvironmentFile, a reload by SIGHUP, the user the
  package's postinst creates, and the paths the install rules use; `systemd-analyze verify`
  accepts it (run on a copy that starts the built binary, when systemd-analyze is installed).

Prometheus
- `promtool check config` accepts every Prometheus configuration under deploy/ and docker/
  (files with scrape_configs). Where promtool was built without Kubernetes discovery (Debian's
  is), a Kubernetes job is checked with static_configs in place of kubernetes_sd_configs, so
  its relabelling is still checked.

Usage: deploy_test.py <repository root> --exporter BIN
"""

import argparse
import copy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import packaging_lib as pl  # noqa: E402

try:
    import yaml
except ImportError:  # python3-yaml (scripts/install-deps.sh installs it)
    print("PyYAML not found: skipped")
    sys.exit(77)

PORT = 22105
CONFIG = "/etc/flink-mesos-exporter/flink-mesos-exporter.yml"


def arg_value(args, name):
    for a in args or []:
        if a.startswith(f"--{name}="):
            return a.split("=", 1)[1]
    return None


def listen_port(args):
    address = arg_value(args, "web.listen-address") or f":{PORT}"
    return int(address.rsplit(":", 1)[1])


def exporter_down_job_regex(root):
    with open(os.path.join(root, "rules", "alerts.yml"), encoding="utf-8") as f:
        alerts = yaml.safe_load(f)
    for group in alerts.get("groups", []):
        for rule in group.get("rules", []):
            if rule.get("alert") == "FlinkMesosExporterDown":
                m = re.search(r'job=~"([^"]*)"', rule["expr"])
                if m:
                    return m.group(1)
    return None


def config_check(exporter, config_path, env, c, what):
    if not exporter:
        return
    out = subprocess.run([exporter, f"--config.file={config_path}", "--config.check"],
                         capture_output=True, text=True, check=False, env=env)
    c.check(out.returncode == 0, f"{what}: --config.check failed:\n{out.stdout}{out.stderr}")


# --- Marathon ----------------------------------------------------------------------------------

def check_marathon_app(app, where, c):
    c.check(app.get("instances", 0) >= 1, f"{where}: instances < 1")
    c.check(app.get("cpus", 0) > 0 and app.get("mem", 0) > 0, f"{where}: no cpus/mem resources")
    container = app.get("container", {})
    c.check(container.get("type") == "DOCKER" and container.get("docker", {}).get("image"),
            f"{where}: not a Docker container with an image")
    c.check(app.get("networks") == [{"mode": "container/bridge"}], f"{where}: networks is not container/bridge")
    mappings = container.get("portMappings", [])
    if not c.check(len(mappings) == 1, f"{where}: want one port mapping, have {len(mappings)}"):
        return
    port = mappings[0]
    args = app.get("args", [])
    c.check(port.get("containerPort") == listen_port(args),
            f"{where}: containerPort {port.get('containerPort')} != the listen port {listen_port(args)}")
    c.check(port.get("hostPort") == 0, f"{where}: hostPort is not 0 (dynamic)")
    c.check(port.get("name"), f"{where}: the port mapping has no name")
    telemetry = arg_value(args, "web.telemetry-path") or "/metrics"
    c.check(port.get("labels", {}).get("metrics") == telemetry,
            f"{where}: the port mapping's label metrics={port.get('labels', {}).get('metrics')!r}, want {telemetry!r}")

    health = [h for h in app.get("healthChecks", []) if h.get("protocol") == "MESOS_HTTP"]
    c.check(len(health) == 1 and health[0].get("path") == "/-/healthy" and health[0].get("portIndex") == 0,
            f"{where}: no MESOS_HTTP health check on /-/healthy, portIndex 0")
    ready = app.get("readinessChecks", [])
    c.check(len(ready) == 1 and ready[0].get("path") == "/-/ready" and ready[0].get("portName") == port.get("name"),
            f"{where}: no readiness check on /-/ready using the port {port.get('name')!r}")

    config = arg_value(args, "config.file") or ""
    fetched = [os.path.basename(f.get("uri", "")) for f in app.get("fetch", [])]
    c.check(config.startswith("/mnt/mesos/sandbox/") and os.path.basename(config) in fetched,
            f"{where}: --config.file={config} is not a file fetched into the sandbox ({fetched})")
    secrets = app.get("secrets", {})
    for name, value in app.get("env", {}).items():
        if isinstance(value, dict):
            c.check(value.get("secret") in secrets, f"{where}: env {name} names an undeclared secret")


def check_marathon(root, c):
    directory = os.path.join(root, "deploy", "marathon")
    with open(os.path.join(directory, "flink-mesos-exporter.json"), encoding="utf-8") as f:
        app = json.load(f)
    check_marathon_app(app, "flink-mesos-exporter.json", c)

    with open(os.path.join(directory, "flink-mesos-exporter-sharded.json"), encoding="utf-8") as f:
        group = json.load(f)
    apps = group.get("apps", [])
    c.check(len(apps) >= 2, "flink-mesos-exporter-sharded.json: fewer than two shards")
    c.check(group.get("id") != app.get("id"), "the sharded group has the single app's id (Marathon forbids both)")
    indexes = []
    for i, shard in enumerate(apps):
        where = f"flink-mesos-exporter-sharded.json apps[{i}]"
        check_marathon_app(shard, where, c)
        c.check(shard.get("id", "").startswith(group.get("id", "?") + "/"), f"{where}: id is not under the group")
        env = shard.get("env", {})
        index, count = env.get("SHARD_INDEX"), env.get("SHARD_COUNT")
        indexes.append(index)
        c.check(count == str(len(apps)), f"{where}: SHARD_COUNT={count}, want {len(apps)}")
        c.check(arg_value(shard.get("args"), "shard.index") == index and
                arg_value(shard.get("args"), "shard.count") == count,
                f"{where}: --shard.index/--shard.count do not match SHARD_INDEX/SHARD_COUNT")
        # Apart from its identity, a shard is the single app.
        same = copy.deepcopy(shard)
        base = copy.deepcopy(app)
        for d in (same, base):
            d.pop("id", None)
            d["args"] = [a for a in d.get("args", []) if not a.startswith("--shard.")]
            d["env"] = {k: v for k, v in d.get("env", {}).items() if not k.startswith("SHARD_")}
            d["labels"] = {k: v for k, v in d.get("labels", {}).items() if k != "shard"}
        c.check(same == base, f"{where}: differs from flink-mesos-exporter.json in more than its shard identity")
    c.check(indexes == [str(i) for i in range(len(apps))], f"sharded: SHARD_INDEX values {indexes}")

    with open(os.path.join(directory, "prometheus-marathon-sd.yml"), encoding="utf-8") as f:
        prom = yaml.safe_load(f)
    jobs = [j for j in prom.get("scrape_configs", []) if "marathon_sd_configs" in j]
    if c.check(jobs, "prometheus-marathon-sd.yml: no marathon_sd_configs job"):
        job = jobs[0]
        labels = app["container"]["portMappings"][0].get("labels", {})
        keep = [r for r in job.get("relabel_configs", []) if r.get("action") == "keep"]
        c.check(any(f"__meta_marathon_port_mapping_label_{k}" in r.get("source_labels", [])
                    for r in keep for k in labels),
                "prometheus-marathon-sd.yml: no keep rule on the app's port mapping label")
        regex = exporter_down_job_regex(root)
        c.check(regex and re.fullmatch(regex, job.get("job_name", "")),
                f"prometheus-marathon-sd.yml: job {job.get('job_name')!r} is not selected by FlinkMesosExporterDown")


# --- Kubernetes --------------------------------------------------------------------------------

def check_kubernetes(root, exporter, c):
    directory = os.path.join(root, "deploy", "kubernetes")
    objects = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.yaml"))):
        for doc in pl.load_yaml_documents(path):
            objects.setdefault(doc.get("kind"), []).append((os.path.basename(path), doc))
    for kind in ("Deployment", "Service", "ConfigMap", "Secret", "ServiceMonitor", "Kustomization"):
        c.check(len(objects.get(kind, [])) == 1, f"deploy/kubernetes: want one {kind}, have {len(objects.get(kind, []))}")
    if c.failures:
        return
    deployment = objects["Deployment"][0][1]
    service = objects["Service"][0][1]
    configmap = objects["ConfigMap"][0][1]
    secret = objects["Secret"][0][1]
    monitor = objects["ServiceMonitor"][0][1]
    kustomization = objects["Kustomization"][0][1]

    spec = deployment["spec"]
    template = spec["template"]
    pod_labels = template["metadata"].get("labels", {})
    selector = spec.get("selector", {}).get("matchLabels", {})
    c.check(selector and all(pod_labels.get(k) == v for k, v in selector.items()),
            "Deployment: the selector does not match the pod labels")
    pod = template["spec"]
    containers = pod.get("containers", [])
    if not c.check(len(containers) == 1, "Deployment: want one container"):
        return
    container = containers[0]
    args = container.get("args", [])
    ports = container.get("ports", [])
    c.check(len(ports) == 1 and ports[0].get("name") == "metrics" and ports[0].get("containerPort") == listen_port(args),
            f"Deployment: want one container port named metrics on {listen_port(args)}")
    for probe, path in (("livenessProbe", "/-/healthy"), ("readinessProbe", "/-/ready")):
        get = container.get(probe, {}).get("httpGet", {})
        c.check(get.get("path") == path and get.get("port") in ("metrics", listen_port(args)),
                f"Deployment: {probe} is not an HTTP GET of {path} on the metrics port")
    resources = container.get("resources", {})
    c.check(resources.get("requests", {}).get("cpu") and resources.get("requests", {}).get("memory")
            and resources.get("limits", {}).get("memory"),
            "Deployment: resources want cpu and memory requests and a memory limit")
    psc = pod.get("securityContext", {})
    csc = container.get("securityContext", {})
    c.check(psc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True, "Deployment: runAsNonRoot is not set")
    c.check((csc.get("runAsUser") or psc.get("runAsUser")) == 65534, "Deployment: does not run as 65534")
    c.check(csc.get("readOnlyRootFilesystem") is True, "Deployment: the root file system is not read-only")
    c.check(csc.get("allowPrivilegeEscalation") is False, "Deployment: allowPrivilegeEscalation is not false")
    c.check(csc.get("capabilities", {}).get("drop") == ["ALL"], "Deployment: capabilities are not all dropped")
    annotations = template["metadata"].get("annotations", {})
    telemetry = arg_value(args, "web.telemetry-path") or "/metrics"
    c.check(annotations.get("prometheus.io/scrape") == "true"
            and annotations.get("prometheus.io/port") == str(listen_port(args))
            and annotations.get("prometheus.io/path") == telemetry,
            f"Deployment: prometheus.io annotations {annotations} do not match port and path")

    # The configuration: a projected volume of the ConfigMap and the Secret at --config.file's directory.
    config = arg_value(args, "config.file") or ""
    config_dir, config_name = os.path.split(config)
    mount = [m for m in container.get("volumeMounts", []) if m.get("mountPath") == config_dir]
    volume = None
    if c.check(len(mount) == 1, f"Deployment: nothing is mounted at {config_dir} (--config.file={config})"):
        volume = next((v for v in pod.get("volumes", []) if v.get("name") == mount[0].get("name")), None)
    files = {}  # file name in the volume -> (kind, key)
    for source in (volume or {}).get("projected", {}).get("sources", []):
        for kind in ("configMap", "secret"):
            if kind in source:
                ref = source[kind]
                c.check(ref.get("name") == (configmap if kind == "configMap" else secret)["metadata"]["name"],
                        f"Deployment: the projected {kind} is not the shipped one")
                for item in ref.get("items", []):
                    files[item["path"]] = (kind, item["key"])
    c.check(files.get(config_name, (None, None))[0] == "configMap",
            f"Deployment: {config_name} does not come from the ConfigMap")
    config_text = configmap.get("data", {}).get(files.get(config_name, (None, config_name))[1])
    secret_data = dict(secret.get("stringData", {}))
    c.check(config_text, "ConfigMap: no configuration under the key the Deployment uses")

    env = dict(os.environ)
    for var in container.get("env", []):
        ref = var.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            c.check(ref.get("name") == secret["metadata"]["name"] and ref.get("key") in secret_data,
                    f"Deployment: env {var['name']} refers to a key the Secret does not have")
            env[var["name"]] = secret_data.get(ref.get("key"), "")
        elif "value" in var:
            env[var["name"]] = var["value"]
    if config_text:
        parsed = yaml.safe_load(config_text)
        used_files = [v for v in walk_values(parsed, ("bearer_token_file", "password_file"))]
        for name in used_files:
            c.check(not os.path.isabs(name) and files.get(name, (None,))[0] == "secret",
                    f"ConfigMap configuration: secret file {name} is not a Secret item of the projected volume")
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, config_name), "w", encoding="utf-8") as f:
                f.write(config_text)
            for name, (kind, key) in files.items():
                if kind == "secret":
                    c.check(key in secret_data, f"Deployment: Secret key {key} does not exist")
                    with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                        f.write(secret_data.get(key, ""))
            config_check(exporter, os.path.join(tmp, config_name), env, c, "deploy/kubernetes/configmap.yaml")

    # Service and ServiceMonitor.
    svc_selector = service["spec"].get("selector", {})
    c.check(svc_selector and all(pod_labels.get(k) == v for k, v in svc_selector.items()),
            "Service: the selector does not match the pods")
    svc_ports = service["spec"].get("ports", [])
    c.check(len(svc_ports) == 1 and svc_ports[0].get("targetPort") in ("metrics", listen_port(args))
            and svc_ports[0].get("name"), "Service: want one named port targeting the metrics port")
    c.check(monitor.get("apiVersion") == "monitoring.coreos.com/v1", "ServiceMonitor: apiVersion is not monitoring.coreos.com/v1")
    mon_selector = monitor["spec"].get("selector", {}).get("matchLabels", {})
    svc_labels = service["metadata"].get("labels", {})
    c.check(mon_selector and all(svc_labels.get(k) == v for k, v in mon_selector.items()),
            "ServiceMonitor: the selector does not match the Service's labels")
    endpoints = monitor["spec"].get("endpoints", [])
    c.check(len(endpoints) == 1 and endpoints[0].get("port") == (svc_ports[0].get("name") if svc_ports else None)
            and endpoints[0].get("path", "/metrics") == telemetry,
            "ServiceMonitor: the endpoint is not the Service's port and the metrics path")
    regex = exporter_down_job_regex(root)
    c.check(regex and re.fullmatch(regex, service["metadata"]["name"]),
            "the Service's name (the ServiceMonitor's job) is not selected by FlinkMesosExporterDown")

    for resource in kustomization.get("resources", []):
        c.check(os.path.isfile(os.path.join(directory, resource)), f"kustomization.yaml: {resource} does not exist")
    kubectl = shutil.which("kubectl")
    if kubectl:
        out = subprocess.run([kubectl, "kustomize", directory], capture_output=True, text=True, check=False)
        c.check(out.returncode == 0, f"kubectl kustomize deploy/kubernetes failed:\n{out.stderr}")
    else:
        c.note("kubectl not found: `kubectl kustomize deploy/kubernetes` not run")


def check_kubernetes_sharded(root, c):
    directory = os.path.join(root, "deploy", "kubernetes")
    deployment = next(d for d in pl.load_yaml_documents(os.path.join(directory, "deployment.yaml"))
                      if d.get("kind") == "Deployment")
    service = next(d for d in pl.load_yaml_documents(os.path.join(directory, "service.yaml"))
                   if d.get("kind") == "Service")
    sharded = os.path.join(directory, "sharded")
    sets = [d for d in pl.load_yaml_documents(os.path.join(sharded, "statefulset.yaml"))
            if d.get("kind") == "StatefulSet"]
    c.check(len(sets) == 1, "deploy/kubernetes/sharded: want one StatefulSet")
    if len(sets) != 1:
        return
    spec = sets[0]["spec"]
    pod = spec["template"]
    container = pod["spec"]["containers"][0]
    replicas = spec.get("replicas")
    c.check(arg_value(container.get("args"), "shard.count") == str(replicas),
            f"sharded: --shard.count is not the StatefulSet's replicas ({replicas})")
    c.check(arg_value(container.get("args"), "shard.index") == "$(SHARD_INDEX)",
            "sharded: --shard.index is not $(SHARD_INDEX)")
    index_env = [e for e in container.get("env", []) if e.get("name") == "SHARD_INDEX"]
    c.check(len(index_env) == 1 and index_env[0].get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
            == "metadata.labels['apps.kubernetes.io/pod-index']",
            "sharded: SHARD_INDEX does not come from the pod-index label")
    labels = pod["metadata"].get("labels", {})
    selector = spec.get("selector", {}).get("matchLabels", {})
    c.check(all(labels.get(k) == v for k, v in selector.items()), "sharded: the selector does not match the pods")
    c.check(all(labels.get(k) == v for k, v in service["spec"]["selector"].items()),
            "sharded: the Service does not select the shards")
    c.check(selector != deployment["spec"]["selector"]["matchLabels"],
            "sharded: the StatefulSet's selector is the Deployment's")
    c.check(spec.get("serviceName") == service["metadata"]["name"], "sharded: serviceName is not the Service")
    # Apart from the shard settings, a shard's pod is the Deployment's pod.
    same = copy.deepcopy(pod)
    base = copy.deepcopy(deployment["spec"]["template"])
    sc = same["spec"]["containers"][0]
    sc["args"] = [a for a in sc.get("args", []) if not a.startswith("--shard.")]
    sc["env"] = [e for e in sc.get("env", []) if e.get("name") != "SHARD_INDEX"]
    same["metadata"]["labels"] = {k: v for k, v in labels.items() if k != "app.kubernetes.io/instance"}
    c.check(same == base, "sharded: the pod differs from the Deployment's in more than its shard settings")
    kubectl = shutil.which("kubectl")
    if kubectl:
        out = subprocess.run([kubectl, "kustomize", sharded], capture_output=True, text=True, check=False)
        c.check(out.returncode == 0, f"kubectl kustomize deploy/kubernetes/sharded failed:\n{out.stderr}")


def walk_values(node, keys):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in keys and isinstance(v, str):
                yield v
            else:
                yield from walk_values(v, keys)
    elif isinstance(node, list):
        for v in node:
            yield from walk_values(v, keys)


# --- systemd -----------------------------------------------------------------------------------

def parse_unit(path):
    """{section: [(key, value)]} keeping repeated keys."""
    sections = {}
    current = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1], [])
            elif current is not None and "=" in line:
                key, _, value = line.partition("=")
                current.append((key.strip(), value.strip()))
    return sections


def check_systemd(root, exporter, c):
    unit_path = os.path.join(root, "deploy", "systemd", "flink-mesos-exporter.service")
    unit = parse_unit(unit_path)
    service = unit.get("Service", [])
    values = {}
    for key, value in service:
        values.setdefault(key, []).append(value)

    def one(key):
        v = values.get(key, [])
        return v[-1] if v else None

    required = {"ProtectSystem": "strict", "ProtectHome": "yes", "NoNewPrivileges": "yes", "PrivateTmp": "yes",
                "CapabilityBoundingSet": "", "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX"}
    for key, want in required.items():
        c.check(one(key) == want, f"systemd unit: {key}={one(key)!r}, want {want!r}")
    c.check("@system-service" in values.get("SystemCallFilter", []), "systemd unit: no SystemCallFilter=@system-service")
    c.check(any(v.startswith("-/etc/default/") or v.startswith("/etc/default/") for v in values.get("EnvironmentFile", [])),
            "systemd unit: no EnvironmentFile in /etc/default")
    c.check(any(re.search(r"kill -(s )?HUP \$MAINPID", v) for v in values.get("ExecReload", [])),
            "systemd unit: ExecReload does not send SIGHUP to $MAINPID")
    exec_start = one("ExecStart") or ""
    c.check(exec_start.startswith("/usr/bin/flink-mesos-exporter "), f"systemd unit: ExecStart {exec_start!r}")
    env = dict(v.split("=", 1) for v in values.get("Environment", []) if "=" in v)
    c.check(CONFIG in env.values() and "--config.file=${FLINK_MESOS_EXPORTER_CONFIG}" in exec_start,
            f"systemd unit: ExecStart does not read {CONFIG} (through FLINK_MESOS_EXPORTER_CONFIG)")
    c.check(any(k == "WantedBy" for k, _ in unit.get("Install", [])), "systemd unit: no [Install] WantedBy")

    with open(os.path.join(root, "deploy", "debian", "postinst"), encoding="utf-8") as f:
        postinst = f.read()
    user = one("User")
    c.check(user and re.search(r"^name=" + re.escape(user) + r"$", postinst, re.M) and "adduser --system" in postinst,
            f"systemd unit: User={user} is not the user the package's postinst creates")
    with open(os.path.join(root, "cmake", "Packaging.cmake"), encoding="utf-8") as f:
        packaging = f.read()
    c.check("DESTINATION lib/systemd/system" in packaging, "cmake/Packaging.cmake does not install the unit to lib/systemd/system")
    c.check("flink-mesos-exporter.default" in packaging, "cmake/Packaging.cmake does not install the EnvironmentFile")

    analyze = shutil.which("systemd-analyze")
    if not analyze:
        c.note("systemd-analyze not found: the unit is not verified")
        return
    if not exporter:
        c.note("no exporter binary given: systemd-analyze verify not run")
        return
    with tempfile.TemporaryDirectory() as tmp:
        with open(unit_path, encoding="utf-8") as f:
            text = f.read().replace("/usr/bin/flink-mesos-exporter", os.path.abspath(exporter))
        copy_path = os.path.join(tmp, "flink-mesos-exporter.service")
        with open(copy_path, "w", encoding="utf-8") as f:
            f.write(text)
        out = subprocess.run([analyze, "verify", copy_path], capture_output=True, text=True, check=False)
        # verify exits 0 on unknown keys and unparsable values, but says so: any output about
        # this file is a failure.
        said = [line for line in (out.stdout + out.stderr).splitlines() if "flink-mesos-exporter" in line]
        c.check(out.returncode == 0 and not said, f"systemd-analyze verify:\n{out.stdout}{out.stderr}")


# --- Prometheus --------------------------------------------------------------------------------

def prometheus_configs(root):
    found = []
    for sub in ("deploy", "docker"):
        for path in sorted(glob.glob(os.path.join(root, sub, "**", "*.y*ml"), recursive=True)):
            try:
                docs = pl.load_yaml_documents(path)
            except yaml.YAMLError:
                continue
            if len(docs) == 1 and isinstance(docs[0], dict) and "scrape_configs" in docs[0]:
                found.append(path)
    return found


def check_prometheus(root, c):
    promtool = shutil.which("promtool")
    configs = prometheus_configs(root)
    c.check(len(configs) >= 3, f"expected Prometheus configurations in docker/ and deploy/, found {configs}")
    if not promtool:
        c.note("promtool not found: Prometheus configurations not checked")
        return
    regex = exporter_down_job_regex(root)
    for path in configs:
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            config = yaml.safe_load(f)
        for job in config.get("scrape_configs", []):
            c.check(regex and re.fullmatch(regex, job.get("job_name", "")),
                    f"{rel}: job {job.get('job_name')!r} is not selected by FlinkMesosExporterDown")
        out = subprocess.run([promtool, "check", "config", path], capture_output=True, text=True, check=False)
        text = out.stdout + out.stderr
        if out.returncode != 0 and "field kubernetes_sd_configs not found" in text:
            c.note(f"{rel}: promtool has no Kubernetes discovery; checked with static_configs in its place")
            for job in config.get("scrape_configs", []):
                if job.pop("kubernetes_sd_configs", None) is not None:
                    job["static_configs"] = [{"targets": [f"placeholder:{PORT}"]}]
            with tempfile.TemporaryDirectory() as tmp:
                substitute = os.path.join(tmp, os.path.basename(path))
                with open(substitute, "w", encoding="utf-8") as f:
                    yaml.safe_dump(config, f)
                out = subprocess.run([promtool, "check", "config", substitute], capture_output=True, text=True, check=False)
                text = out.stdout + out.stderr
        c.check(out.returncode == 0, f"promtool check config {rel}:\n{text}")
        if config.get("rule_files"):
            m = re.search(r"SUCCESS: (\d+) rule files found", text)
            want = len(glob.glob(os.path.join(root, "rules", "*.yml")))
            c.check(m and int(m.group(1)) == want, f"{rel}: loads {m.group(1) if m else 0} rule files, want rules/*.yml ({want})")


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--exporter")
    args = parser.parse_args(argv[1:])
    root = os.path.abspath(args.root)
    c = pl.Checks("deploy_test")
    check_marathon(root, c)
    check_kubernetes(root, args.exporter, c)
    check_kubernetes_sharded(root, c)
    check_systemd(root, args.exporter, c)
    check_prometheus(root, c)
    return c.finish()


if __name__ == "__main__":
    pl.main_guard(main)
