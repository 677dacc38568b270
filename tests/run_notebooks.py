"""Executes every notebook in notebooks/ headlessly against fresh results, and fails on any
cell error (sweep.ipynb, which reads a sweep file, is run by tests/run_sweep_notebook.py; its
outputs and first cell are checked here as every notebook's).

Usage: run_notebooks.py REFORMSIM_BINARY SOURCE_DIR [LOADED_MODULES_JSON]
(Debian's /usr/bin/python3, which has h5py, pandas, matplotlib, nbclient and ipykernel)

Runs two small scenarios: the combined Los Angeles one (every model) and the procurement-only
one (so the workforce notebook must say politely that its model is absent). Executes the
notebooks with notebooks/run_notebooks.py (matplotlib's Agg backend), then checks that each
saved its PNG charts, that no cell output is an error, and that the notebooks in the
repository are committed without outputs. When the results hold /comparisons or /sensitivity,
the comparison notebook also runs on a copy without them (computed from the per-path data).
With LOADED_MODULES_JSON, writes there every module the notebooks' kernels loaded (name ->
file), for tests/check_python_deps.py; the file is removed first, and written only when every
notebook ran.

The tornado charts' dollar swings (compare_tornado_<option>.csv) are checked against an
independent computation from the file's per-path arrays with h5py and numpy alone: the NPV of
option - baseline net budget flow, an ordinary least-squares fit on every varying input with an
intercept, and each slope times the input's P10-P90 range.
"""

import csv
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import nbformat

from h5_oracles import independent_swings
from checks import check, failures  # noqa: E402

BINARY, SOURCE = sys.argv[1], sys.argv[2]
# value_of_information.ipynb makes its sensitivity file with the program under test.
os.environ["REFORMSIM_BINARY"] = os.path.abspath(BINARY)
LOADED = sys.argv[3] if len(sys.argv) > 3 else None
NOTEBOOKS = os.path.join(SOURCE, "notebooks")
RUNNER = os.path.join(NOTEBOOKS, "run_notebooks.py")
PATHS = "60"

# The PNGs each notebook must write on a file with every model (prefix of the name).
EXPECTED = {
    "compare_reform_options": ["compare_fan_net_budget_impact", "compare_npv_impact_histograms",
                               "compare_npv_impact_ecdf", "compare_prob_better_best",
                               "compare_targets", "compare_tornado_everything"],
    "workforce_injury": ["workforce_claims_lost_days", "workforce_paid_vs_incurred",
                         "workforce_reform_effects", "workforce_savings_by_year",
                         "workforce_drivers"],
    "procurement": ["procurement_spend", "procurement_savings_by_lever",
                    "procurement_levers_by_year", "procurement_leakage", "procurement_npv",
                    "procurement_npv_by_fund", "procurement_category_savings_rates",
                    "procurement_drivers"],
    "real_estate": ["real_estate_portfolio_value", "real_estate_proceeds", "real_estate_damage",
                    "real_estate_housing", "real_estate_npv", "real_estate_drivers"],
    "value_of_information": ["voi_evppi", "voi_sobol"],
}


def simulate(scenario, out):
    r = subprocess.run([BINARY, "run", os.path.join(SOURCE, "scenarios", scenario), "-o", out,
                        "--paths", PATHS, "--threads", "2", "--quiet",
                        "--keep-paths", "all"],  # the model notebooks read model metrics per path
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: reformsim run %s: %s" % (scenario, r.stderr))


def start(results, out, notebooks):
    cmd = [sys.executable, RUNNER, results, "--out", out, "--agg", "--timeout", "120",
           "--record-modules", out + ".modules.json"]
    cmd += [os.path.join(NOTEBOOKS, n + ".ipynb") for n in notebooks]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def outputs_text(path):
    nb = nbformat.read(path, as_version=4)
    text = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            check(o.get("output_type") != "error",
                  "%s: cell error %s" % (os.path.basename(path), o.get("ename")))
            text.append(o.get("text", ""))
            text.append(str(o.get("data", {}).get("text/markdown", "")))
    return "\n".join(text)


def png_ok(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(path) > 10000


def check_swings(h5, figures, label):
    """The notebook's tornado CSVs against independent_swings; returns how many were checked."""
    with h5py.File(h5, "r") as f:
        options = [o.decode() if isinstance(o, bytes) else str(o) for o in f.attrs["options"]]
    checked = 0
    for option in options[1:]:
        path = os.path.join(figures, "compare_tornado_%s.csv" % option)
        if not os.path.exists(path):
            check(False, "%s: %s missing" % (label, os.path.basename(path)))
            continue
        with open(path) as fh:
            rows = {r["input"]: float(r["swing_usd"] or "nan") for r in csv.DictReader(fh)}
        expected = independent_swings(h5, option)
        if expected is None:
            check(all(math.isnan(v) for v in rows.values()),
                  "%s: %s has swings without a regression" % (label, option))
            continue
        scale = max(abs(v) for v in expected.values())
        for name, swing in rows.items():
            check(abs(swing - expected[name]) <= 1e-6 * scale,
                  "%s: %s swing of %s is %r, independently %r"
                  % (label, option, name, swing, expected[name]))
        checked += 1
    return checked


def main():
    # The repository keeps notebooks without outputs.
    every = sorted(os.path.basename(p)[:-6] for p in glob.glob(os.path.join(NOTEBOOKS,
                                                                            "*.ipynb")))
    # sweep.ipynb reads a sweep file: tests/run_sweep_notebook.py runs and checks it.
    names = [n for n in every if n != "sweep"]
    check(names == sorted(EXPECTED), "notebooks: %r" % names)
    for n in every:
        nb = nbformat.read(os.path.join(NOTEBOOKS, n + ".ipynb"), as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                check(not cell.outputs and cell.execution_count is None,
                      "%s.ipynb is committed with outputs" % n)
        first = next(c for c in nb.cells if c.cell_type == "code")
        check("REFORMSIM_RESULTS" in first.source and "REFORMSIM_FIGURES" in first.source,
              "%s.ipynb: the first code cell must set RESULTS and FIGURES" % n)

    if LOADED and os.path.exists(LOADED):
        os.remove(LOADED)
    tmp = tempfile.mkdtemp(prefix="reformsim-nb-")
    try:
        la = os.path.join(tmp, "la.h5")
        proc = os.path.join(tmp, "procurement.h5")
        simulate("los_angeles.yaml", la)
        simulate("la_procurement.yaml", proc)
        runs = [("la", start(la, os.path.join(tmp, "la"), names)),
                ("procurement", start(proc, os.path.join(tmp, "procurement"),
                                      ["procurement", "workforce_injury",
                                       "compare_reform_options"]))]
        with h5py.File(la, "r") as f:
            stored = "comparisons" in f or "sensitivity" in f
        if stored:
            bare = os.path.join(tmp, "la_bare.h5")
            shutil.copy(la, bare)
            with h5py.File(bare, "r+") as f:
                for g in ("comparisons", "sensitivity"):
                    if g in f:
                        del f[g]
            runs.append(("la_bare", start(bare, os.path.join(tmp, "la_bare"),
                                          ["compare_reform_options"])))
        for label, p in runs:
            out, _ = p.communicate()
            print("[%s]\n%s" % (label, out.strip()))
            check(p.returncode == 0, "%s: notebooks failed (exit %d)" % (label, p.returncode))
        if LOADED and not failures:
            loaded = {}
            for label, _ in runs:
                with open(os.path.join(tmp, label + ".modules.json")) as f:
                    loaded.update(json.load(f))
            with open(LOADED, "w") as f:
                json.dump(loaded, f, indent=0, sort_keys=True)

        for n in names:
            outputs_text(os.path.join(tmp, "la", n + ".ipynb"))
            for png in EXPECTED[n]:
                path = os.path.join(tmp, "la", "figures", png + ".png")
                check(os.path.exists(path) and png_ok(path), "la: %s.png missing or empty" % png)
        check(os.path.exists(os.path.join(tmp, "la", "figures", "compare_planner_table.csv")),
              "la: compare_planner_table.csv missing")
        checked = check_swings(la, os.path.join(tmp, "la", "figures"), "la")
        check(checked >= 3, "la: only %d options' dollar swings could be checked" % checked)
        print("la: the dollar swings of %d options match the independent computation" % checked)

        figs = os.path.join(tmp, "procurement", "figures")
        for png in EXPECTED["procurement"] + ["compare_fan_net_budget_impact"]:
            check(os.path.exists(os.path.join(figs, png + ".png")),
                  "procurement file: %s.png missing" % png)
        text = outputs_text(os.path.join(tmp, "procurement", "workforce_injury.ipynb"))
        check("has no workforce injury results" in text,
              "workforce notebook on a procurement-only file does not say the model is absent")
        check(not glob.glob(os.path.join(figs, "workforce_*.png")),
              "workforce charts drawn from a file without the model")
        outputs_text(os.path.join(tmp, "procurement", "procurement.ipynb"))
        if stored:
            text = outputs_text(os.path.join(tmp, "la_bare", "compare_reform_options.ipynb"))
            check("computed here from the per-path data" in text,
                  "compare notebook on a file without /comparisons does not say so")
            check_swings(bare, os.path.join(tmp, "la_bare", "figures"), "la_bare")
    finally:
        shutil.rmtree(tmp)
    if failures:
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
