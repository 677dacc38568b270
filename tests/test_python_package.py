"""Installs the reformsim Python package the way docs/analysis.md tells a Debian user to, and
reads a real results file with it from outside the source tree.

Usage: test_python_package.py REFORMSIM_BINARY SOURCE_DIR ENGINE_VERSION
(Debian's /usr/bin/python3 with python3-venv, python3-setuptools, python3-wheel, h5py, pandas)

1. `python3 -m venv --system-site-packages VENV` (the venv sees Debian's numpy, pandas, h5py);
2. `VENV/bin/pip install --no-build-isolation --no-index ./python`, from a copy of python/ (a
   setuptools build writes build/ and *.egg-info beside the sources; the checkout stays clean):
   --no-index makes sure nothing is fetched from a package index;
3. a small run of scenarios/la_procurement.yaml, read by `import reformsim` in VENV's interpreter, in
   an empty folder, with PYTHONPATH unset: the package must come from VENV's site-packages, at
   the engine's version; reformsim.frame()'s values for one metric must be the dataset's, read
   here with h5py directly, and the frame's option and metric columns categoricals;
4. `import reformsim.plots` works in the installed package (matplotlib from Debian).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from checks import check, failures  # noqa: E402

BINARY, SOURCE, VERSION = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
METRIC = "procurement.net_savings_usd"

# Runs in the venv's interpreter, in an empty folder: prints what it imported and read.
READER = """
import json, sys
import reformsim
df = reformsim.frame(sys.argv[1], metrics=[%r])
print(json.dumps({
    "file": reformsim.__file__, "version": reformsim.__version__,
    "columns": list(df.columns), "dtypes": [str(t) for t in df.dtypes],
    "options": list(df["option"].cat.categories),
    "values": {o: df[df["option"] == o]["value"].tolist() for o in df["option"].cat.categories},
    "paths": df["path"].tolist(), "years": df["year"].tolist()}))
""" % METRIC


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("FAIL: %s exits %d:\n%s\n%s" % (" ".join(cmd), r.returncode, r.stdout[-3000:],
                                                  r.stderr[-3000:]))
    return r.stdout


def main():
    tmp = tempfile.mkdtemp(prefix="reformsim-pip-")
    try:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        venv = os.path.join(tmp, "venv")
        run([sys.executable, "-m", "venv", "--system-site-packages", venv], env=env)
        python = os.path.join(venv, "bin", "python")
        checkout = os.path.join(tmp, "checkout")
        shutil.copytree(os.path.join(SOURCE, "python"), os.path.join(checkout, "python"),
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        run([python, "-m", "pip", "install", "--no-build-isolation", "--no-index",
             "--disable-pip-version-check", "./python"], cwd=checkout, env=env)

        results = os.path.join(tmp, "procurement.h5")
        run([BINARY, "run", os.path.join(SOURCE, "scenarios", "la_procurement.yaml"), "-o", results,
             "--paths", "23", "--threads", "2", "--quiet", "--keep-paths", "all"])
        elsewhere = os.path.join(tmp, "elsewhere")
        os.makedirs(elsewhere)
        got = json.loads(run([python, "-c", READER, results], cwd=elsewhere, env=env))

        site = os.path.join(venv, "lib")
        check(got["file"].startswith(site + os.sep),
              "reformsim was imported from %s, not from the venv's site-packages" % got["file"])
        check(not got["file"].startswith(SOURCE + os.sep),
              "reformsim was imported from the source tree: %s" % got["file"])
        check(got["version"] == VERSION,
              "reformsim.__version__ is %s, the engine's (CMakeLists.txt) %s" % (got["version"],
                                                                                  VERSION))
        check(got["columns"] == ["option", "metric", "path", "year", "value"],
              "frame() columns: %s" % got["columns"])
        check(got["dtypes"][:2] == ["category", "category"],
              "frame()'s option and metric are %s, not categoricals" % got["dtypes"][:2])

        with h5py.File(results, "r") as f:
            options = [o.decode() if isinstance(o, bytes) else o for o in f.attrs["options"]]
            start = int(f.attrs["start_year"])
            check(got["options"] == options, "options %s, the file has %s" % (got["options"],
                                                                                options))
            model, name = METRIC.split(".")
            for o in options:
                expected = f["options"][o][model][name][()]
                check(np.array_equal(np.array(got["values"].get(o, [])).reshape(expected.shape),
                                     expected),
                      "%s of option %s differs from the dataset read with h5py" % (METRIC, o))
            paths, years = expected.shape
            check(got["paths"][:paths * years] == np.repeat(np.arange(paths), years).tolist(),
                  "frame()'s path column is not path by path")
            check(got["years"][:years] == list(range(start, start + years)),
                  "frame()'s year column %s, expected from %d" % (got["years"][:years], start))
            # One figure a reader would quote: a reform's mean over paths in the last year.
            figure = float(np.mean(f["options"][options[-1]][model][name][:, -1]))
        quoted = float(np.mean(np.array(got["values"][options[-1]]).reshape(paths, years)[:, -1]))
        check(quoted == figure, "last-year mean %r, h5py reads %r" % (quoted, figure))
        check(figure != 0.0, "the figure checked is 0: the metric chosen says nothing")

        plots = run([python, "-c", "import reformsim.plots as rp; print(rp.__file__)"],
                    cwd=elsewhere, env=dict(env, MPLBACKEND="Agg"))
        check(plots.strip().startswith(site + os.sep),
              "reformsim.plots was imported from %s" % plots.strip())
        if not failures:
            print("ok: installed %s %s into a venv (--system-site-packages, --no-build-isolation,"
                  " --no-index); %s of %d options x %d paths x %d years matches h5py; last-year "
                  "mean of %s %.6g" % (os.path.dirname(got["file"]), got["version"], METRIC,
                                          len(options), paths, years, options[-1], figure))
    finally:
        shutil.rmtree(tmp)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
