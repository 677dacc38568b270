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

import numpy as np

from workforce_injury_numpy import Dist, baseline_main

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


def simulate(section, sim, factors_model, rng, paths):
    """metric name -> (paths, horizon) array for the baseline."""
    horizon = int(sim["horizon_years"])
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


if __name__ == "__main__":
    baseline_main(MODEL, simulate, __doc__)
