#!/usr/bin/python3
"""Vectorised numpy reference of reformsim's procurement model, baseline option.

The baseline of models/procurement (model.hpp has the equations; docs/models/procurement.md)
written the way an analyst writes it in numpy, vectorised over paths: per category c the spend
at current practice S_c(y) = S_c(-1) prod_{t<=y} (1 + g_c)(1 + e_c(t)), e_c a constant, a per-path
draw or a scenario factor's yearly value (floored at -0.5, as the model), and its split into
fund groups. In the baseline no lever is enabled, so every saving, the leakage, the program cost
and the NPV are zero (checked too). Factors (AR(1) latent normals, Gaussian copula) and the
scenario merge come from workforce_injury_numpy.py. numpy's own generator (PCG64): the same
distribution as reformsim, not its numbers.

Prints JSON like build/benches/reformsim_bench_summary (per metric the per-year mean and
standard error over paths, and the wall and CPU time of the simulation).

    /usr/bin/python3 benches/reference/procurement_numpy.py SCENARIO --paths N
"""
import argparse
import json
import sys
import time

import numpy as np
import yaml

from workforce_injury_numpy import Dist, Factors, merge, summarize

MODEL = "procurement"
FUNDS = ("general_fund", "special", "proprietary")
MIN_ESCALATION = -0.5  # models/procurement/params.hpp, kMinEscalation
ZERO = ["category_management_savings_usd", "competition_savings_usd", "processing_savings_usd",
        "leakage_usd", "net_savings_usd", "program_cost_usd", "npv_net_benefit_usd"]


class Category:
    def __init__(self, c, total):
        self.name = c["name"]
        self.base = total * float(c["share"]) if total is not None else float(c["annual_spend_usd"])
        self.growth = float(c.get("growth", 0.0))
        self.factor = c.get("price_escalation_factor")
        self.escalation = Dist(c.get("price_escalation", 0.0))
        funds = c.get("funds") or {"general_fund": 1.0}
        self.funds = np.array([float(funds.get(g, 0.0)) for g in FUNDS])


def simulate(section, factors_model, rng, paths, horizon):
    """metric name -> (paths, horizon) array for the baseline."""
    total = section.get("annual_spend_usd")
    cats = [Category(c, float(total) if total is not None else None)
            for c in section["categories"]]
    factors = factors_model.draw(rng, paths, horizon)
    spend = np.zeros((paths, horizon))
    by_fund = np.zeros((len(FUNDS), paths, horizon))
    for c in cats:
        if c.factor:
            e = np.maximum(MIN_ESCALATION, factors[c.factor])                    # (P, H)
        else:
            e = np.broadcast_to(c.escalation.sample(rng, paths)[:, None], (paths, horizon))
        s = c.base * np.cumprod((1.0 + c.growth) * (1.0 + e), axis=1)
        spend += s
        by_fund += c.funds[:, None, None] * s[None]
    out = {"spend_usd": spend}
    for g, name in enumerate(FUNDS):
        out[f"spend.{name}_usd"] = by_fund[g]
    for m in ZERO:
        out[m] = np.zeros((paths, horizon))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--paths", type=int, default=None, help="paths (default: the scenario's)")
    ap.add_argument("--seed", type=int, default=None, help="numpy seed (default: the scenario's)")
    args = ap.parse_args()
    with open(args.scenario) as f:
        doc = yaml.safe_load(f)
    sim = dict(doc.get("simulation", {}))
    horizon = int(sim.get("horizon_years", 10))
    paths = args.paths or int(sim.get("paths", 1000))
    seed = args.seed if args.seed is not None else int(sim.get("seed", 1))
    baseline = doc.get("baseline", "baseline")
    patch = (((doc.get("options") or {}).get(baseline) or {}).get("models") or {}).get(MODEL)
    section = merge(doc["models"][MODEL], patch) if patch else doc["models"][MODEL]

    start, cpu0 = time.perf_counter(), time.process_time()
    values = simulate(section, Factors(doc), np.random.default_rng(seed), paths, horizon)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    out = {"scenario": args.scenario, "paths": paths, "threads": 1, "options": 1,
           "horizon_years": horizon, "start_year": sim.get("start_year", 2025),
           "wall_s": wall, "cpu_s": cpu, "paths_per_s": paths / wall,
           "results": {baseline: {f"{MODEL}.{m}": summarize(v) for m, v in values.items()}}}
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
