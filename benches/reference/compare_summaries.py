#!/usr/bin/python3
"""How far two `reformsim_bench_summary` outputs of one scenario differ, mean by mean.

For a change meant to move results only at rounding level (e.g. a more exact special
function): every option, metric and year's mean of NEW against OLD, the largest relative
difference and the largest in OLD's standard errors, and the checksums.

    benches/reference/compare_summaries.py OLD.json NEW.json
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        old = json.load(f)
    with open(sys.argv[2]) as f:
        new = json.load(f)
    worst_rel, worst_se, where_rel, where_se, n = 0.0, 0.0, "", "", 0
    for option, metrics in old["results"].items():
        for metric, a in metrics.items():
            b = new["results"][option][metric]
            for year, (x, y, se) in enumerate(zip(a["mean"], b["mean"], a["se"])):
                n += 1
                d = abs(x - y)
                rel = d / abs(x) if d else 0.0
                if rel > worst_rel:
                    worst_rel, where_rel = rel, f"{option} {metric} year {year}"
                if se > 0 and d / se > worst_se:
                    worst_se, where_se = d / se, f"{option} {metric} year {year}"
    print(f"{n} means; checksums {old['checksum']} -> {new['checksum']}")
    print(f"largest relative difference {worst_rel:.3g} ({where_rel or '-'})")
    print(f"largest difference in standard errors {worst_se:.3g} ({where_se or '-'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
