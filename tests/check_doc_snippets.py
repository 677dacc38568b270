"""Runs the shell and Python snippets of README.md and docs/**/*.md, in order, page by page,
against the reformsim just built and the shipped scenarios, and fails when one fails.

Usage: check_doc_snippets.py REFORMSIM_BINARY SOURCE_DIR [PAGE ...]
(Debian's /usr/bin/python3, which has h5py, numpy and pandas)

Each page runs in a fresh folder that looks like the repository root: scenarios/, notebooks/,
python/, scripts/ and docs/ are links to the source tree, build/reformsim is the binary under
test, `reformsim` is on PATH, and the Python package `reformsim` (python/) is importable, as
after `pip install ./python`. A page's ```sh and ```bash blocks run as bash scripts (set -e, so a
command that fails fails the page) and its ```python blocks with this interpreter, in the order
they appear, so a Python block reads the file a shell block above it wrote.

What does not run, and why, is decided here, not by editing a page for the test:
- a block preceded by `<!-- snippet: skip REASON -->` (a Slurm script, a cluster session);
- shell commands that build or install (install-deps.sh, test.sh, run-main.sh, cmake, ninja:
  CI runs those itself; python3 -m venv and pip install: `ctest -R PythonPackage` installs the
  package as docs/analysis.md says) or need MPI ranks (mpirun, srun: `ctest -R Mpi` runs them);
- in a usage synopsis, the optional parts in square brackets are left out
  (`compare out.h5 [--all]` runs as `compare out.h5`).
```json, ```yaml and unlabelled blocks are formats and layouts, not commands; they are not run.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BINARY, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
PAGES = sys.argv[3:] or (["README.md"] + sorted(
    os.path.relpath(p, SOURCE) for p in glob.glob(os.path.join(SOURCE, "docs", "**", "*.md"),
                                                  recursive=True)))
SKIP_COMMANDS = re.compile(r"^(bash scripts/(install-deps|test|run-main)\.sh|cmake |ninja |"
                           r"mpirun |mpiexec |srun |sbatch |python3 -m venv |\S*pip3? install )")
TIMEOUT = 600


def blocks(text):
    """(language, code, skip reason or None, line number) of every fenced block."""
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m.group(1)
        skip = None
        j = start - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0:
            s = re.match(r"^<!--\s*snippet:\s*skip\s+(.*?)\s*-->$", lines[j].strip())
            skip = s.group(1) if s else None
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1
        out.append((lang, "\n".join(body) + "\n", skip, start + 1))
    return out


def shell_commands(code):
    """The block's commands (continuation lines joined), each with what runs or why not."""
    commands, current = [], ""
    for line in code.splitlines():
        current += line
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        if current.strip():
            commands.append(current.strip())
        current = ""
    out = []
    for c in commands:
        if SKIP_COMMANDS.match(c):
            out.append((c, None))
        else:
            # Optional parts of a synopsis (e.g. `[--baseline NAME]`), not shell globs.
            out.append((c, re.sub(r"\s\[[^\]]*\]", "", c)))
    return out


def make_root(tmp):
    root = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(root, "build"))
    for d in ("scenarios", "notebooks", "python", "scripts", "docs"):
        os.symlink(os.path.join(SOURCE, d), os.path.join(root, d))
    os.symlink(BINARY, os.path.join(root, "build", "reformsim"))
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    os.symlink(BINARY, os.path.join(bindir, "reformsim"))
    return root, bindir


def main():
    failures, ran, skipped = [], 0, []
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1",
               PYTHONPATH=os.pathsep.join(
                   [os.path.join(SOURCE, "python")]
                   + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    for page in PAGES:
        with open(os.path.join(SOURCE, page)) as f:
            text = f.read()
        tmp = tempfile.mkdtemp(prefix="reformsim-doc-")
        try:
            root, bindir = make_root(tmp)
            page_env = dict(env, PATH=bindir + os.pathsep + env.get("PATH", ""))
            for lang, code, skip, line in blocks(text):
                where = "%s:%d" % (page, line)
                if lang not in ("sh", "bash", "python"):
                    continue
                if skip:
                    skipped.append("%s (%s)" % (where, skip))
                    continue
                if lang == "python":
                    cmd, stdin = ["/usr/bin/python3", "-"], code
                else:
                    script = ["set -euo pipefail"]
                    for original, runs in shell_commands(code):
                        if runs is None:
                            skipped.append("%s: %s (build, install or MPI)" % (where, original))
                        else:
                            script.append(runs)
                    if len(script) == 1:
                        continue
                    cmd, stdin = ["bash", "-c", "\n".join(script)], None
                started = time.monotonic()
                r = subprocess.run(cmd, input=stdin, cwd=root, env=page_env, text=True,
                                   capture_output=True, timeout=TIMEOUT)
                took = time.monotonic() - started
                ran += 1
                if r.returncode != 0:
                    failures.append("%s: the %s block exits %d:\n%s\n--- stderr:\n%s" % (
                        where, lang, r.returncode, code, r.stderr[-3000:]))
                    print("FAIL: " + failures[-1], file=sys.stderr)
                else:
                    print("ok %s (%s, %.1f s)" % (where, lang, took))
        finally:
            shutil.rmtree(tmp)
    for s in skipped:
        print("not run: " + s)
    if failures:
        sys.exit(1)
    print("ok: %d blocks ran, %d blocks or commands not run (above)" % (ran, len(skipped)))


if __name__ == "__main__":
    main()
