#!/usr/bin/python3
"""Vectorised numpy reference of reformsim's real-estate model, baseline option.

The baseline of models/real_estate (model.hpp has the process; docs/models/real_estate.md)
written the way an analyst writes it in numpy, vectorised over paths: per asset class the log
value index (per-path drift and volatility, factor loadings, an idiosyncratic normal a year);
the base surplus parcels listed at the sales capacity a year, classes in priority order, spread
evenly over the year, each closing after a lognormal time to sell at its price / appraisal
ratio, or, under the Surplus Land Act (non-exempt classes), taken up by a priority entity at a
discount after notice + negotiation or sold after the notice; the held share's operating cost,
lease income and damage (Poisson events per $1B held, spliced lognormal-Pareto losses capped at
max_loss_usd); the net cash flow, its NPV and the economic view. The baseline enables neither the
asset-management system, an accelerated disposition programme nor partnerships (an error
otherwise). Factors (AR(1) latent normals, Gaussian copula) and the scenario merge come from
workforce_injury_numpy.py. numpy's own generator (PCG64): the same distribution as reformsim,
not its numbers.

Prints JSON like build/benches/reformsim_bench_summary (per metric the per-year mean and
standard error over paths, and the wall and CPU time of the simulation).

    /usr/bin/python3 benches/reference/real_estate_numpy.py SCENARIO --paths N
"""
import math

import numpy as np

from workforce_injury_numpy import Dist, baseline_main

MODEL = "real_estate"
DAYS = 365.25


def spliced(rng, n, body, tail, cap):
    """n losses: the body lognormal below the threshold, a Pareto above it with the tail's
    probability (sim/spliced_severity.hpp), capped."""
    mu, sigma = body.p["mu"], body.p["sigma"]
    w = rng.random(n)
    if not tail:
        return np.minimum(np.exp(mu + sigma * rng.standard_normal(n)), cap)
    thr, p, shape = float(tail["threshold_usd"]), float(tail["probability"]), float(tail["shape"])
    x = np.empty(n)
    top = w >= 1.0 - p
    x[top] = thr * ((1.0 - w[top]) / p) ** (-1.0 / shape)
    # The body conditional on lying below the threshold (reformsim inverts its CDF there; numpy
    # has no normal quantile, so the normal is drawn by rejection above the truncation point).
    k = int((~top).sum())
    z_max = (math.log(thr) - mu) / sigma
    z = rng.standard_normal(k)
    bad = z > z_max
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = z > z_max
    x[~top] = np.exp(mu + sigma * z)
    return np.minimum(x, cap)


def simulate(s, sim, factors_model, rng, paths):
    """metric name -> (paths, horizon) array for the baseline."""
    H = int(sim["horizon_years"])
    r = float(sim.get("discount_rate", 0.0))
    for key in ("asset_management", "partnerships"):
        if s.get(key) is not None and s[key].get("enabled", True):  # present: on unless false
            raise ValueError(f"{key} is enabled: the reference models the baseline only")
    disp = s.get("disposition") or {}
    capacity = disp.get("sales_capacity_per_year", 11)
    if not isinstance(capacity, (int, float)):
        raise ValueError("an accelerated disposition programme: the reference models the baseline")
    capacity = int(capacity)
    classes = s["classes"]
    C = len(classes)
    factors = factors_model.draw(rng, paths, H)
    days = Dist(disp.get("time_to_sell_days", {"lognormal": {"mu": 5.247, "sigma": 0.956}}))
    ratio = Dist(disp.get("price_ratio", {"lognormal": {"mean": 1.0, "sd": 0.12}}))
    tc = Dist(disp.get("transaction_cost_share", 0.05)).sample(rng, paths)
    sla = disp.get("surplus_land_act")
    sla_on = sla is not None and sla.get("enabled", True)
    take_up = Dist(sla.get("take_up_share", 0.0)).sample(rng, paths) if sla_on else np.zeros(paths)
    discount = Dist(sla.get("discount", 0.0)).sample(rng, paths) if sla_on else np.zeros(paths)
    notice = float(sla.get("notice_days", 60)) / DAYS if sla_on else 0.0
    negotiated = (float(sla.get("notice_days", 60)) + float(sla.get("negotiation_days", 90))) / DAYS \
        if sla_on else 0.0
    dmg = s.get("damage") or {}
    phi = Dist(dmg.get("frequency_factor", 1.0)).sample(rng, paths)
    cap = float(dmg.get("max_loss_usd", math.inf))

    # Market: L[p, c, y], and per class the parameters.
    L = np.zeros((paths, C, H))
    S = np.zeros((paths, C), dtype=np.int64)
    rate = np.zeros((paths, C))
    for c, cls in enumerate(classes):
        m = cls.get("market") or {}
        if "drift" in m:
            raise ValueError("the arithmetic drift spelling is not supported by the reference")
        sigma = Dist(m.get("volatility", 0.0)).sample(rng, paths)
        mu = Dist(m.get("log_drift", 0.0)).sample(rng, paths)
        ret = mu[:, None] + sigma[:, None] * rng.standard_normal((paths, H))
        for f, beta in (m.get("loadings") or {}).items():
            ret = ret + float(beta) * factors[f]
        L[:, c] = np.cumsum(ret, axis=1)
        rate[:, c] = Dist(cls.get("operating_cost_rate", 0.03)).sample(rng, paths)
        share = Dist(cls.get("surplus_share", 0.0)).sample(rng, paths)
        N = int(cls["parcels"])
        S[:, c] = np.clip(np.floor(share * N + 0.5), 0, N).astype(np.int64)

    # Disposition: listings by capacity and priority, spread evenly over the year.
    order = sorted(range(C), key=lambda c: classes[c].get("disposition_priority", 0))
    listed_so_far = np.zeros((paths, C), dtype=np.int64)
    proceeds, sold_value = np.zeros((paths, H)), np.zeros((paths, H))
    parcels_sold, sla_given = np.zeros((paths, H)), np.zeros((paths, H))
    cnt_end, cnt_avg = np.zeros((paths, C, H)), np.zeros((paths, C, H))
    rec_end, rec_avg = np.zeros((paths, C, H)), np.zeros((paths, C, H))
    rows = np.arange(paths)
    for y in range(H):
        take = np.zeros((paths, C), dtype=np.int64)
        total = np.zeros(paths, dtype=np.int64)
        for c in order:
            take[:, c] = np.minimum(capacity - total, S[:, c] - listed_so_far[:, c])
            total += take[:, c]
        first_slot = np.cumsum(take[:, order], axis=1) - take[:, order]          # (P, C) by order
        for j, c in enumerate(order):
            cls = classes[c]
            base = float(cls.get("surplus_value_factor", 1.0)) * float(cls["market_value_usd"]) \
                / int(cls["parcels"])
            exempt = bool(cls.get("surplus_land_act_exempt", False))
            for k in range(capacity):
                on = take[:, c] > k
                n = int(on.sum())
                if n == 0:
                    break
                p = rows[on]
                listed = y + (first_slot[on, j] + k + 0.5) / total[on]
                closing = listed + days.sample(rng, n) / DAYS
                rat = ratio.sample(rng, n)
                disc = np.zeros(n)
                if sla_on and not exempt:
                    taken = rng.random(n) < take_up[p]
                    closing = np.where(taken, listed + negotiated, closing + notice)
                    disc = np.where(taken, discount[p], 0.0)
                sold = closing < H
                p, closing, rat, disc = p[sold], closing[sold], rat[sold], disc[sold]
                yr = closing.astype(np.int64)
                part = closing - yr
                before = np.where(yr > 0, L[p, c, np.maximum(yr - 1, 0)], 0.0)
                value = base * np.exp(before + part * (L[p, c, yr] - before))
                np.add.at(proceeds, (p, yr), value * rat * (1.0 - disc) * (1.0 - tc[p]))
                np.add.at(sla_given, (p, yr), value * rat * disc)
                np.add.at(sold_value, (p, yr), value)
                np.add.at(parcels_sold, (p, yr), 1.0)
                np.add.at(cnt_end, (p, c, yr), 1.0)
                np.add.at(cnt_avg, (p, c, yr), 1.0 - part)
                np.add.at(rec_end, (p, c, yr), base)
                np.add.at(rec_avg, (p, c, yr), base * (1.0 - part))
        listed_so_far += take

    # Holdings, costs, income and damage.
    value = np.zeros((paths, H))
    operating, lease = np.zeros((paths, H)), np.zeros((paths, H))
    damage, events = np.zeros((paths, H)), np.zeros((paths, H))
    perils = dmg.get("perils") or []
    for c, cls in enumerate(classes):
        V, R = float(cls["market_value_usd"]), float(cls.get("replacement_value_usd", 0.0))
        recorded = V - np.concatenate([np.zeros((paths, 1)), np.cumsum(rec_end[:, c], 1)[:, :-1]], 1)
        count = int(cls["parcels"]) - np.concatenate(
            [np.zeros((paths, 1)), np.cumsum(cnt_end[:, c], 1)[:, :-1]], 1)
        held_share = np.maximum(recorded - rec_avg[:, c], 0.0) / V
        held_count = np.maximum(count - cnt_avg[:, c], 0.0)
        operating += rate[:, c, None] * R * held_share + \
            float(cls.get("operating_cost_per_parcel_usd", 0.0)) * held_count
        lease += float(cls.get("lease_income_usd", 0.0)) * held_share * \
            float(cls.get("lease_collection_rate", 1.0))
        value += (recorded - rec_end[:, c]) * np.exp(L[:, c])
        for peril in perils:
            mean = float(peril["events_per_billion_usd"]) * phi[:, None] * R * held_share * 1e-9
            n = rng.poisson(mean)                                                   # (P, H)
            losses = spliced(rng, int(n.sum()), Dist(peril["severity"]), peril.get("tail"), cap)
            cell = np.repeat(np.arange(paths * H), n.ravel())
            damage += np.bincount(cell, losses, paths * H).reshape(paths, H)
            events += n

    program = np.zeros((paths, H))
    net = lease + proceeds - operating - damage - program
    disc_y = (1.0 + r) ** -(np.arange(H) + 0.5)
    npv = np.zeros((paths, H))
    npv[:, 0] = net @ disc_y
    econ = np.zeros((paths, H))
    econ[:, 0] = npv[:, 0] + value[:, -1] * (1.0 + r) ** -H
    zero = np.zeros((paths, H))
    return {"market_value_usd": value, "operating_cost_usd": operating, "lease_income_usd": lease,
            "disposition_proceeds_usd": proceeds, "partnership_income_usd": zero,
            "damage_losses_usd": damage, "program_cost_usd": program, "net_cash_flow_usd": net,
            "npv_net_cash_flow_usd": npv, "economic_value_usd": econ, "housing_units": zero,
            "parcels_sold": parcels_sold, "sold_value_usd": sold_value,
            "sla_discount_usd": sla_given, "damage_events": events}


if __name__ == "__main__":
    baseline_main(MODEL, simulate, __doc__)
