#!/usr/bin/python3
"""Two runs of one scenario on the same seed and paths (`reformsim run --json` summaries), per-year
means side by side: for every option, metric and year, |mean_new - mean_old| in standard errors
of the old run (its own per-year s.e.). A change that keeps the model's law (new draws of the
same distributions, or the same draws computed in another precision) stays within a few; prints
the largest, the count compared and those above the tolerance (exit 1 when any is).

    benches/reference/paired_means.py OLD.json NEW.json [--tolerance 4]
"""
import argparse
import json
import sys


def means(path):
    with open(path) as f:
        doc = json.load(f)
    out = {}
    for option in doc["summary"]["options"]:
        for m in option["metrics"]:
            for y in m.get("by_year") or []:
                out[(option["name"], m["key"], y["year"])] = (y["mean"], y["se"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--tolerance", type=float, default=4.0)
    a = ap.parse_args()
    old, new = means(a.old), means(a.new)
    if old.keys() != new.keys():
        print("the runs have different options, metrics or years", file=sys.stderr)
        return 2
    worst, worst_key, above, compared, rel = 0.0, None, [], 0, 0.0
    for k, (m0, se0) in sorted(old.items()):
        m1 = new[k][0]
        if se0 == 0.0:
            if abs(m1 - m0) > 1e-9 * max(1.0, abs(m0)):
                above.append((k, float("inf")))
            continue
        z = abs(m1 - m0) / se0
        compared += 1
        if m0 != 0.0:
            rel = max(rel, abs(m1 / m0 - 1.0))
        if z > worst:
            worst, worst_key = z, k
        if z > a.tolerance:
            above.append((k, z))
    print(f"{compared} per-year means compared; largest difference {worst:.4g} s.e. "
          f"({worst_key}); largest relative difference {rel:.3g}")
    for k, z in above:
        print(f"above {a.tolerance} s.e.: {k}: {z:.3g}")
    return 1 if above else 0


if __name__ == "__main__":
    sys.exit(main())
