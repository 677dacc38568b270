#!/usr/bin/python3
"""Which procurement lever the NPV comes from: the table "lever -> share of NPV" of
docs/models/procurement.md.

Runs the Los Angeles scenario (or the scenario given) with every combination of procurement's
three levers - category management, red-tape reform, the Strategic Procurement Office with
procure-to-pay - as options against its baseline, on the same paths (common random numbers), and
attributes the NPV of the net budget impact of all three together to the levers by their
Shapley values: each lever's increment averaged over the orders in which it can be added. The
levers interact (red-tape reform saves only on the spend category management has not re-sourced,
the office's leakage reduction acts only on category management's savings), so one order's
increments would favour whichever lever comes first. Printed for the General Fund (the headline,
fiscal.net_budget_usd) and for all funds (fiscal.net_budget_all_funds_usd), with each lever alone
beside it.

Usage: /usr/bin/python3 scripts/procurement_lever_shares.py [SCENARIO] [--paths N]
       [--levers category_management red_tape ...] [--reformsim build/reformsim]
(--levers: attribute the package of these levers only, e.g. LA's procurement_core.)
The scenario must have a `procurement` model whose reforms are off in its baseline. Nothing is
written outside a temporary folder.
"""

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
LEVERS = ["category_management", "red_tape", "procurement_office"]
VIEWS = [("General Fund", "fiscal.net_budget_usd"),
         ("all funds", "fiscal.net_budget_all_funds_usd")]


SHORT = {"category_management": "cm", "red_tape": "red_tape", "procurement_office": "office"}


def option_name(subset):
    return "levers_" + "_".join(SHORT[l] for l in sorted(subset, key=LEVERS.index))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario", nargs="?",
                    default=os.path.join(HERE, "..", "scenarios", "los_angeles.yaml"))
    ap.add_argument("--paths", type=int, default=None, help="paths (default: the scenario's)")
    ap.add_argument("--levers", nargs="+", choices=LEVERS, default=LEVERS,
                    help="the package to attribute (default: all three levers)")
    ap.add_argument("--reformsim", default=os.path.join(HERE, "..", "build", "reformsim"))
    args = ap.parse_args()
    levers = [l for l in LEVERS if l in args.levers]

    scenario = os.path.abspath(args.scenario)
    with open(scenario) as f:
        baseline = yaml.safe_load(f).get("baseline", "baseline")
    subsets = [s for k in range(1, len(levers) + 1) for s in itertools.combinations(levers, k)]
    # The scenario included whole, its options replaced by the baseline and the lever subsets;
    # only the roll-up kept per path.
    options = {baseline: {"description": "the scenario's baseline"}}
    for s in subsets:
        options[option_name(s)] = {
            "description": "procurement: " + ", ".join(s),
            "models": {"procurement": {"reforms": {l: {"enabled": True} for l in s}}}}
    text = {"include": os.path.basename(scenario), "baseline": baseline, "options": options,
            "outputs": {"metrics": [key for _, key in VIEWS]}}
    if args.paths:
        text["simulation"] = {"paths": args.paths}
    with tempfile.TemporaryDirectory() as tmp:
        # Written beside the scenario would leave a file behind on a crash; piped, the include
        # is found in the working folder, the scenario's.
        results = os.path.join(tmp, "levers.h5")
        run = subprocess.run([args.reformsim, "run", "/dev/stdin", "-o", results],
                             input=yaml.safe_dump(text, sort_keys=False), text=True,
                             cwd=os.path.dirname(scenario), stdout=subprocess.DEVNULL)
        if run.returncode != 0:
            sys.exit(f"procurement_lever_shares: reformsim run failed ({run.returncode})")
        out = subprocess.run([args.reformsim, "compare", results, "--json"], check=True,
                             capture_output=True, text=True).stdout
    compared = {o["name"]: {m["key"]: m for m in o["metrics"]} for o in json.loads(out)["options"]}

    def npv(subset, key):
        if not subset:
            return 0.0
        return compared[option_name(subset)][key]["npv"]["mean"]

    n = len(levers)
    print(f"Procurement levers: NPV of the net budget impact against '{baseline}' "
          f"({os.path.relpath(scenario)}; $M, mean over paths)")
    for label, key in VIEWS:
        total = npv(tuple(levers), key)
        print(f"\n{label} ({key}): {', '.join(levers)} together {total / 1e6:,.1f}")
        print(f"{'lever':22s} {'alone':>10s} {'Shapley':>10s} {'share of NPV':>13s}")
        for lever in levers:
            others = [l for l in levers if l != lever]
            value = 0.0
            for k in range(len(others) + 1):
                weight = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
                for s in itertools.combinations(others, k):
                    with_lever = tuple(l for l in levers if l in s or l == lever)
                    value += weight * (npv(with_lever, key) - npv(s, key))
            share = value / total if total else float("nan")
            print(f"{lever:22s} {npv((lever,), key) / 1e6:10,.1f} {value / 1e6:10,.1f} "
                  f"{100 * share:12.1f}%")


if __name__ == "__main__":
    main()
