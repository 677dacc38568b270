"""Fails when a Python module the project loads comes from a Debian package that
scripts/install-deps.sh does not install.

Usage: check_python_deps.py SOURCE_DIR [LOADED_MODULES_JSON ...]
(Debian's /usr/bin/python3, the interpreter the notebooks and scripts run under)

install-deps.sh installs its list with --no-install-recommends, so what a fresh machine has is
the list and everything it Depends on (Pre-Depends included), nothing it only Recommends. A
module that some package here merely recommends (python3-jinja2, which pandas imports lazily for
DataFrame.style) works on a machine that happens to have it and fails on a fresh one. Two views
catch that:

- static: every module imported anywhere (top level, functions, try blocks) in notebooks/*.ipynb,
  notebooks/*.py, python/**/*.py (the reformsim package), scripts/*.py, tests/*.py and
  benches/**/*.py, resolved by this interpreter;
- dynamic: the files of every module actually loaded while the notebooks ran
  (LOADED_MODULES_JSON, written by notebooks/run_notebooks.py --record-modules), which holds the
  lazy imports of the libraries' features the code uses.

Each module's file is mapped to its package with dpkg-query -S. The standard library is checked
too: tkinter, distutils or lib2to3, for instance, come in packages of their own. A module this
interpreter cannot find, or whose file no package owns (pip), is an error as well.
"""

import ast
import glob
import importlib.util
import json
import os
import re
import subprocess
import sys

SOURCE = os.path.abspath(sys.argv[1])
LOADED = sys.argv[2:]

SCANNED = ["notebooks/*.ipynb", "notebooks/*.py", "python/**/*.py", "scripts/*.py", "tests/*.py",
           "benches/**/*.py"]


def install_list():
    out = subprocess.run(["bash", os.path.join(SOURCE, "scripts", "install-deps.sh"), "--list"],
                         capture_output=True, text=True, check=True).stdout
    return [p for p in out.split() if p]


def installed_packages():
    """name -> (depends groups, provides) for every installed package; a group is a list of
    alternatives."""
    fmt = "${db:Status-Status}\t${Package}\t${Pre-Depends}, ${Depends}\t${Provides}\n"
    out = subprocess.run(["dpkg-query", "-W", "-f", fmt], capture_output=True, text=True,
                         check=True).stdout
    pkgs, provided_by = {}, {}

    def names(field):
        groups = []
        for group in field.split(","):
            alts = [re.sub(r"[\s(].*$", "", a.strip()).split(":")[0] for a in group.split("|")]
            alts = [a for a in alts if a]
            if alts:
                groups.append(alts)
        return groups

    for line in out.splitlines():
        status, name, depends, provides = (line.split("\t") + ["", "", "", ""])[:4]
        if status != "installed":
            continue
        pkgs[name] = names(depends)
        for (p,) in names(provides):
            provided_by.setdefault(p, []).append(name)
    return pkgs, provided_by


def closure(roots, pkgs, provided_by):
    """What `apt-get install --no-install-recommends ROOTS` brings: Depends and Pre-Depends,
    recursively. Of alternatives, the first one that is installed here counts (apt prefers the
    first); a virtual name counts as its installed providers."""
    def real(name):
        if name in pkgs:
            return [name]
        return provided_by.get(name, [])

    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        for p in real(name):
            if p in seen:
                continue
            seen.add(p)
            for alts in pkgs[p]:
                for a in alts:
                    if real(a):
                        todo.extend(real(a))
                        break
    return seen


def cell_python(source):
    # IPython turns magics and shell escapes into Python the way the kernel does.
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def imports_in(path):
    if path.endswith(".ipynb"):
        with open(path) as f:
            nb = json.load(f)
        sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                   for c in nb["cells"] if c["cell_type"] == "code"]
        sources = [cell_python(s) for s in sources]
    else:
        with open(path) as f:
            sources = [f.read()]
    found = set()
    for src in sources:
        tree = ast.parse(src, filename=path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def local_modules():
    # The project's own modules (notebooks/run_notebooks.py, ...) import as plain names, and
    # its package as `reformsim` (python/reformsim/).
    names = set()
    for pattern in SCANNED:
        for p in glob.glob(os.path.join(SOURCE, pattern), recursive=True):
            if p.endswith(".py"):
                names.add(os.path.basename(p)[:-3])
    for init in glob.glob(os.path.join(SOURCE, "python", "*", "__init__.py")):
        names.add(os.path.basename(os.path.dirname(init)))
    return names


def module_file(name):
    """The file `import name` loads here, None for a built-in, or raises LookupError."""
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise LookupError(name)
    if spec.origin in (None, "built-in", "frozen"):
        return None
    return spec.origin


def owners_of_exact(files):
    """file -> package for the files dpkg has recorded under exactly that path."""
    result = {}
    for i in range(0, len(files), 200):
        chunk = files[i:i + 200]
        out = subprocess.run(["dpkg-query", "-S"] + chunk, capture_output=True, text=True).stdout
        for line in out.splitlines():
            pkg, _, path = line.partition(": ")
            if path in chunk:
                result.setdefault(path, pkg.split(", ")[0].split(":")[0])
    return result


def owners(files):
    """file -> package, by dpkg-query -S (files no package owns are left out)."""
    files = sorted(set(files))
    result = owners_of_exact(files)
    # A file reached through a symlinked folder (debugpy's vendored pydevd) is recorded under
    # its real path; a /usr-merged one under the path the package shipped it at (/lib/...).
    missing = [f for f in files if f not in result]
    alternatives = {}
    for f in missing:
        real = os.path.realpath(f)
        for alt in (real, real[4:] if real.startswith("/usr/lib/") else None):
            if alt and alt != f:
                alternatives.setdefault(alt, f)
    if alternatives:
        found = owners_of_exact(sorted(alternatives))
        for alt, pkg in found.items():
            result.setdefault(alternatives[alt], pkg)
    return result


def main():
    listed = install_list()
    pkgs, provided_by = installed_packages()
    not_installed = [p for p in listed if p not in pkgs]
    available = closure(listed, pkgs, provided_by)
    problems = []
    if not_installed:
        problems.append("packages on the install list are not installed here: %s "
                        "(run scripts/install-deps.sh)" % " ".join(not_installed))

    wanted = {}  # file -> where it is needed
    local = local_modules()
    n_files = 0
    for pattern in SCANNED:
        for path in sorted(glob.glob(os.path.join(SOURCE, pattern), recursive=True)):
            n_files += 1
            rel = os.path.relpath(path, SOURCE)
            for name in sorted(imports_in(path) - local - {"__future__"}):
                try:
                    f = module_file(name)
                except (LookupError, ImportError, ValueError):
                    problems.append("%s imports '%s', which %s cannot find" %
                                    (rel, name, sys.executable))
                    continue
                if f:
                    wanted.setdefault(f, "%s imports '%s'" % (rel, name))

    n_loaded = 0
    for lst in LOADED:
        if not os.path.exists(lst):
            problems.append("%s is missing: the notebook run that writes it failed or did "
                            "not run" % lst)
            continue
        with open(lst) as f:
            loaded = json.load(f)
        for name, f in sorted(loaded.items()):
            n_loaded += 1
            if f.startswith(SOURCE + os.sep):
                continue
            wanted.setdefault(f, "the notebooks load '%s'" % name)

    owner = owners(wanted)
    outside = {}  # package -> why it is needed
    for f, why in sorted(wanted.items(), key=lambda kv: kv[1]):
        pkg = owner.get(f)
        if pkg is None:
            problems.append("%s from %s, which no Debian package provides" % (why, f))
        elif pkg not in available:
            outside.setdefault(pkg, []).append("%s (%s)" % (why, f))
    for pkg, whys in sorted(outside.items()):
        more = " and %d more" % (len(whys) - 3) if len(whys) > 3 else ""
        problems.append("package %s, which scripts/install-deps.sh does not install (nor anything "
                        "on its list Depends on), is needed: %s%s. Add it to the list in "
                        "scripts/install-deps.sh" % (pkg, "; ".join(whys[:3]), more))

    if problems:
        for p in sorted(set(problems)):
            print("FAIL: " + p, file=sys.stderr)
        sys.exit(1)
    print("ok: %d files scanned, %d loaded modules, %d module files from %d packages, all in "
          "the closure of the %d listed packages" %
          (n_files, n_loaded, len(wanted), len(set(owner.values())), len(listed)))


if __name__ == "__main__":
    main()
