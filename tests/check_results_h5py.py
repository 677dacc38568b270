"""Reads a reformsim results file with h5py alone, as a notebook would.

Usage: check_results_h5py.py REFORMSIM_BINARY SCENARIO

Runs the scenario into a temporary folder, then checks the file's format attributes,
provenance (the scenario's SHA-256), dataset shapes and attributes, that a summary mean
matches both numpy over the per-path data and `reformsim summarize --json`, and that the
program refuses files whose format or format_version it does not know. Exits non-zero on
the first failure.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def as_text(v):
    """Strings are fixed-length UTF-8 (format version 3): h5py gives them as bytes."""
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def as_texts(v):
    return [as_text(x) for x in np.atleast_1d(v)]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def main():
    binary, scenario = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="reformsim-h5py-")
    try:
        out = os.path.join(tmp, "example.h5")
        run = subprocess.run([binary, "run", scenario, "-o", out, "--paths", "1200", "--quiet",
                              "--keep-paths", "all"],
                             capture_output=True, text=True)
        check(run.returncode == 0, "run failed: " + run.stderr)

        with h5py.File(out, "r") as f:
            a = f.attrs
            check(as_text(a["format"]) == "reformsim-results", "format is %r" % a["format"])
            check(int(a["format_version"]) == 7, "format_version")
            for key in ("engine_version", "git_revision", "created", "scenario_file",
                        "scenario_text", "scenario_sha256", "baseline"):
                check(isinstance(a[key], bytes) and isinstance(as_text(a[key]), str),
                      key + " is not fixed-length UTF-8 text: %r" % (a[key],))
            with open(scenario, "rb") as s:
                text = s.read()
            check(as_text(a["scenario_sha256"]) == hashlib.sha256(text).hexdigest(),
                  "scenario_sha256")
            check(a["scenario_text"] == text, "scenario_text")
            created = as_text(a["created"])
            check(created.endswith("Z") and "T" in created, "created " + created)
            paths, years = int(a["paths"]), int(a["horizon_years"])
            check(paths == 1200, "paths attribute")
            check(as_text(a["overrides"]) == "--paths 1200 --keep-paths all",
                  "overrides: %r" % a["overrides"])
            options = as_texts(a["options"])
            check(as_text(a["baseline"]) in options, "baseline not among options")
            check(as_texts(a["factors"]) == ["economy"], "factors: %r" % list(a["factors"]))

            for name in options:
                og = f["options"][name]
                metrics = as_texts(og.attrs["metrics"])
                check("fiscal.net_budget_usd" in metrics, name + ": no fiscal roll-up")
                for key in metrics:
                    model, metric = key.split(".", 1)
                    ds = og[model][metric]
                    check(ds.shape == (paths, years), key + " shape %r" % (ds.shape,))
                    check(ds.dtype == np.float64, key + " dtype")
                    check(ds.chunks is not None, key + " is not chunked")
                    check(int(ds.attrs["fiscal"]) in (-1, 0, 1), key + " fiscal")
                    check(int(ds.attrs["in_budget"]) in (0, 1), key + " in_budget")
                    check(isinstance(as_text(ds.attrs["unit"]), str), key + " unit")
                    check(as_text(ds.attrs["kind"]) in ("flow", "count", "stock", "npv"),
                          key + " kind")
                    check(as_text(ds.attrs["better"]) in ("lower", "higher"), key + " better")
                for key in as_texts(og.attrs["inputs"]):
                    check(og["inputs"][key].shape == (paths,), key + " input shape")
                sg = f["summary"][name]
                check(as_texts(sg.attrs["metrics"]) == metrics, name + ": summary metrics")

            # One mean: the summary's total of event costs against numpy over the paths.
            ds = f["options"]["prevention"]["example"]["event_cost_usd"][()]
            table = f["summary"]["prevention"]["example"]["event_cost_usd"]
            columns = as_texts(table.attrs["columns"])
            rows = as_texts(table.attrs["rows"])
            check(columns[:3] == ["mean", "sd", "se"], "columns %r" % columns)
            check(rows[-2:] == ["total", "npv"] and len(rows) == years + 2, "rows %r" % rows)
            stored_mean = table[rows.index("total"), columns.index("mean")]
            numpy_mean = ds.sum(axis=1).mean()
            check(abs(stored_mean - numpy_mean) <= 1e-9 * abs(numpy_mean),
                  "mean %r vs numpy %r" % (stored_mean, numpy_mean))
            year0 = table[0, columns.index("p50")]
            check(abs(year0 - np.quantile(ds[:, 0], 0.5)) <= 1e-9 * abs(year0), "year-0 median")

        # The default, --keep-paths headline (format 7): per path the roll-up's NPVs and payback
        # year, against numpy over the arrays of the run above (the same paths).
        head = os.path.join(tmp, "headline.h5")
        run = subprocess.run([binary, "run", scenario, "-o", head, "--paths", "1200", "--quiet"],
                             capture_output=True, text=True)
        check(run.returncode == 0, "headline run failed: " + run.stderr)
        with h5py.File(out, "r") as f, h5py.File(head, "r") as g:
            check(as_text(g.attrs["keep_paths"]) == "headline", "keep_paths")
            rate = float(f.attrs["discount_rate"])
            start = int(f.attrs["start_year"])
            years = int(f.attrs["horizon_years"])
            factor = (1.0 + rate) ** -(np.arange(years) + 0.5)
            base = as_text(f.attrs["baseline"])
            flows = {o: (f["options"][o]["fiscal"]["net_budget_usd"][()],
                         f["options"][o]["fiscal"]["program_cost_usd"][()])
                     for o in as_texts(f.attrs["options"])}
            for name, (net, cost) in flows.items():
                og = g["options"][name]
                check("fiscal" not in og, name + ": per-year roll-up kept under headline")
                hg = og["headline"]
                own = hg["npv_net_budget_usd"][()]
                check(np.allclose(own, net @ factor, rtol=1e-12, atol=1e-6), name + " own NPV")
                if name == base:
                    check(as_texts(og.attrs["headline"]) == ["npv_net_budget_usd"], "baseline")
                    continue
                impact = net - flows[base][0]
                spent = cost - flows[base][1]
                for column, flow in (("npv_net_impact_usd", impact),
                                     ("npv_program_cost_usd", spent),
                                     ("npv_gross_savings_usd", impact + spent)):
                    check(np.allclose(hg[column][()], flow @ factor, rtol=1e-12, atol=1e-6),
                          name + " " + column)
                cum = np.cumsum(impact * factor, axis=1)
                first = np.where((cum > 0).any(axis=1), start + (cum > 0).argmax(axis=1), -1)
                check(np.array_equal(hg["payback_year"][()], first), name + " payback_year")
                check(np.array_equal(g["implementation"][name]["payback_year"][()], first),
                      name + " /implementation payback_year")

        # A headline file whose columns are incomplete, unknown or damaged: refused, exit 2,
        # naming the dataset, by every reader of the per-path data.
        def headline_attr(f, option, names):
            f["options"][option].attrs["headline"] = np.array([n.encode() for n in names],
                                                              dtype="S")
        reform = next(o for o in flows if o != base)
        cases = (
            (lambda f: headline_attr(f, reform, ["npv_net_budget_usd", "npv_net_impact_usd"]),
             "/options/%s keeps neither fiscal.net_budget_usd nor its headline column "
             "npv_gross_savings_usd" % reform),
            (lambda f: headline_attr(f, base, ["npv_net_budget_usd", "../inputs"]),
             "/options/%s/headline/../inputs: not a headline column" % base),
            (lambda f: headline_attr(f, base, ["npv_net_budget_usd", "npv_net_budget_usd"]),
             "/options/%s/headline/npv_net_budget_usd: listed twice" % base),
        )
        for damage, expect in cases:
            bad = os.path.join(tmp, "bad-headline.h5")
            shutil.copy(head, bad)
            with h5py.File(bad, "r+") as f:
                damage(f)
            for command in (["compare", bad], ["sensitivity", bad], ["summarize", bad]):
                r = subprocess.run([binary] + command, capture_output=True, text=True)
                check(r.returncode == 2 and expect in r.stderr,
                      "%s: exit %d, %s" % (" ".join(command[:1]), r.returncode, r.stderr))
        # A fractional payback year (its SHA-256 rewritten to match): not a calendar year.
        bad = os.path.join(tmp, "bad-payback.h5")
        shutil.copy(head, bad)
        with h5py.File(bad, "r+") as f:
            ds = f["options"][reform]["headline"]["payback_year"]
            v = ds[()]
            v[0] = start + 0.5
            ds[...] = v
            ds.attrs["sha256"] = np.bytes_(hashlib.sha256(v.astype("<f8").tobytes()).hexdigest())
        r = subprocess.run([binary, "compare", bad], capture_output=True, text=True)
        check(r.returncode == 2 and "payback_year: %g is not a calendar year" % (start + 0.5)
              in r.stderr, "fractional payback: exit %d, %s" % (r.returncode, r.stderr))

        summary = subprocess.run([binary, "summarize", out, "--json"], capture_output=True,
                                 text=True)
        check(summary.returncode == 0, "summarize failed: " + summary.stderr)
        doc = json.loads(summary.stdout)
        option = next(o for o in doc["options"] if o["name"] == "prevention")
        metric = next(m for m in option["metrics"] if m["key"] == "example.event_cost_usd")
        check(metric["total"]["mean"] == stored_mean,
              "summarize --json mean %r != stored %r" % (metric["total"]["mean"], stored_mean))

        # A version-1 file (no kind or direction) still reads, with version 1's meanings: money
        # summed and discounted, counts summed, costs better lower.
        old = os.path.join(tmp, "v1.h5")
        shutil.copy(out, old)
        with h5py.File(old, "r+") as f:
            f.attrs["format_version"] = 1

            def strip(name, obj):
                for attr in ("kind", "better"):
                    if attr in obj.attrs:
                        del obj.attrs[attr]
            f.visititems(strip)
        r = subprocess.run([binary, "summarize", old, "--json"], capture_output=True, text=True)
        check(r.returncode == 0, "version-1 file: " + r.stderr)
        if r.returncode == 0:
            events = next(m for m in next(o for o in json.loads(r.stdout)["options"]
                                          if o["name"] == "prevention")["metrics"]
                          if m["key"] == "example.events")
            check(events["kind"] == "count" and events["aggregates"] == ["total"],
                  "version-1 count read as %r %r" % (events["kind"], events["aggregates"]))

        # Files the reader must refuse, with exit code 2.
        for attr, value, expect in (("format_version", 8, "format version 8"),
                                    ("format", "other-format", "not a reformsim results file")):
            bad = os.path.join(tmp, "bad.h5")
            shutil.copy(out, bad)
            with h5py.File(bad, "r+") as f:
                f.attrs[attr] = value
            r = subprocess.run([binary, "summarize", bad], capture_output=True, text=True)
            check(r.returncode == 2 and expect in r.stderr,
                  "%s=%r: exit %d, %s" % (attr, value, r.returncode, r.stderr))

        if shutil.which("h5dump"):
            r = subprocess.run(["h5dump", "-H", out], capture_output=True, text=True)
            check(r.returncode == 0, "h5dump failed: " + r.stderr)
    finally:
        shutil.rmtree(tmp)
    print("ok")


if __name__ == "__main__":
    main()
