"""Executes notebooks/sweep.ipynb headlessly on two fresh sweep files and checks every figure it
writes against the file, computed independently.

Usage: run_sweep_notebook.py REFORMSIM_BINARY SOURCE_DIR [LOADED_MODULES_JSON]
(Debian's /usr/bin/python3, which has h5py, pandas, matplotlib, nbclient and ipykernel)

The sweeps: scenarios/los_angeles.yaml at a 2%, 3% and 7% discount rate (60 paths: every
model, eight options, the best option the same throughout), and a one-option toy at 2%, 6% and
14% whose best option changes from the reform to the baseline between 6% and 14% (a crossing).
Each is run through notebooks/run_notebooks.py with no notebook named, so the runner's routing
is tested too: a sweep file runs sweep.ipynb alone, a plain file every notebook but it.

Checked against the file read with h5py and numpy alone (not the reformsim package): the
notebook's table (sweep_side_by_side.csv: each option's mean NPV impact and its standard error
per variant, the NPV of option - baseline net budget flow at the variant's discount rate,
mid-year convention), its best options and P(best) (sweep_best.csv: highest mean; share of
paths where the option has the highest NPV, ties shared), and its crossings
(sweep_crossings.csv) against `reformsim compare --json` (the C++ computation). The chart must
be a non-trivial PNG, no cell output an error, and the verdict shown must match the file.
With LOADED_MODULES_JSON, writes there every module the kernels loaded (name -> file), for
tests/check_python_deps.py; the file is removed first, and written only when every check passed.
"""

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import nbformat
import numpy as np
from checks import check, failures, text, texts  # noqa: E402

BINARY, SOURCE = sys.argv[1], sys.argv[2]
LOADED = sys.argv[3] if len(sys.argv) > 3 else None
NOTEBOOKS = os.path.join(os.path.abspath(SOURCE), "notebooks")
RUNNER = os.path.join(NOTEBOOKS, "run_notebooks.py")
TOY = ("simulation: {paths: 200, horizon_years: 6, start_year: 2026, seed: 23}\n"
       "models:\n  example: {events_per_year: 40, trend: 0.25, cost_per_event_usd: 18000}\n"
       "options:\n  baseline: {}\n  prevention:\n    models: {example: {reform: "
       "{effect: 0.12, cost_usd: 170000, start_year_offset: 1}}}\n")


def reformsim(*args):
    r = subprocess.run([BINARY] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: reformsim %s: %s" % (" ".join(args), r.stderr))
    return r.stdout


def independent(h5):
    """{variant: {option: per-path NPV of the net budget impact}} from the per-path arrays."""
    out = {}
    with h5py.File(h5, "r") as f:
        for n in texts(f.attrs["variants"]):
            g = f["variants"][n]
            rate = float(g.attrs["discount_rate"])
            base = g["options"][text(g.attrs["baseline"])]["fiscal"]["net_budget_usd"][()]
            disc = (1.0 + rate) ** -(np.arange(base.shape[1]) + 0.5)
            out[n] = {o: (g["options"][o]["fiscal"]["net_budget_usd"][()] - base) @ disc
                      for o in texts(g.attrs["options"])}
    return out


def read_csv(path):
    if not check(os.path.exists(path), "%s missing" % os.path.basename(path)):
        return []
    with open(path) as fh:
        return list(csv.DictReader(fh))


def close(a, b, scale, rel=1e-9):
    return abs(a - b) <= rel * max(scale, 1e-300)


def outputs_text(path):
    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            check(o.get("output_type") != "error",
                  "%s: cell error %s" % (path, o.get("ename")))
            out.append(o.get("text", ""))
            out.append(str(o.get("data", {}).get("text/markdown", "")))
    return "\n".join(out)


def check_sweep(label, h5, out):
    """The executed notebook's figures against the file; returns how many were checked."""
    figs = os.path.join(out, "figures")
    npv = independent(h5)
    scale = max(abs(float(np.mean(v))) for d in npv.values() for v in d.values())
    n = 0
    rows = read_csv(os.path.join(figs, "sweep_side_by_side.csv"))
    check(len(rows) == sum(len(d) for d in npv.values()),
          "%s: %d rows in the table, the file has %d variant x option" % (
              label, len(rows), sum(len(d) for d in npv.values())))
    for r in rows:
        v = npv[r["variant"]][r["option"]]
        mean, se = float(np.mean(v)), float(np.std(v, ddof=1) / np.sqrt(len(v)))
        check(close(float(r["mean_npv_usd"]), mean, scale),
              "%s: %s %s mean %s, the file %r" % (label, r["variant"], r["option"],
                                                  r["mean_npv_usd"], mean))
        check(close(float(r["se_usd"]), se, scale),
              "%s: %s %s s.e. %s, the file %r" % (label, r["variant"], r["option"],
                                                  r["se_usd"], se))
        n += 2
    rows = read_csv(os.path.join(figs, "sweep_best.csv"))
    check([r["variant"] for r in rows] == list(npv), "%s: the best table's variants" % label)
    verdicts = set()
    for r in rows:
        opts = list(npv[r["variant"]])
        m = np.vstack([npv[r["variant"]][o] for o in opts])
        means = m.mean(axis=1)
        best = opts[int(np.argmax(means))]  # the first on a tie
        winners = m == m.max(axis=0)
        p_best = (winners / winners.sum(axis=0)).mean(axis=1)[opts.index(best)]
        check(r["best"] == best, "%s: %s best %s, the file %s" % (label, r["variant"],
                                                                  r["best"], best))
        check(abs(float(r["prob_best"]) - p_best) <= 1e-12,
              "%s: %s P(best) %s, the file %r" % (label, r["variant"], r["prob_best"], p_best))
        verdicts.add(best)
        n += 2
    cpp = json.loads(reformsim("compare", h5, "--json"))["crossings"]
    rows = read_csv(os.path.join(figs, "sweep_crossings.csv"))
    check(len(rows) == len(cpp), "%s: %d crossings, compare --json %d" % (label, len(rows),
                                                                          len(cpp)))
    for r, c in zip(rows, cpp):
        check([r["dimension"], r["lower"], r["upper"], r["from"], r["to"]]
              == [c["dimension"]] + c["between"] + [c["from"], c["to"]],
              "%s: crossing %r, compare --json %r" % (label, r, c))
        check(abs(float(r["value"]) - c["value"]) <= 1e-9 * abs(c["value"]),
              "%s: crossing at %s, compare --json %r" % (label, r["value"], c["value"]))
        check(abs(float(r["se"]) - c["se"]) <= 1e-6 * c["se"],
              "%s: crossing s.e. %s, compare --json %r" % (label, r["se"], c["se"]))
        n += 2
    shown = outputs_text(os.path.join(out, "sweep.ipynb"))
    if len(verdicts) == 1:
        check("The best option is the same in every variant" in shown,
              "%s: the notebook does not say the best option is the same" % label)
    else:
        check("The best option changes with the assumption" in shown,
              "%s: the notebook does not say the best option changes" % label)
    check(bool(cpp) == ("changes from" in shown), "%s: the crossings shown" % label)
    png = os.path.join(figs, "sweep_npv_by_value.png")
    if check(os.path.exists(png), "%s: sweep_npv_by_value.png missing" % label):
        with open(png, "rb") as fh:
            check(fh.read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(png) > 10000,
                  "%s: sweep_npv_by_value.png is not a chart" % label)
    print("%s: %d figures of the notebook match the file (%d crossing%s)"
          % (label, n, len(cpp), "" if len(cpp) == 1 else "s"))
    return n


def main():
    if LOADED and os.path.exists(LOADED):
        os.remove(LOADED)
    spec = importlib.util.spec_from_file_location("nb_runner", RUNNER)
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    tmp = tempfile.mkdtemp(prefix="reformsim-sweep-nb-")
    try:
        toy_yaml = os.path.join(tmp, "toy.yaml")
        with open(toy_yaml, "w") as f:
            f.write(TOY)
        files = {"la": os.path.join(tmp, "la.h5"), "toy": os.path.join(tmp, "toy.h5")}
        reformsim("run", os.path.join(SOURCE, "scenarios", "los_angeles.yaml"), "-o",
                  files["la"], "--paths", "60", "--threads", "2", "--quiet",
                  "--sweep", "simulation.discount_rate=0.02,0.03,0.07")
        reformsim("run", toy_yaml, "-o", files["toy"], "--threads", "2", "--quiet",
                  "--sweep", "simulation.discount_rate=0.02,0.06,0.14")
        plain = os.path.join(tmp, "plain.h5")
        reformsim("run", toy_yaml, "-o", plain, "--threads", "2", "--quiet")

        # The runner's default choice: the sweep notebook alone for a sweep file, never for a
        # plain one.
        sweep_nb = os.path.join(NOTEBOOKS, "sweep.ipynb")
        check(runner.default_notebooks(files["toy"]) == [sweep_nb],
              "runner: a sweep file runs %r" % runner.default_notebooks(files["toy"]))
        on_plain = runner.default_notebooks(plain)
        check(sweep_nb not in on_plain and len(on_plain) >= 5,
              "runner: a plain file runs %r" % on_plain)

        runs = {}
        for label, h5 in files.items():
            out = os.path.join(tmp, label)
            runs[label] = subprocess.Popen(
                [sys.executable, RUNNER, h5, "--out", out, "--agg", "--timeout", "120",
                 "--record-modules", out + ".modules.json"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for label, p in runs.items():
            log, _ = p.communicate()
            print("[%s]\n%s" % (label, log.strip()))
            check(p.returncode == 0, "%s: the notebook failed (exit %d)" % (label, p.returncode))
            check(log.count("ok ") == 1 and "ok sweep.ipynb" in log,
                  "%s: the runner did not run sweep.ipynb alone" % label)
        for label, h5 in files.items():
            check_sweep(label, h5, os.path.join(tmp, label))
        if LOADED and not failures:
            loaded = {}
            for label in files:
                with open(os.path.join(tmp, label + ".modules.json")) as f:
                    loaded.update(json.load(f))
            with open(LOADED, "w") as f:
                json.dump(loaded, f, indent=0, sort_keys=True)
    finally:
        shutil.rmtree(tmp)
    if failures:
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
