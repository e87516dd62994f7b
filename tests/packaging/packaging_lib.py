"""Helpers shared by the packaging checks (tests/packaging/*_test.py).

- Checks: collects failures and prints them, so that one run reports every problem.
- parse_dockerfile(): the stages of docker/Dockerfile with their instructions.
- dockerignored(): whether .dockerignore keeps a path out of the build context.
- shell_commands(): the simple commands of a RUN line.
- needed_packages(): the Debian packages of the shared libraries a binary links.
"""

import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys


class Checks:
    def __init__(self, name):
        self.name = name
        self.failures = []
        self.notes = []

    def fail(self, what):
        self.failures.append(what)

    def check(self, condition, what):
        if not condition:
            self.fail(what)
        return condition

    def note(self, what):
        self.notes.append(what)

    def finish(self):
        for n in self.notes:
            print(f"note: {n}")
        for f in self.failures:
            print(f"FAIL: {f}")
        if self.failures:
            print(f"{self.name}: {len(self.failures)} problem(s)")
            return 1
        print(f"{self.name}: OK")
        return 0


# --- Dockerfile --------------------------------------------------------------------------------

class Instruction:
    def __init__(self, keyword, args, line):
        self.keyword = keyword  # upper case: FROM, RUN, COPY, ...
        self.args = args        # the rest of the (joined) line
        self.line = line        # 1-based line of the instruction's start

    def exec_form(self):
        """The JSON array of an exec-form ENTRYPOINT/CMD, or None for the shell form."""
        try:
            value = json.loads(self.args)
        except ValueError:
            return None
        return value if isinstance(value, list) else None

    def copy_parts(self):
        """(flags, sources, destination) of a COPY or ADD."""
        words = shlex.split(self.args)
        flags = {}
        while words and words[0].startswith("--"):
            key, _, value = words.pop(0)[2:].partition("=")
            flags[key] = value
        return flags, words[:-1], words[-1] if words else ""


class Stage:
    def __init__(self, base, name, line):
        self.base = base
        self.name = name
        self.line = line
        self.instructions = []

    def all(self, keyword):
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword):
        found = self.all(keyword)
        return found[-1] if found else None


def parse_dockerfile(path):
    """Returns (global ARG instructions, [Stage]). Handles comments and backslash continuations."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    global_args = []
    stages = []
    current = None
    start = 0
    buf = ""
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction are dropped
        if not buf:
            start = number
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        keyword, _, args = buf.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        buf = ""
        if keyword == "FROM":
            words = args.split()
            words = [w for w in words if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            current = Stage(words[0], name, start)
            stages.append(current)
        elif current is None:
            if keyword == "ARG":
                global_args.append(Instruction(keyword, args, start))
        else:
            current.instructions.append(Instruction(keyword, args, start))
    return global_args, stages


def shell_commands(run_args):
    """Splits a RUN's shell text into simple commands (at &&, ||, ; and |), each a word list,
    with leading VAR=value assignments removed."""
    commands = []
    for part in re.split(r"&&|\|\||;|\|", run_args):
        try:
            words = shlex.split(part)
        except ValueError:
            words = part.split()
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words.pop(0)
        if words:
            commands.append(words)
    return commands


def apt_packages(stage):
    """Packages a stage installs with apt-get install."""
    packages = []
    for run in stage.all("RUN"):
        for words in shell_commands(run.args):
            if len(words) >= 2 and words[0] == "apt-get" and "install" in words:
                packages += [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
    return packages


# --- .dockerignore -----------------------------------------------------------------------------

def dockerignore_patterns(root):
    path = os.path.join(root, ".dockerignore")
    patterns = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    patterns.append(line)
    return patterns


def _pattern_matches(pattern, path):
    pattern = pattern.strip("/")
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            regex += ".*"
            i += 2
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    # A pattern that matches a directory excludes everything under it.
    return re.fullmatch(regex + "(?:/.*)?", path) is not None


def dockerignored(patterns, path):
    """Docker's rule: the last matching pattern wins; `!pattern` re-includes."""
    path = os.path.normpath(path).strip("/")
    ignored = False
    for p in patterns:
        if p.startswith("!"):
            if _pattern_matches(p[1:], path):
                ignored = False
        elif _pattern_matches(p, path):
            ignored = True
    return ignored


# --- binaries ----------------------------------------------------------------------------------

# Packages every debian:bookworm-slim image has (priority required, or pulled in by apt).
BOOKWORM_SLIM_BASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}


def needed_libraries(binary):
    out = subprocess.run(["objdump", "-p", binary], capture_output=True, text=True, check=True)
    return re.findall(r"^\s*NEEDED\s+(\S+)", out.stdout, re.M)


def library_paths(binary):
    """{soname: path} as the dynamic loader resolves the binary's libraries (ldd)."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=False)
    return dict(re.findall(r"^\s*(\S+) => (/\S+)", out.stdout, re.M))


def package_of_path(path):
    """The installed Debian package holding a file, trying the /usr-merged spellings."""
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        candidates.append(p[4:] if p.startswith("/usr/") else "/usr" + p)
    for p in candidates:
        out = subprocess.run(["dpkg-query", "-S", p], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout:
            return out.stdout.split(":")[0].strip()
    return None


# Runtimes of the sanitizer builds (the asan and tsan presets): not part of a release binary.
SANITIZER_RUNTIME = re.compile(r"^lib(asan|ubsan|tsan|lsan|hwasan)\.so")


def needed_packages(binary, sanitizers=False):
    """{soname: package or None} for the binary's NEEDED entries; without the sanitizer
    runtimes unless `sanitizers`."""
    paths = library_paths(binary)
    return {lib: package_of_path(paths[lib]) if lib in paths else None for lib in needed_libraries(binary)
            if sanitizers or not SANITIZER_RUNTIME.match(lib)}


def provided_names(package):
    """The names a package satisfies in a Depends field: itself and its Provides (read from the
    installed package, else from apt's cache)."""
    if package in _provided_cache:
        return _provided_cache[package]
    names = {package}
    out = subprocess.run(["dpkg-query", "-W", "-f=${Provides}", package], capture_output=True, text=True, check=False)
    text = out.stdout
    if out.returncode != 0:  # not installed here
        out = subprocess.run(["apt-cache", "show", "--no-all-versions", package], capture_output=True, text=True,
                             check=False)
        m = re.search(r"^Provides: (.*)$", out.stdout, re.M)
        text = m.group(1) if m else ""
    for item in text.split(","):
        if item.strip():
            names.add(item.strip().split(" ")[0])
    _provided_cache[package] = names
    return names


_provided_cache = {}


def satisfied_names(packages):
    """Every name the given packages satisfy in a Depends field."""
    names = set()
    for p in packages:
        names |= provided_names(p)
    return names


def load_yaml_documents(path):
    import yaml  # checked by the callers
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def main_guard(main):
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(130)
