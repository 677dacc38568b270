"""Breakdown metrics and fiscal years in results files, read with h5py and numpy alone.

Usage: check_breakdowns_h5py.py REFORMSIM_BINARY SOURCE_DIR

Runs scenarios/la_real_estate.yaml (fiscal years from July, every asset class broken down)
twice on the same seed, without and with `--breakdown`, and checks:
- without: no per-path array of a breakdown metric under /options (root `breakdown_paths` 0);
  with: every one, each carrying `parent`, `breakdown`, `group` (`breakdown_paths` 1);
- both files hold every breakdown metric's /summary and /comparisons tables, bit-identical;
- those tables are the statistics of the per-path arrays, computed here independently: mean,
  standard error, P5/P50/P95 of each year and of the headline aggregate (a flow's mid-year
  NPV, a stock's last year), and of the difference from the baseline, with P(better);
- per path and year, the groups of each breakdown add up to the parent (rounding aside);
- the root attributes name the years: fiscal_year_start 7, labels FY2026-27, ...;
- `summarize --breakdown asset_class` prints every group; an unknown breakdown exits 2.
"""

import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from checks import check, failures, text, texts  # noqa: E402

BINARY, SOURCE = sys.argv[1], sys.argv[2]


def run(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300)


def breakdown_sets(f, group):
    """(option, model, name, dataset) of every breakdown table under /summary or /comparisons."""
    out = []
    for opt, og in f[group].items():
        if not isinstance(og, h5py.Group):
            continue
        for model, mg in og.items():
            if isinstance(mg, h5py.Group):
                out.extend((opt, model, n, ds) for n, ds in mg.items() if "parent" in ds.attrs)
    return out


def stats(x):
    x = np.asarray(x, dtype=float)
    return {"mean": x.mean(), "se": x.std(ddof=1) / np.sqrt(len(x)),
            "p5": np.quantile(x, 0.05), "p50": np.quantile(x, 0.5), "p95": np.quantile(x, 0.95)}


def headline(v, kind, rate):
    if kind == "flow":
        return v @ (1.0 + rate) ** -(np.arange(v.shape[1]) + 0.5)
    if kind == "stock":
        return v[:, -1]
    return v.sum(axis=1)


def close(a, b, where):
    return check(abs(a - b) <= 1e-9 * max(1.0, abs(b)), "%s: table %r, computed %r" % (where, a, b))


def main():
    tmp = tempfile.mkdtemp(prefix="reformsim-breakdown-")
    scenario = os.path.join(SOURCE, "scenarios", "la_real_estate.yaml")
    plain, full = os.path.join(tmp, "plain.h5"), os.path.join(tmp, "full.h5")
    for out, extra in ((plain, ["--keep-paths", "all"]), (full, ["--breakdown"])):
        r = run("run", scenario, "-o", out, "--paths", "200", "--threads", "2", "--quiet", *extra)
        if r.returncode != 0:
            sys.exit("FAIL: reformsim run: " + r.stderr)
    with h5py.File(plain, "r") as p, h5py.File(full, "r") as f:
        check(int(p.attrs["breakdown_paths"]) == 0 and int(f.attrs["breakdown_paths"]) == 1,
              "breakdown_paths %r / %r" % (p.attrs["breakdown_paths"], f.attrs["breakdown_paths"]))
        check(int(f.attrs["fiscal_year_start"]) == 7, "fiscal_year_start %r"
              % f.attrs["fiscal_year_start"])
        labels = texts(f.attrs["fiscal_year_labels"])
        check(labels[:2] == ["FY2026-27", "FY2027-28"] and len(labels) == int(
            f.attrs["horizon_years"]), "fiscal_year_labels %r" % labels)
        check(text(f.attrs["year_basis"]) == "fiscal", "year_basis %r" % f.attrs["year_basis"])
        rate = float(f.attrs["discount_rate"])
        base = text(f.attrs["baseline"])
        summaries = breakdown_sets(f, "summary")
        check(len(summaries) >= 30, "%d breakdown summaries" % len(summaries))
        checked = 0
        for opt, model, name, ds in summaries:
            where = "/summary/%s/%s/%s" % (opt, model, name)
            # The plain file: no per-path array, the same table to the bit.
            check(name not in p["options"][opt][model], "%s: per-path array without "
                  "--breakdown" % where)
            check(np.array_equal(p[where][()], ds[()]), "%s differs without --breakdown" % where)
            per_path = f["options"][opt][model][name]
            for a in ("parent", "breakdown", "group"):
                check(text(per_path.attrs[a]) == text(ds.attrs[a]), "%s: %s" % (where, a))
            v = per_path[()]
            kind = text(ds.attrs["kind"])
            rows, cols = texts(ds.attrs["rows"]), texts(ds.attrs["columns"])
            table = ds[()]
            head = {"flow": "npv", "stock": "last", "count": "total"}[kind]
            for row, x in [(rows[0], v[:, 0]), (head, headline(v, kind, rate))]:
                for col, value in stats(x).items():
                    close(table[rows.index(row), cols.index(col)], value, "%s %s %s"
                          % (where, row, col))
                    checked += 1
            if opt == base:
                continue
            cmp_path = "/comparisons/%s/%s/%s" % (opt, model, name)
            check(np.array_equal(p[cmp_path][()], f[cmp_path][()]), "%s differs" % cmp_path)
            c = f[cmp_path]
            d = headline(v, kind, rate) - headline(f["options"][base][model][name][()], kind, rate)
            crow, ccols = texts(c.attrs["rows"]).index(head), texts(c.attrs["columns"])
            for col, value in stats(d).items():
                close(c[()][crow, ccols.index(col)], value, "%s %s %s" % (cmp_path, head, col))
                checked += 1
            better = np.mean(d < 0) if text(c.attrs["better"]) == "lower" else np.mean(d > 0)
            close(c[()][crow, ccols.index("prob_better")], better, cmp_path + " prob_better")
        # The groups add up to their parent, per path and year.
        sums = {}
        for opt, model, name, ds in summaries:
            key = (opt, model, text(ds.attrs["parent"]), text(ds.attrs["breakdown"]))
            sums[key] = sums.get(key, 0.0) + f["options"][opt][model][name][()]
        for (opt, model, parent, b), total in sums.items():
            whole = f["options"][opt][model][parent][()]
            check(np.allclose(total, whole, rtol=1e-12, atol=1e-6),
                  "%s %s.%s: the %s groups add up to %r, the metric is %r" % (
                      opt, model, parent, b, total.ravel()[:3], whole.ravel()[:3]))
    r = run("summarize", plain, "--breakdown", "asset_class")
    check(r.returncode == 0 and all(g in r.stdout for g in ("offices", "vacant_land", "(all)")),
          "summarize --breakdown: exit %d: %s" % (r.returncode, r.stdout[:300] + r.stderr))
    r = run("summarize", plain, "--breakdown", "department")
    check(r.returncode == 2 and "no breakdown named 'department'" in r.stderr
          and "asset_class" in r.stderr, "an unknown breakdown: exit %d: %s" % (r.returncode,
                                                                              r.stderr))
    print("%d statistics of %d breakdown tables match their per-path arrays" % (checked,
                                                                              len(summaries)))
    if failures:
        sys.exit("%d failures" % len(failures))
    print("ok")


if __name__ == "__main__":
    main()
