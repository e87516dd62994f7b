#!/usr/bin/env python3
"""Static checks of the container files: docker/Dockerfile, .dockerignore and docker/compose.yml.

No Docker engine is needed: the files are parsed and compared with the rest of the repository.

Dockerfile
- Stages `build` (debian:bookworm), `simulator` and `exporter` (debian:bookworm-slim), the
  exporter last, so that it is the default target.
- The build stage runs scripts/install-deps.sh before any cmake, and builds with the commands
  CI and the README use: `cmake --preset P` and `cmake --build --preset P`, P being the preset
  scripts/test.sh runs by default, a configure and build preset of CMakePresets.json. The only
  extra configure options allowed turn tests and benchmarks off; the targets built exist.
- `cmake --install` installs from that preset's build directory; the simulator binary is
  copied from it.
- Every COPY source of the build context exists and is not excluded by .dockerignore, and
  neither is anything the build and `cmake --install` read (the CMake sources, the files
  cmake/Packaging.cmake installs).
- Runtime stages: user 65534, exec-form ENTRYPOINT on the copied binary; the exporter EXPOSEs
  22105 and CMD names the configuration file at its documented path, which the image holds;
  the simulator's default scenario is one of config/scenarios.
- The shared libraries the built binaries link (objdump NEEDED, mapped with dpkg -S) come from
  packages the stage installs or the slim base image has (when the binaries are given).
- The image version label default equals the project version.

compose.yml
- Services simulator, exporter, prometheus, alertmanager, grafana; the built ones use this
  Dockerfile's stages.
- Every bind-mounted path exists; each program's configuration is mounted where its command
  line reads it; Prometheus' rule_files resolve, inside the container, to the mounted rules/.
- The names agree: the exporter configuration polls the simulator service (which advertises
  that name), Prometheus scrapes exporter:22105 and alerts alertmanager:9093, Grafana's
  datasource is provisioning/grafana/datasources/prometheus.yml with the Prometheus service's
  URL, the dashboards are mounted at the provider's path.
- The exporter configuration passes `flink-mesos-exporter --config.check` (binary given).

Usage: container_test.py <repository root> [--exporter BIN] [--simulator BIN]
"""

import argparse
import glob
import json
import os
import posixpath
import re
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

EXPORTER_CONFIG = "/etc/flink-mesos-exporter/flink-mesos-exporter.yml"
EXPORTER_PORT = 22105
ALLOWED_CONFIGURE_OPTIONS = {"-DFME_BUILD_TESTS=OFF", "-DFME_BUILD_BENCHMARKS=OFF"}


def read(root, *path):
    with open(os.path.join(root, *path), encoding="utf-8") as f:
        return f.read()


def ci_preset(root, c):
    """The preset of the ci stage of scripts/test.sh, after checking that the stage runs by default
    and that stages build with the preset commands."""
    text = read(root, "scripts", "test.sh")
    m = re.search(r'^stage_ci\(\) \{ run_preset ([A-Za-z0-9_-]+); \}', text, re.M)
    if not c.check(m, "scripts/test.sh: no `stage_ci() { run_preset <preset>; }` found"):
        return None
    defaults = re.search(r'^default_stages=\(([^)]*)\)', text, re.M)
    c.check(defaults and "ci" in defaults.group(1).split(),
            "scripts/test.sh: the ci stage is not among default_stages")
    for form in ('cmake --preset "$1"', 'cmake --build --preset "$1"'):
        c.check(form in text, f"scripts/test.sh does not run `{form}`")
    c.check(re.search(r"^scripts/install-deps\.sh", text, re.M),
            "scripts/test.sh does not run scripts/install-deps.sh")
    readme = read(root, "README.md")
    for form in ("cmake --preset ", "cmake --build --preset "):
        c.check(form in readme, f"README.md does not show `{form}<preset>`")
    return m.group(1)


def preset_binary_dir(root, preset, c):
    presets = json.loads(read(root, "CMakePresets.json"))
    configure = {p["name"]: p for p in presets.get("configurePresets", [])}
    build = {p["name"]: p for p in presets.get("buildPresets", [])}
    c.check(preset in configure, f"CMakePresets.json has no configure preset {preset!r}")
    c.check(preset in build, f"CMakePresets.json has no build preset {preset!r}")
    binary_dir = configure.get(preset, {}).get("binaryDir", "")
    if not c.check(binary_dir.startswith("${sourceDir}/"),
                   f"preset {preset!r}: binaryDir {binary_dir!r} is not under ${{sourceDir}}"):
        return None
    return binary_dir[len("${sourceDir}/"):]


def executables(root):
    """{target name: directory} of the add_executable targets of exporter/ and simulator/."""
    found = {}
    for sub in ("exporter", "simulator"):
        text = read(root, sub, "CMakeLists.txt")
        for name in re.findall(r"add_executable\(\s*([A-Za-z0-9_.-]+)", text):
            found[name] = sub
    return found


def check_build_stage(root, stage, c):
    preset = ci_preset(root, c)
    if preset is None:
        return None, None
    binary_dir = preset_binary_dir(root, preset, c)
    targets = executables(root)
    workdir = stage.last("WORKDIR")
    workdir = workdir.args if workdir else "/"

    deps_at = None
    first_cmake_at = None
    configured = built = installed = False
    for index, run in enumerate(stage.all("RUN")):
        for words in pl.shell_commands(run.args):
            if words[0] == "scripts/install-deps.sh" and deps_at is None:
                deps_at = index
            if words[0] != "cmake":
                continue
            if first_cmake_at is None:
                first_cmake_at = index
            if words[1:2] == ["--preset"]:
                configured = True
                c.check(words[2:3] == [preset],
                        f"Dockerfile line {run.line}: configures preset {words[2:3]}, CI uses {preset!r}")
                extra = set(words[3:]) - ALLOWED_CONFIGURE_OPTIONS
                c.check(not extra, f"Dockerfile line {run.line}: configure options {sorted(extra)} differ "
                                   f"from CI's (allowed: {sorted(ALLOWED_CONFIGURE_OPTIONS)})")
            elif words[1:3] == ["--build", "--preset"]:
                built = True
                c.check(words[3:4] == [preset],
                        f"Dockerfile line {run.line}: builds preset {words[3:4]}, CI uses {preset!r}")
                if "--target" in words:
                    for t in words[words.index("--target") + 1:]:
                        if t.startswith("-"):
                            break
                        c.check(t in targets, f"Dockerfile line {run.line}: target {t!r} does not exist")
            elif words[1:2] == ["--install"]:
                installed = True
                c.check(words[2:3] == [binary_dir],
                        f"Dockerfile line {run.line}: installs from {words[2:3]}, the preset builds in "
                        f"{binary_dir!r}")
            else:
                c.fail(f"Dockerfile line {run.line}: `{' '.join(words)}` is not one of CI's cmake commands")
    c.check(deps_at is not None, "Dockerfile: the build stage does not run scripts/install-deps.sh")
    c.check(deps_at is None or first_cmake_at is None or deps_at <= first_cmake_at,
            "Dockerfile: cmake runs before scripts/install-deps.sh")
    c.check(configured, f"Dockerfile: the build stage does not run `cmake --preset {preset}`")
    c.check(built, f"Dockerfile: the build stage does not run `cmake --build --preset {preset}`")
    c.check(installed, "Dockerfile: the build stage does not run `cmake --install`")
    copies_deps = any("scripts/install-deps.sh" in i.copy_parts()[1] or "." in i.copy_parts()[1]
                      for i in stage.all("COPY"))
    c.check(copies_deps, "Dockerfile: the build stage never copies scripts/install-deps.sh")
    return posixpath.join(workdir, binary_dir) if binary_dir else None, targets


def check_context(root, stages, c):
    patterns = pl.dockerignore_patterns(root)
    c.check(patterns, ".dockerignore is missing or empty")
    for stage in stages:
        for copy in stage.all("COPY") + stage.all("ADD"):
            flags, sources, _ = copy.copy_parts()
            if "from" in flags:
                continue
            for src in sources:
                if src == ".":
                    continue
                c.check(os.path.exists(os.path.join(root, src)),
                        f"Dockerfile line {copy.line}: COPY source {src} does not exist")
                c.check(not pl.dockerignored(patterns, src),
                        f"Dockerfile line {copy.line}: COPY source {src} is excluded by .dockerignore")
    # What the build reads: the CMake project and the files the install rules name.
    needed = ["CMakeLists.txt", "CMakePresets.json", "cmake", "include", "exporter", "simulator",
              "scripts/install-deps.sh"]
    packaging = read(root, "cmake", "Packaging.cmake")
    needed += re.findall(r"\$\{PROJECT_SOURCE_DIR\}/([^\s)\"]+)", packaging)
    for path in sorted(set(needed)):
        path = path.rstrip("/")
        c.check(os.path.exists(os.path.join(root, path)), f"{path} (read by the image build) does not exist")
        c.check(not pl.dockerignored(patterns, path), f"{path} (read by the image build) is excluded by .dockerignore")
    for path in ("build", ".git"):
        c.check(pl.dockerignored(patterns, path), f".dockerignore does not exclude {path}/")


def check_runtime_stage(stage, binary, c):
    c.check(stage.base == "debian:bookworm-slim",
            f"Dockerfile stage {stage.name}: base {stage.base}, want debian:bookworm-slim")
    user = stage.last("USER")
    c.check(user is not None and user.args.split(":")[0] == "65534",
            f"Dockerfile stage {stage.name}: USER is {user.args if user else None}, want 65534")
    entry = stage.last("ENTRYPOINT")
    form = entry.exec_form() if entry else None
    c.check(form == [binary], f"Dockerfile stage {stage.name}: ENTRYPOINT {form}, want [{binary!r}]")
    copied = [d for i in stage.all("COPY") for d in [i.copy_parts()[2]]]
    c.check(binary in copied, f"Dockerfile stage {stage.name}: {binary} is not copied into the image")
    cmd = stage.last("CMD")
    c.check(cmd is not None and cmd.exec_form() is not None,
            f"Dockerfile stage {stage.name}: no exec-form CMD with the default flags")
    return cmd.exec_form() if cmd and cmd.exec_form() else []


def check_libraries(stage, binary, c):
    if not binary:
        return
    provided = set(pl.apt_packages(stage)) | pl.BOOKWORM_SLIM_BASE
    for lib, package in pl.needed_packages(binary).items():
        if not c.check(package, f"{os.path.basename(binary)} links {lib}, which no installed package holds"):
            continue
        c.check(package in provided,
                f"Dockerfile stage {stage.name}: {os.path.basename(binary)} links {lib} from {package}, "
                f"which the stage does not install (installs: {sorted(set(pl.apt_packages(stage)))})")


def check_dockerfile(root, args, c):
    global_args, stages = pl.parse_dockerfile(os.path.join(root, "docker", "Dockerfile"))
    by_name = {s.name: s for s in stages}
    for name in ("build", "simulator", "exporter"):
        c.check(name in by_name, f"Dockerfile: no stage named {name}")
    if not all(n in by_name for n in ("build", "simulator", "exporter")):
        return by_name
    c.check(stages[-1].name == "exporter", "Dockerfile: the last stage (the default target) is not the exporter")
    c.check(by_name["build"].base == "debian:bookworm",
            f"Dockerfile: build stage base {by_name['build'].base}, want debian:bookworm")

    version = re.search(r"project\([^)]*VERSION\s+([0-9.]+)", read(root, "CMakeLists.txt"))
    arg = {a.args.partition("=")[0]: a.args.partition("=")[2] for a in global_args}
    c.check(version and arg.get("FME_VERSION") == version.group(1),
            f"Dockerfile: ARG FME_VERSION={arg.get('FME_VERSION')}, project version "
            f"{version.group(1) if version else '?'}")

    build_dir, targets = check_build_stage(root, by_name["build"], c)
    check_context(root, stages, c)

    # Exporter.
    exporter = by_name["exporter"]
    cmd = check_runtime_stage(exporter, "/usr/bin/flink-mesos-exporter", c)
    c.check(f"--config.file={EXPORTER_CONFIG}" in cmd,
            f"Dockerfile: the exporter's CMD {cmd} does not name --config.file={EXPORTER_CONFIG}")
    exposed = [p.split("/")[0] for i in exporter.all("EXPOSE") for p in i.args.split()]
    c.check(exposed == [str(EXPORTER_PORT)], f"Dockerfile: the exporter EXPOSEs {exposed}, want [{EXPORTER_PORT}]")
    config_dir = posixpath.dirname(EXPORTER_CONFIG) + "/"
    c.check(any(i.copy_parts()[2] == config_dir for i in exporter.all("COPY")),
            f"Dockerfile: the exporter image gets no configuration in {config_dir}")
    for copy in exporter.all("COPY"):
        flags, sources, _ = copy.copy_parts()
        if flags.get("from") == "build":
            for src in sources:
                c.check(src.startswith("/staging/"),
                        f"Dockerfile line {copy.line}: {src} is not from the `cmake --install` staging tree")
    check_libraries(exporter, args.exporter, c)

    # Simulator.
    simulator = by_name["simulator"]
    cmd = check_runtime_stage(simulator, "/usr/bin/flink-mesos-sim", c)
    for copy in simulator.all("COPY"):
        flags, sources, dest = copy.copy_parts()
        if flags.get("from") == "build" and dest == "/usr/bin/flink-mesos-sim" and build_dir and targets:
            want = posixpath.join(build_dir, targets.get("flink-mesos-sim", "?"), "flink-mesos-sim")
            c.check(sources == [want], f"Dockerfile line {copy.line}: copies {sources}, the build makes {want}")
    scenario = cmd[cmd.index("--scenario") + 1] if "--scenario" in cmd[:-1] else None
    check_scenario_path(root, simulator, scenario, "Dockerfile: the simulator's CMD", c)
    check_libraries(simulator, args.simulator, c)
    return by_name


def check_scenario_path(root, simulator_stage, scenario, where, c):
    """A scenario path inside the simulator image must be a copied config/scenarios file."""
    if not c.check(scenario, f"{where} names no --scenario"):
        return
    for copy in simulator_stage.all("COPY"):
        flags, sources, dest = copy.copy_parts()
        if "from" not in flags and sources == ["config/scenarios/"] and scenario.startswith(dest):
            local = os.path.join(root, "config", "scenarios", scenario[len(dest):])
            c.check(os.path.isfile(local), f"{where}: scenario {scenario} is not in config/scenarios")
            return
    c.fail(f"{where}: scenario {scenario} is not under a directory config/scenarios/ is copied to")


# --- compose -----------------------------------------------------------------------------------

def mounts(service):
    """[(source, target)] of a service's short-syntax bind mounts."""
    found = []
    for v in service.get("volumes", []):
        if isinstance(v, str):
            parts = v.split(":")
            found.append((parts[0], parts[1] if len(parts) > 1 else parts[0]))
        elif isinstance(v, dict):
            found.append((v.get("source"), v.get("target")))
    return found


def flag(command, name):
    """The value of --name=value or --name value in a command list."""
    for i, word in enumerate(command or []):
        if word.startswith(f"--{name}="):
            return word.split("=", 1)[1]
        if word == f"--{name}" and i + 1 < len(command):
            return command[i + 1]
    return None


def host_source(compose_dir, service, target):
    """The host path mounted at target (or whose mount contains target), resolved."""
    for source, mounted in mounts(service):
        if target == mounted or target.startswith(mounted.rstrip("/") + "/"):
            rest = target[len(mounted):].lstrip("/")
            return os.path.normpath(os.path.join(compose_dir, source, rest))
    return None


def url_host(url):
    m = re.match(r"https?://([^/:]+)", url)
    return m.group(1) if m else None


def check_compose(root, stages, args, c):
    compose_dir = os.path.join(root, "docker")
    with open(os.path.join(compose_dir, "compose.yml"), encoding="utf-8") as f:
        compose = yaml.safe_load(f)
    services = compose.get("services", {})
    for name in ("simulator", "exporter", "prometheus", "alertmanager", "grafana"):
        c.check(name in services, f"compose.yml: no service {name}")
    if c.failures:
        return

    for name, service in services.items():
        for source, target in mounts(service):
            if source and (source.startswith(".") or source.startswith("/")):
                c.check(os.path.exists(os.path.normpath(os.path.join(compose_dir, source))),
                        f"compose.yml: {name} mounts {source}, which does not exist")
        build = service.get("build")
        if build:
            context = os.path.normpath(os.path.join(compose_dir, build.get("context", ".")))
            c.check(context == os.path.normpath(root), f"compose.yml: {name} builds from {context}, not the repository root")
            c.check(os.path.normpath(os.path.join(context, build.get("dockerfile", "Dockerfile")))
                    == os.path.join(os.path.normpath(root), "docker", "Dockerfile"),
                    f"compose.yml: {name} does not build docker/Dockerfile")
            c.check(build.get("target") in stages, f"compose.yml: {name} builds target {build.get('target')}, "
                                                   f"not a stage of the Dockerfile")
    c.check(services["simulator"].get("build", {}).get("target") == "simulator", "compose.yml: simulator is not the simulator stage")
    c.check(services["exporter"].get("build", {}).get("target") == "exporter", "compose.yml: exporter is not the exporter stage")

    published = {str(p).split(":")[-2] if str(p).count(":") else str(p)
                 for s in services.values() for p in s.get("ports", [])}
    for port in (str(EXPORTER_PORT), "9090", "9093", "3000"):
        c.check(port in published, f"compose.yml: port {port} is not published")

    # Simulator.
    sim_cmd = services["simulator"].get("command", [])
    c.check(flag(sim_cmd, "listen-host") == "0.0.0.0", "compose.yml: the simulator does not listen on 0.0.0.0")
    c.check(flag(sim_cmd, "advertise-host") == "simulator",
            "compose.yml: the simulator does not advertise its service name (--advertise-host simulator)")
    if "simulator" in stages:
        check_scenario_path(root, stages["simulator"], flag(sim_cmd, "scenario"), "compose.yml: the simulator", c)

    # Exporter.
    exp = services["exporter"]
    exp_config = flag(exp.get("command", []), "config.file")
    c.check(exp_config == EXPORTER_CONFIG, f"compose.yml: the exporter reads {exp_config}, want {EXPORTER_CONFIG}")
    config_source = host_source(compose_dir, exp, exp_config or EXPORTER_CONFIG)
    if c.check(config_source and os.path.isfile(config_source),
               f"compose.yml: nothing is mounted at the exporter's {exp_config}"):
        with open(config_source, encoding="utf-8") as f:
            config = yaml.safe_load(f)
        urls = [m for mc in config.get("mesos_clusters", []) for m in mc.get("masters", [])]
        urls += [fc["rest_url"] for fc in config.get("flink_clusters", [])]
        c.check(urls, "compose.yml: the exporter's configuration has no targets")
        for url in urls:
            c.check(url_host(url) == "simulator", f"exporter configuration: {url} is not the simulator service")
        c.check(any("discover_flink" in mc for mc in config.get("mesos_clusters", [])),
                "exporter configuration: no discover_flink (as config/demo.yml)")
        if args.exporter:
            out = subprocess.run([args.exporter, f"--config.file={config_source}", "--config.check"],
                                 capture_output=True, text=True, check=False)
            c.check(out.returncode == 0, f"{config_source}: --config.check failed:\n{out.stdout}{out.stderr}")

    # Prometheus.
    prom = services["prometheus"]
    prom_config_path = flag(prom.get("command", []), "config.file") or "/etc/prometheus/prometheus.yml"
    prom_source = host_source(compose_dir, prom, prom_config_path)
    scrape_interval = None
    if c.check(prom_source and os.path.isfile(prom_source),
               f"compose.yml: nothing is mounted at Prometheus' {prom_config_path}"):
        with open(prom_source, encoding="utf-8") as f:
            prom_config = yaml.safe_load(f)
        scrape_interval = prom_config.get("global", {}).get("scrape_interval")
        rule_dir = os.path.join(os.path.normpath(root), "rules")
        for pattern in prom_config.get("rule_files", []):
            in_container = posixpath.normpath(posixpath.join(posixpath.dirname(prom_config_path), pattern))
            host = host_source(compose_dir, prom, in_container)
            c.check(host and os.path.dirname(host) == rule_dir and glob.glob(host),
                    f"compose.yml: Prometheus' rule_files {pattern} ({in_container} in the container) is "
                    f"not the mounted rules/ directory")
        targets = [t for job in prom_config.get("scrape_configs", [])
                   for sc in job.get("static_configs", []) for t in sc.get("targets", [])]
        c.check(f"exporter:{EXPORTER_PORT}" in targets, f"Prometheus (compose) does not scrape exporter:{EXPORTER_PORT}: {targets}")
        am = [t for a in prom_config.get("alerting", {}).get("alertmanagers", [])
              for sc in a.get("static_configs", []) for t in sc.get("targets", [])]
        c.check("alertmanager:9093" in am, f"Prometheus (compose) does not send alerts to alertmanager:9093: {am}")

    # Alertmanager.
    am_service = services["alertmanager"]
    am_path = flag(am_service.get("command", []), "config.file") or "/etc/alertmanager/alertmanager.yml"
    am_source = host_source(compose_dir, am_service, am_path)
    if c.check(am_source and os.path.isfile(am_source), f"compose.yml: nothing is mounted at Alertmanager's {am_path}"):
        with open(am_source, encoding="utf-8") as f:
            am_config = yaml.safe_load(f)
        receivers = [r.get("name") for r in am_config.get("receivers", [])]
        c.check(am_config.get("route", {}).get("receiver") in receivers,
                "Alertmanager (compose): the route's receiver is not defined")

    # Grafana.
    grafana = services["grafana"]
    provider_mounted = datasource = None
    for source, target in mounts(grafana):
        host = os.path.normpath(os.path.join(compose_dir, source))
        if target.startswith("/etc/grafana/provisioning/dashboards/"):
            provider_mounted = host
        if target.startswith("/etc/grafana/provisioning/datasources/"):
            datasource = host
    c.check(provider_mounted == os.path.join(os.path.normpath(root), "provisioning", "grafana", "dashboards", "provider.yml"),
            "compose.yml: Grafana's dashboard provider is not provisioning/grafana/dashboards/provider.yml")
    with open(os.path.join(root, "provisioning", "grafana", "dashboards", "provider.yml"), encoding="utf-8") as f:
        provider = yaml.safe_load(f)
    provider_path = provider["providers"][0]["options"]["path"]
    dashboards = host_source(compose_dir, grafana, provider_path)
    c.check(dashboards == os.path.join(os.path.normpath(root), "dashboards"),
            f"compose.yml: dashboards/ is not mounted at the provider's path {provider_path}")
    home = grafana.get("environment", {}).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        host = host_source(compose_dir, grafana, home)
        c.check(host and os.path.isfile(host), f"compose.yml: Grafana's home dashboard {home} is not mounted")
    if c.check(datasource and os.path.isfile(datasource), "compose.yml: no Grafana datasource is mounted"):
        with open(datasource, encoding="utf-8") as f:
            compose_ds = yaml.safe_load(f)
        with open(os.path.join(root, "provisioning", "grafana", "datasources", "prometheus.yml"), encoding="utf-8") as f:
            shipped_ds = yaml.safe_load(f)
        a = compose_ds.get("datasources", [{}])
        b = shipped_ds.get("datasources", [{}])
        if c.check(len(a) == len(b) == 1, "Grafana datasources: want exactly one in each file"):
            a, b = dict(a[0]), dict(b[0])
            url = a.pop("url", None)
            b.pop("url", None)
            c.check(a == b, f"{os.path.relpath(datasource, root)} differs from provisioning/grafana/datasources/"
                            f"prometheus.yml in more than the url:\n{a}\n{b}")
            c.check(url == "http://prometheus:9090", f"compose Grafana datasource url {url}, want http://prometheus:9090")
            c.check(scrape_interval is None or a.get("jsonData", {}).get("timeInterval") == scrape_interval,
                    f"Grafana timeInterval {a.get('jsonData', {}).get('timeInterval')} != Prometheus' scrape_interval "
                    f"{scrape_interval}")


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--exporter")
    parser.add_argument("--simulator")
    args = parser.parse_args(argv[1:])
    args.root = os.path.abspath(args.root)
    c = pl.Checks("container_test")
    stages = check_dockerfile(args.root, args, c)
    check_compose(args.root, stages, args, c)
    return c.finish()


if __name__ == "__main__":
    pl.main_guard(main)
