#!/usr/bin/env python3
"""Builds the Debian package from a configured and built tree and inspects it, without
installing it: `cpack -G DEB`, then `dpkg-deb --info`, `--contents` and the control files.

- Control: package name, version = the project's, a maintainer, a description, and a Depends
  line that holds the package of every shared library the packaged binary links (dpkg-shlibdeps
  at work) and adduser (postinst).
- Contents: the binary, the configuration example at /etc/flink-mesos-exporter/ and the unit's
  EnvironmentFile (both listed in conffiles), the systemd unit, every dashboard, both rule
  files, the provisioning files and the documentation.
- Maintainer scripts: postinst, prerm and postrm, executable; daemon-reload only behind a
  test that systemd runs.
- The packaged binary is stripped, runs (--version) and accepts the packaged configuration
  (--config.check), extracted with `dpkg-deb -x` into a temporary directory.
- Agreement with the container image: every file the Dockerfile copies from its
  `cmake --install` staging tree is in the package, and every package Depends names (but
  adduser) is one the image installs or its slim base has.

Usage: deb_test.py <repository root> <cpack> <cpack config file> <output directory>
The CPack configuration is generated at configure time (tests/packaging/CMakeLists.txt): the
build tree's CPackConfig.cmake, installing through the tree's cmake_install.cmake script, so
cpack never builds (no preinstall step) and reuses the binary the build made.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import packaging_lib as pl  # noqa: E402

NAME = "flink-mesos-exporter"


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, check=False, **kw)


def main(argv):
    if len(argv) != 5:
        sys.exit("usage: deb_test.py <repository root> <cpack> <cpack config file> <output directory>")
    root, cpack, config, out_dir = os.path.abspath(argv[1]), argv[2], argv[3], argv[4]
    for tool in ("dpkg-deb", "dpkg-shlibdeps", "objdump", "readelf", cpack):
        if not shutil.which(tool):
            print(f"{tool} not found: skipped")
            return 77
    c = pl.Checks("deb_test")

    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    built = run([cpack, "-G", "DEB", "--config", config, "-B", out_dir])
    if built.returncode != 0:
        print(built.stdout + built.stderr)
        c.fail("cpack -G DEB failed")
        return c.finish()
    debs = glob.glob(os.path.join(out_dir, "*.deb"))
    if not c.check(len(debs) == 1, f"cpack made {debs}, want one .deb"):
        return c.finish()
    deb = debs[0]
    print(f"package: {os.path.basename(deb)}, {os.path.getsize(deb)} bytes")

    # Control fields.
    info = run(["dpkg-deb", "--info", deb]).stdout
    fields = dict(re.findall(r"^ ([A-Za-z-]+): (.*)$", info, re.M))
    version = re.search(r"project\([^)]*VERSION\s+([0-9.]+)", open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8").read())
    c.check(fields.get("Package") == NAME, f"Package: {fields.get('Package')}")
    c.check(version and fields.get("Version", "").startswith(version.group(1) + "-"),
            f"Version {fields.get('Version')} is not the project version {version.group(1) if version else '?'}-<release>")
    c.check(fields.get("Maintainer"), "no Maintainer")
    c.check(fields.get("Description"), "no Description")
    depends = fields.get("Depends", "")
    print(f"Depends: {depends}")
    depends_names = {d.strip().split(" ")[0] for d in depends.split(",") if d.strip()}
    c.check("adduser" in depends_names, "Depends lacks adduser (postinst runs it)")

    # Contents.
    listing = run(["dpkg-deb", "--contents", deb]).stdout
    contents = {}
    for line in listing.splitlines():
        parts = line.split(None, 5)
        if len(parts) == 6:
            contents[parts[5].split(" -> ")[0].lstrip(".")] = parts[0]
    want = [f"/usr/bin/{NAME}", f"/etc/{NAME}/{NAME}.yml", f"/etc/default/{NAME}",
            f"/usr/lib/systemd/system/{NAME}.service", f"/usr/share/doc/{NAME}/README.md",
            f"/usr/share/doc/{NAME}/docs/configuration.md"]
    want += [f"/usr/share/{NAME}/dashboards/{os.path.basename(p)}" for p in glob.glob(os.path.join(root, "dashboards", "*.json"))]
    want += [f"/usr/share/{NAME}/rules/{os.path.basename(p)}" for p in glob.glob(os.path.join(root, "rules", "*.yml"))]
    want += [f"/usr/share/{NAME}/" + os.path.relpath(p, root)
             for p in glob.glob(os.path.join(root, "provisioning", "**", "*.yml"), recursive=True)]
    for path in want:
        c.check(path in contents, f"the package lacks {path}")
    c.check(contents.get(f"/usr/bin/{NAME}", "").startswith("-rwxr-xr-x"), "the binary is not mode 0755")

    sanitizer_packages = set()
    # Control files.
    with tempfile.TemporaryDirectory() as tmp:
        control = os.path.join(tmp, "control")
        c.check(run(["dpkg-deb", "--control", deb, control]).returncode == 0, "dpkg-deb --control failed")
        conffiles = open(os.path.join(control, "conffiles"), encoding="utf-8").read().split() \
            if os.path.exists(os.path.join(control, "conffiles")) else []
        for path in (f"/etc/{NAME}/{NAME}.yml", f"/etc/default/{NAME}"):
            c.check(path in conffiles, f"{path} is not a conffile (conffiles: {conffiles})")
        for path in conffiles:
            c.check(path in contents, f"conffile {path} is not in the package")
        for script in ("postinst", "prerm", "postrm"):
            path = os.path.join(control, script)
            if c.check(os.path.exists(path), f"no {script}"):
                c.check(os.access(path, os.X_OK), f"{script} is not executable")
                text = open(path, encoding="utf-8").read()
                for line in text.splitlines():
                    if "daemon-reload" in line:
                        c.check("/run/systemd/system" in text, f"{script}: daemon-reload without checking that systemd runs")

        # The packaged files themselves.
        files = os.path.join(tmp, "files")
        c.check(run(["dpkg-deb", "-x", deb, files]).returncode == 0, "dpkg-deb -x failed")
        binary = os.path.join(files, "usr", "bin", NAME)
        if os.path.exists(binary):
            sections = run(["readelf", "-S", "-W", binary]).stdout
            c.check(".symtab" not in sections and ".debug_info" not in sections, "the packaged binary is not stripped")
            v = run([binary, "--version"])
            c.check(v.returncode == 0 and NAME in v.stdout, f"{binary} --version: {v.stdout}{v.stderr}")
            check = run([binary, f"--config.file={files}/etc/{NAME}/{NAME}.yml", "--config.check"])
            c.check(check.returncode == 0, f"the packaged configuration fails --config.check:\n{check.stdout}{check.stderr}")
            for lib, package in pl.needed_packages(binary, sanitizers=True).items():
                c.check(package and pl.provided_names(package) & depends_names,
                        f"the binary links {lib} ({package}), Depends lacks it")
                if package and pl.SANITIZER_RUNTIME.match(lib):
                    # A sanitizer build (asan preset): its runtime is no dependency of the image.
                    sanitizer_packages.update(pl.provided_names(package))

    # Agreement with docker/Dockerfile.
    _, stages = pl.parse_dockerfile(os.path.join(root, "docker", "Dockerfile"))
    for stage in stages:
        for copy in stage.all("COPY"):
            flags, sources, _ = copy.copy_parts()
            for src in sources:
                if flags.get("from") and src.startswith("/staging/"):
                    path = src[len("/staging"):].rstrip("/")
                    c.check(path in contents or any(p.startswith(path + "/") for p in contents),
                            f"Dockerfile line {copy.line} copies {src}, which the install rules do not make")
        if stage.name == "exporter":
            provided = pl.satisfied_names(set(pl.apt_packages(stage)) | pl.BOOKWORM_SLIM_BASE)
            for name in sorted(depends_names - {"adduser"} - sanitizer_packages):
                c.check(name in provided, f"Depends names {name}, which the exporter image does not install")
    return c.finish()


if __name__ == "__main__":
    pl.main_guard(main)
