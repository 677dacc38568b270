"""Runs reformsim's notebooks headlessly against one results file.

Usage (Debian's python3, which has h5py, pandas, matplotlib, nbclient and ipykernel):

    /usr/bin/python3 notebooks/run_notebooks.py RESULTS.h5 [--out DIR] [NOTEBOOK ...]

Executes each notebook (default: every *.ipynb in this folder that reads RESULTS's kind of
file: sweep.ipynb alone for a sweep file, `reformsim run --sweep`, every other one for a plain
file) with RESULTS as its results file, writes the executed copy, outputs included, to
DIR/<notebook>.ipynb and its charts as PNG to DIR/figures/ (DIR defaults to ./report). Exits
1 if a cell fails, naming the notebook, the cell and the error. The notebooks in the repository
stay without outputs.

The kernel is this interpreter (a private "python3" kernelspec on JUPYTER_PATH), whatever
kernels are installed elsewhere, so the notebooks see the same packages as this script, and it
imports the reformsim package from this checkout's python/ folder (first on PYTHONPATH), so
the notebooks run with the reader of the engine beside them, installed or not.

With --record-modules FILE, each kernel that ran its notebook to the end adds the modules it
loaded (name -> file, lazy imports of pandas and matplotlib included) to FILE as JSON;
tests/check_python_deps.py maps them to the Debian packages that must be installed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.join(os.path.dirname(HERE), "python")  # holds the reformsim package
# Importing ipykernel (for the kernelspec) loads debugpy, which warns about frozen modules on
# Python 3.11; no debugger is used here.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


# The notebooks that read a sweep file (docs/results-format.md, "Sweep files"); the others read
# a plain one (or one variant of a sweep, opened with open_results(path, variant)).
SWEEP_NOTEBOOKS = ("sweep.ipynb",)
def keep_paths(path: str) -> str:
    """The file's root attribute keep_paths ("all" when absent, as in files before version 6)."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            value = f.attrs.get("keep_paths", b"all")
    except OSError:
        return "all"
    return value.decode() if isinstance(value, bytes) else str(value)


def is_sweep(path: str) -> bool:
    """True when `path` is a sweep file (its root attribute layout is "sweep")."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            layout = f.attrs.get("layout", b"")
    except OSError:  # not HDF5: the notebooks say so
        return False
    return (layout.decode() if isinstance(layout, bytes) else str(layout)) == "sweep"


def default_notebooks(results: str) -> list:
    """Every notebook in this folder that reads the kind of file `results` is."""
    sweep = is_sweep(results)
    return [p for p in sorted(glob.glob(os.path.join(HERE, "*.ipynb")))
            if (os.path.basename(p) in SWEEP_NOTEBOOKS) == sweep]


def private_kernelspec(root: str) -> None:
    """Makes "python3" mean this interpreter for kernels started from this process."""
    dest = os.path.join(root, "kernels", "python3")
    os.makedirs(dest, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (reformsim)", "language": "python"}
    with open(os.path.join(dest, "kernel.json"), "w") as f:
        json.dump(spec, f)
    paths = os.environ.get("JUPYTER_PATH", "")
    os.environ["JUPYTER_PATH"] = root + (os.pathsep + paths if paths else "")


# Run after a notebook's last cell when --record-modules is given; prints nothing.
RECORD_MODULES = """import json as _json, sys as _sys
with open(%r, "w") as _f:
    _json.dump({_n: _m.__file__ for _n, _m in list(_sys.modules.items())
               if isinstance(getattr(_m, "__file__", None), str)}, _f)"""


def run_notebook(path: str, results: str, out_dir: str, timeout: int,
                 record: str | None = None) -> str | None:
    """Executes one notebook; returns None on success, else a description of the failure.
    With `record`, writes the modules the kernel loaded to that file (JSON, name -> file)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = nbformat.read(path, as_version=4)
    if record:
        nb.cells.append(nbformat.v4.new_code_cell(RECORD_MODULES % os.path.abspath(record)))
    os.environ["REFORMSIM_RESULTS"] = os.path.abspath(results)
    os.environ["REFORMSIM_FIGURES"] = os.path.abspath(os.path.join(out_dir, "figures"))
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout,
                            resources={"metadata": {"path": HERE}})
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        error = str(e)
    finally:
        if record:
            nb.cells.pop()
        nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
    return error


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", help="reformsim results file (HDF5)")
    ap.add_argument("notebooks", nargs="*",
                    help="notebooks to run (default: all that read this kind of file)")
    ap.add_argument("--out", default="report", help="folder for executed notebooks and figures")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    ap.add_argument("--agg", action="store_true",
                    help="use matplotlib's Agg backend (headless; charts still saved and shown)")
    ap.add_argument("--record-modules", metavar="FILE",
                    help="write the modules the notebooks loaded (JSON, name -> file) to FILE")
    args = ap.parse_intermixed_args(argv)

    if not os.path.isfile(args.results):
        print("run_notebooks: %s: no such file" % args.results, file=sys.stderr)
        return 2
    notebooks = args.notebooks or default_notebooks(args.results)
    for nb in notebooks:
        if not os.path.isfile(nb):
            print("run_notebooks: %s: no such notebook" % nb, file=sys.stderr)
            return 2
    kept = keep_paths(args.results)
    if kept != "all":
        # The notebooks read the models' metrics per path (every one of them, the comparison's
        # per-model sections included): refused before any runs, naming the flag.
        print("run_notebooks: %s: the notebooks read the models' per-path arrays, and the run "
              "kept %s (--keep-paths %s); run it with --keep-paths all"
              % (args.results, "none" if kept == "none" else "only the headline's", kept),
              file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    paths = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = PACKAGE_ROOT + (os.pathsep + paths if paths else "")
    if args.agg:
        os.environ["MPLBACKEND"] = "Agg"
    failures = 0
    loaded: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="reformsim-kernel-") as kernels:
        private_kernelspec(kernels)
        for nb in notebooks:
            start = time.monotonic()
            record = os.path.join(kernels, "modules.json") if args.record_modules else None
            error = run_notebook(nb, args.results, args.out, args.timeout, record)
            if record and os.path.exists(record):
                with open(record) as f:
                    loaded.update(json.load(f))
                os.remove(record)
            took = time.monotonic() - start
            name = os.path.basename(nb)
            if error:
                failures += 1
                print("FAILED %s (%.1f s):\n%s" % (name, took, error), file=sys.stderr)
            else:
                print("ok %s (%.1f s) -> %s" % (name, took, os.path.join(args.out, name)))
    if args.record_modules:
        with open(args.record_modules, "w") as f:
            json.dump(loaded, f, indent=0, sort_keys=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
