"""reformsim's pick-freeze Sobol' indices against OpenTURNS' on the very same sample.

Usage: check_sobol_openturns.py SOBOL_CHECK_BINARY

The binary (tests/sobol_check.cpp) prints designs of the Ishigami function and the Sobol'
G-function in OpenTURNS' layout (A, B, E_1..E_d) with their outputs and reformsim's indices.
OpenTURNS recomputes the indices from the same input and output samples:
- reformsim's first-order estimator (Saltelli 2010: mean of y_B (y_Ei - y_A) over V) is
  OpenTURNS' Mauntz-Kucherenko first order, and its total (Jansen 1999) is OpenTURNS' Jansen
  total, up to N vs N - 1, the centring and the variance's normalisation (terms of order 1/N):
  they must agree to 0.01;
- OpenTURNS' Saltelli (2002) and Martinez estimators are other estimators of the same indices
  from the same sample, with noise of their own (larger for small indices): their totals must
  agree within 0.02 plus 3 of reformsim's bootstrap standard errors; their first orders are
  printed for comparison.
Exits 1 naming every disagreement.
"""

import json
import subprocess
import sys

import openturns as ot


def main():
    out = subprocess.run([sys.argv[1]], check=True, capture_output=True, text=True).stdout
    failures = []
    for case in json.loads(out):
        n, d = case["n"], case["d"]
        x = ot.Sample(case["x"])
        y = ot.Sample([[v] for v in case["y"]])
        ours_first = [e["value"] for e in case["first"]]
        ours_total = [e["value"] for e in case["total"]]
        se_total = [e["se"] for e in case["total"]]
        algos = {
            "MauntzKucherenko": ot.MauntzKucherenkoSensitivityAlgorithm(x, y, n),
            "Jansen": ot.JansenSensitivityAlgorithm(x, y, n),
            "Saltelli": ot.SaltelliSensitivityAlgorithm(x, y, n),
            "Martinez": ot.MartinezSensitivityAlgorithm(x, y, n),
        }
        for name, algo in algos.items():
            first = list(algo.getFirstOrderIndices())
            total = list(algo.getTotalOrderIndices())
            for i in range(d):
                print(
                    f"{case['name']} X{i + 1} {name:16s} S1 ours {ours_first[i]:+.4f} OT {first[i]:+.4f}"
                    f"  ST ours {ours_total[i]:+.4f} OT {total[i]:+.4f}"
                )
                if name == "MauntzKucherenko" and abs(first[i] - ours_first[i]) > 0.01:
                    failures.append(f"{case['name']} S{i + 1} {name}: {first[i]} vs {ours_first[i]}")
                if name == "Jansen" and abs(total[i] - ours_total[i]) > 0.01:
                    failures.append(f"{case['name']} ST{i + 1} {name}: {total[i]} vs {ours_total[i]}")
                if name in ("Saltelli", "Martinez") and abs(total[i] - ours_total[i]) > 0.02 + 3 * se_total[i]:
                    failures.append(f"{case['name']} ST{i + 1} {name}: {total[i]} vs {ours_total[i]}")
    if failures:
        print("DISAGREE:\n" + "\n".join(failures))
        return 1
    print("reformsim and OpenTURNS agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
