#!/usr/bin/python3
"""Vectorized numpy reference implementation of reformsim's workforce injury model.

The planner's alternative to reformsim: the same generative process (docs/models/
workforce_injury.md, section 1; models/workforce_injury/ is the truth), written the way a
careful analyst would write it in numpy: every claim of a batch of paths in flat arrays, masks
instead of branches, np.bincount for the sums. It reads the same scenario YAML (base section
plus each option's overrides, merged like reformsim merges them) and draws from numpy's own
generator (PCG64), so it reproduces the distribution of every output, not reformsim's numbers.

Supported: Poisson and negative-binomial counts, uncertain parameters of the families below,
yearly factors with normal or lognormal marginals (AR(1), Gaussian copula), the four reforms
with start years, ramp-up and department coverage, litigation, fraud, the payment pattern and
run_off `expected` (the default) or `none`; and issue 19's presumption shares (the class safety
cannot prevent), litigation's causal share (what an ADR-settled dispute keeps), the Pareto tail
spliced onto the lost-time medical cost (drawn here as the mixture it is: a normal deviate above
the threshold's picks the tail, then a fresh Pareto draw), LC 4850 salary continuation and
bootstrap payment patterns (parsed from models/workforce_injury/payment_pattern_bootstrap.inc),
and the calendar-year medical trend of payments (medical_trend).
Not supported (an error): run_off `simulated`. Department groups (breakdown metrics) are not
computed.

Prints JSON like build/benches/reformsim_bench_summary: per option and metric, the per-year
mean and standard error over paths, and the wall time of the simulation.

    /usr/bin/python3 benches/reference/workforce_injury_numpy.py SCENARIO --paths N
Run it on one core: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (compare.py does).
"""
import argparse
import copy
import json
import math
import pathlib
import sys
import time

import numpy as np
import yaml

MODEL = "workforce_injury"
REFORMS = ("safety", "wellness", "fraud_analytics", "adr")

# models/workforce_injury/payment_pattern.cpp (scripts/wc_payment_pattern.py).
DEFAULT_PATTERN = [
    0.225111, 0.261623, 0.157648, 0.096882, 0.055969, 0.031798, 0.033830, 0.025630,
    0.017667, 0.009224, 0.008317, 0.007500, 0.006763, 0.006098, 0.005498, 0.004958,
    0.004471, 0.004031, 0.003635, 0.003278, 0.002956, 0.002665, 0.002403, 0.002167,
    0.001954, 0.001762, 0.001589, 0.001433, 0.001292, 0.011848]

METRICS = [
    "claims", "lost_days", "litigated_claims", "fraud_caught_claims", "medical_incurred_usd",
    "indemnity_incurred_usd", "legal_incurred_usd", "fraud_cost_avoided_usd",
    "investigation_cost_usd", "program_cost_usd", "claims_paid_usd", "run_off_paid_usd",
    "total_incurred_usd", "total_paid_usd", "salary_continuation_usd"]
BOOTSTRAP_INC = (pathlib.Path(__file__).resolve().parents[2] / "models" / "workforce_injury"
                 / "payment_pattern_bootstrap.inc")


# ---- Scenario reading ----------------------------------------------------------------------

def merge(base, patch):
    """reformsim's merge_config: maps merge by key, lists of named maps by name, else replace."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            out[k] = merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    named = lambda x: isinstance(x, list) and all(isinstance(i, dict) and "name" in i for i in x)
    if named(base) and named(patch):
        out = [copy.deepcopy(i) for i in base]
        for item in patch:
            for i, b in enumerate(out):
                if b["name"] == item["name"]:
                    out[i] = merge(b, item)
                    break
            else:
                out.append(copy.deepcopy(item))
        return out
    return copy.deepcopy(patch)


FAMILIES = {  # positional parameter names, as sim/config.cpp
    "constant": ["value"], "uniform": ["min", "max"], "normal": ["mean", "sd"],
    "truncated_normal": ["mean", "sd", "min", "max"], "lognormal": ["mean", "sd"],
    "gamma": ["shape", "scale"], "beta": ["a", "b", "min", "max"],
    "triangular": ["min", "mode", "max"], "pert": ["min", "mode", "max", "lambda"],
    "pareto": ["scale", "shape"]}


class Dist:
    """A number or a one-key map naming a distribution, as reformsim reads uncertain inputs."""

    def __init__(self, node):
        if not isinstance(node, dict):
            self.kind, self.p = "constant", {"value": float(node)}
            return
        (self.kind, args), = node.items()
        if self.kind not in FAMILIES:
            raise ValueError(f"distribution '{self.kind}' is not supported by the reference")
        if isinstance(args, list):
            args = dict(zip(FAMILIES[self.kind], args))
        self.p = {k: float(v) for k, v in args.items()}
        if self.kind == "lognormal" and "mu" not in self.p:
            m, s = self.p["mean"], self.p["sd"]
            sigma = math.sqrt(math.log1p((s / m) ** 2))
            self.p = {"mu": math.log(m) - 0.5 * sigma * sigma, "sigma": sigma}
        if self.kind == "gamma" and "shape" not in self.p:
            shape = (self.p["mean"] / self.p["sd"]) ** 2
            self.p = {"shape": shape, "scale": self.p["mean"] / shape}

    @property
    def constant(self):
        return self.kind == "constant"

    def sample(self, rng, size):
        p, k = self.p, self.kind
        if k == "constant":
            return np.full(size, p["value"])
        if k == "uniform":
            return rng.uniform(p["min"], p["max"], size)
        if k == "normal":
            return rng.normal(p["mean"], p["sd"], size)
        if k == "truncated_normal":  # by rejection: fine for per-path parameters
            out = rng.normal(p["mean"], p["sd"], size)
            bad = (out < p["min"]) | (out > p["max"])
            while bad.any():
                out[bad] = rng.normal(p["mean"], p["sd"], int(bad.sum()))
                bad = (out < p["min"]) | (out > p["max"])
            return out
        if k == "lognormal":
            return rng.lognormal(p["mu"], p["sigma"], size)
        if k == "gamma":
            return rng.gamma(p["shape"], p["scale"], size)
        if k == "beta":
            lo, hi = p.get("min", 0.0), p.get("max", 1.0)
            return lo + (hi - lo) * rng.beta(p["a"], p["b"], size)
        if k == "triangular":
            return rng.triangular(p["min"], p["mode"], p["max"], size)
        if k == "pert":
            lo, mode, hi, lam = p["min"], p["mode"], p["max"], p.get("lambda", 4.0)
            a = 1.0 + lam * (mode - lo) / (hi - lo)
            b = 1.0 + lam * (hi - mode) / (hi - lo)
            return lo + (hi - lo) * rng.beta(a, b, size)
        if k == "pareto":
            return p["scale"] * (1.0 + rng.pareto(p["shape"], size))
        raise ValueError(k)

    def of_normal(self, x):
        """The marginal's quantile of Phi(x): what a factor's latent normal x becomes."""
        if self.kind == "normal":
            return self.p["mean"] + self.p["sd"] * x
        if self.kind == "lognormal":
            return np.exp(self.p["mu"] + self.p["sigma"] * x)
        raise ValueError(f"factor marginal '{self.kind}' is not supported by the reference")


def lognormal(node, default=None):
    """{mean, sd} -> (mean, mu, sigma); sd = 0 is the constant mean."""
    node = node if node is not None else default
    mean, sd = float(node["mean"]), float(node.get("sd", 0.0))
    sigma = math.sqrt(math.log1p((sd / mean) ** 2))
    return mean, math.log(mean) - 0.5 * sigma * sigma, sigma


class Params:
    """models.workforce_injury of one option, with read_params.cpp's defaults."""

    def __init__(self, s, sim):
        g = lambda d, k, default: d.get(k, default) if d else default
        self.negbin = s.get("counts", "poisson") == "negative_binomial"
        self.dispersion = float(s.get("dispersion", 0.0))
        self.freq = Dist(s.get("frequency_multiplier", 1.0))
        self.trend = float(s.get("frequency_trend", 0.0))
        self.sev = Dist(s.get("severity_multiplier", 1.0))
        sev = s["severity"]
        self.med = [lognormal(sev["medical_only_usd"]), lognormal(sev["lost_time_medical_usd"])]
        tail = sev.get("lost_time_tail")
        self.tail = None
        if tail:  # threshold, shape, the body's probability above it, its normal deviate
            mean, mu, sigma = self.med[1]
            thr, shape = float(tail["threshold_usd"]), float(tail["shape"])
            z = (math.log(thr) - mu) / sigma
            p = 0.5 * math.erfc(z / math.sqrt(2.0))
            below = mean * 0.5 * math.erfc(-(z - sigma) / math.sqrt(2.0))
            self.tail = (thr, shape, p, z)
            self.lost_mean = below + p * thr * shape / (shape - 1.0)
        else:
            self.lost_mean = self.med[1][0]
        self.days = lognormal(sev.get("lost_days"), {"mean": 30.6, "sd": 45.0})
        inf = s.get("inflation", {}) or {}
        self.med_inf = (float(g(inf, "medical", 0.0)), g(inf, "medical_factor", None))
        self.wage_inf = (float(g(inf, "indemnity", 0.0)), g(inf, "indemnity_factor", None))
        lit = s.get("litigation", {}) or {}
        self.p_lit = [float(g(lit, "probability_medical_only", 0.028)),
                      float(g(lit, "probability_lost_time", 0.381))]
        self.legal = lognormal(lit.get("legal_cost_usd"), {"mean": 10000.0, "sd": 10000.0})
        self.k_sev = float(g(lit, "severity_multiplier", 2.5))
        self.k_dur = float(g(lit, "duration_multiplier", 4.0))
        self.causal = Dist(g(lit, "causal_share", 1.0))
        fr = s.get("fraud", {}) or {}
        self.fraud = float(g(fr, "share", 0.02))
        self.detect = float(g(fr, "detection_probability", 0.25))
        self.investigation = float(g(fr, "investigation_cost_usd", 2500.0))
        pattern = np.array(s.get("payment_pattern", DEFAULT_PATTERN), dtype=float)
        self.pattern = pattern / pattern.sum()
        self.patterns = None  # (K, L) bootstrap replicates, one drawn per path
        if s.get("payment_pattern_uncertainty", "none") == "bootstrap":
            rows = [line.strip().strip("{},") for line in BOOTSTRAP_INC.read_text().splitlines()
                    if line.startswith("{")]
            self.patterns = np.array([[float(x) for x in r.split(",")] for r in rows])
        mt = s.get("medical_trend", {}) or {}  # calendar-year medical trend of payments
        self.med_share = Dist(g(mt, "medical_share", 0.57))
        self.med_trend = Dist(g(mt, "rate", 0.0))
        self.run_off = s.get("run_off", "expected")
        if self.run_off not in ("expected", "none"):
            raise ValueError(f"run_off '{self.run_off}' is not supported by the reference")
        deps = s["departments"]
        self.names = [d["name"] for d in deps]
        self.fte = np.array([float(d["headcount_fte"]) for d in deps])
        self.growth = np.array([float(d.get("headcount_growth", s.get("headcount_growth", 0.0)))
                                for d in deps])
        self.rates = [Dist(d["claims_per_100_fte"]) for d in deps]
        self.lost_share = np.array([float(d.get("lost_time_share", s.get("lost_time_share", 0.25)))
                                    for d in deps])
        self.daily = np.array([float(d.get("daily_indemnity_usd", s.get("daily_indemnity_usd")))
                               for d in deps])
        self.continuation = np.array([float(d.get("salary_continuation_daily_usd", 0.0))
                                      for d in deps])
        self.presumption = [Dist(d.get("presumption_share", 0.0)) for d in deps]
        self.reforms = {}
        H, start = sim["horizon_years"], sim.get("start_year", 2025)
        for name in REFORMS:
            r = (s.get("reforms", {}) or {}).get(name)
            if r is None or not r.get("enabled", True):
                continue
            offset = (int(r["start_year"]) - start if "start_year" in r
                      else int(r.get("start_year_offset", 0)))
            ramp_years = int(r.get("ramp_up_years", 0))
            t = np.arange(H)
            ramp = np.where(t < offset, 0.0, 1.0 if ramp_years <= 1 else
                            np.minimum(1.0, (t - offset + 1) / max(ramp_years, 1)))
            cover = r.get("departments", "all")
            mask = (np.ones(len(deps), bool) if cover == "all"
                    else np.isin(np.array(self.names), cover))
            keys = {"safety": ["effect"], "wellness": ["severity_effect", "lost_days_effect"],
                    "fraud_analytics": ["effect"],
                    "adr": ["litigation_effect", "duration_effect"]}[name]
            self.reforms[name] = {
                "offset": offset, "ramp": ramp, "cover": mask,
                "cost": float(r.get("annual_cost_usd", 0.0)),
                "effects": [Dist(r.get(k, 0.0)) for k in keys],
                "participation": float(r.get("participation", 1.0)),
                "admin": float(r.get("admin_cost_per_dispute_usd", 0.0))}


class Factors:
    def __init__(self, doc):
        f = doc.get("factors", {}) or {}
        self.names = list(f)
        self.marginal = [Dist((f[n] or {}).get("marginal", {"normal": [0.0, 1.0]}))
                         for n in self.names]
        self.rho = np.array([float((f[n] or {}).get("autocorrelation", 0.0)) for n in self.names])
        c = np.eye(len(self.names))
        corr = doc.get("correlation")
        if isinstance(corr, list):
            for a, b, r in corr:
                i, j = self.names.index(a), self.names.index(b)
                c[i, j] = c[j, i] = float(r)
        elif isinstance(corr, dict):
            order = [self.names.index(n) for n in corr["factors"]]
            m = np.array(corr["matrix"], dtype=float)
            for a, i in enumerate(order):
                for b, j in enumerate(order):
                    c[i, j] = m[a, b]
        self.chol = np.linalg.cholesky(c) if self.names else None

    def draw(self, rng, paths, horizon):
        """name -> (paths, horizon) array of factor values."""
        n = len(self.names)
        if n == 0:
            return {}
        x = np.empty((paths, horizon, n))
        for t in range(horizon):
            z = rng.standard_normal((paths, n)) @ self.chol.T
            x[:, t] = z if t == 0 else self.rho * x[:, t - 1] + np.sqrt(1 - self.rho ** 2) * z
        return {name: self.marginal[i].of_normal(x[:, :, i]) for i, name in enumerate(self.names)}


# ---- Simulation ----------------------------------------------------------------------------

def price_index(inf, factors, paths, horizon):
    """(paths, horizon) index: 1 in year 0, then times (1 + the year's rate)."""
    rate, factor = inf
    growth = np.ones((paths, horizon))
    growth[:, 1:] += factors[factor][:, 1:] if factor else rate
    return np.cumprod(growth, axis=1)


class PathInputs:
    """A batch's per-path draws that every way of drawing the claims shares: factors, the
    uncertain parameters, the reforms' strengths per (path, department, year), the price indices
    and each department-year's expected claim count (the negative binomial's gamma applied)."""

    def __init__(self, p, sim, factors_model, rng, paths):
        H, D = sim["horizon_years"], len(p.names)
        self.paths, self.H, self.D = paths, H, D
        factors = factors_model.draw(rng, paths, H)
        self.F = p.freq.sample(rng, paths)
        self.S = p.sev.sample(rng, paths)
        self.rates = np.stack([r.sample(rng, paths) for r in p.rates], axis=1)       # (P, D)
        self.pres = np.stack([r.sample(rng, paths) for r in p.presumption], axis=1)  # (P, D)
        self.causal = p.causal.sample(rng, paths)                                     # (P,)
        self.pattern = (np.broadcast_to(p.pattern, (paths, len(p.pattern)))
                        if p.patterns is None
                        else p.patterns[rng.integers(0, len(p.patterns), paths)])  # (P, L)
        self.med_share = p.med_share.sample(rng, paths)                              # (P,)
        self.med_trend = p.med_trend.sample(rng, paths)                              # (P,)
        self.strength = {}  # reform -> list of (P, D, H) strengths per effect
        for name, r in p.reforms.items():
            cover_ramp = r["cover"][:, None] * r["ramp"][None, :]                      # (D, H)
            self.strength[name] = [e.sample(rng, paths)[:, None, None] * cover_ramp[None]
                                   for e in r["effects"]]
        self.M = price_index(p.med_inf, factors, paths, H)
        self.W = price_index(p.wage_inf, factors, paths, H)
        # Claim counts' means at the baseline (reforms only thin them).
        t = np.arange(H)
        fte = p.fte[:, None] * (1.0 + p.growth[:, None]) ** t                         # (D, H)
        mean = (fte[None] / 100.0 * self.rates[:, :, None] * self.F[:, None, None]
                * (1.0 + p.trend) ** t)
        if p.negbin:
            mean = mean * rng.gamma(p.dispersion, 1.0 / p.dispersion, mean.shape)
        self.mean = mean                                                              # (P, D, H)

    def on(self, reform, p):
        """(D, H): the reform covers the department and has started (whatever its effect)."""
        r = p.reforms[reform]
        return r["cover"][:, None] & (r["ramp"][None, :] > 0)


def simulate_batch(p, sim, factors_model, rng, paths):
    """Per metric a (paths, horizon) array for `paths` paths of one option, claim by claim."""
    x = PathInputs(p, sim, factors_model, rng, paths)
    H, D = x.H, x.D
    S, M, W, pres, causal, strength = x.S, x.M, x.W, x.pres, x.causal, x.strength
    N = rng.poisson(x.mean)                                                     # (P, D, H)

    # Every claim of the batch in flat arrays: its (path, department, year) cell, department,
    # year and path-year, repeated from the cells' (small) index arrays.
    counts = N.ravel()
    cells = np.arange(paths * D * H, dtype=np.int32)
    cell = np.repeat(cells, counts)
    dept = np.repeat((cells // H) % D, counts)
    year = np.repeat(cells % H, counts)
    py = np.repeat((cells // (D * H)) * H + cells % H, counts)
    u = rng.random((4, cell.size))
    u1, u2, u3 = u[1], u[2], u[3]
    if "safety" in strength:  # prevented claims are gone: no cost, no further draws
        # Only the preventable class: a claim under a presumption is never prevented.
        keep = u[0] >= strength["safety"][0].ravel()[cell] * (1.0 - pres[cell // (D * H), dept])
        cell, dept, year, py = cell[keep], dept[keep], year[keep], py[keep]
        u1, u2, u3 = u1[keep], u2[keep], u3[keep]
    C = cell.size
    path = py // H
    lost = u1 < p.lost_share[dept]
    mu = np.where(lost, p.med[1][1], p.med[0][1])
    sigma = np.where(lost, p.med[1][2], p.med[0][2])
    z_med = rng.standard_normal(C)
    medical = np.exp(mu + sigma * z_med)
    if p.tail:  # the spliced Pareto tail: P(z > z_u) = p, then Pareto(u, alpha) above u
        thr, shape, _, z_u = p.tail
        ti = np.flatnonzero(lost & (z_med > z_u))
        medical[ti] = thr * rng.random(ti.size) ** (-1.0 / shape)
    medical *= S[path] * M.ravel()[py]
    days = np.zeros(C)
    li = np.flatnonzero(lost)
    days[li] = np.exp(p.days[1] + p.days[2] * rng.standard_normal(li.size))
    p_lit = np.where(lost, p.p_lit[1], p.p_lit[0])
    disputed = u2 < p_lit
    fraudulent = u3 < p.fraud
    wellness_on = False
    if "wellness" in p.reforms:  # on = covered and ramp > 0, whatever the effect drawn
        w = p.reforms["wellness"]
        wellness_on = (w["cover"][dept] & (w["ramp"][year] > 0))
    third = np.flatnonzero(disputed | fraudulent | wellness_on)
    legal = np.zeros(C)
    caught = np.zeros(C, bool)
    litigated = np.zeros(C, bool)
    admin = np.zeros(paths * H)
    if third.size:
        c3, y3, py3 = cell[third], year[third], py[third]
        u_well, u_detect = rng.random((2, third.size))
        z_legal = rng.standard_normal(third.size)
        if "wellness" in p.reforms:
            part = wellness_on[third] & (u_well < p.reforms["wellness"]["participation"])
            idx = third[part]
            medical[idx] *= 1.0 - strength["wellness"][0].ravel()[c3[part]]
            days[idx] *= 1.0 - strength["wellness"][1].ravel()[c3[part]]
        d3 = disputed[third]
        settle = 1.0 - (strength["adr"][0].ravel()[c3] if "adr" in p.reforms else 0.0)
        if "adr" in p.reforms:
            a = p.reforms["adr"]
            adr_on = a["cover"][dept[third]] & (a["ramp"][y3] > 0)
            admin = np.bincount(py3[d3 & adr_on], minlength=paths * H) * a["admin"] * W.ravel()
        lit3 = d3 & (u2[third] < p_lit[third] * settle)
        # Settled by ADR: keeps the selection part (1 - causal share) of the litigated excess.
        st3 = third[d3 & ~lit3]
        keep_share = 1.0 - causal[path[st3]]
        medical[st3] *= 1.0 + (p.k_sev - 1.0) * keep_share
        days[st3] *= 1.0 + (p.k_dur - 1.0) * keep_share
        li3 = third[lit3]
        litigated[li3] = True
        medical[li3] *= p.k_sev
        shorten = 1.0 - (strength["adr"][1].ravel()[c3[lit3]] if "adr" in p.reforms else 0.0)
        days[li3] *= p.k_dur * shorten
        legal[li3] = np.exp(p.legal[1] + p.legal[2] * z_legal[lit3]) * W.ravel()[py3[lit3]]
        g = strength["fraud_analytics"][0].ravel()[c3] if "fraud_analytics" in p.reforms else 0.0
        detect = p.detect + g * (1.0 - p.detect)
        caught[third] = fraudulent[third] & (u_detect < detect)
    indemnity = days * p.daily[dept] * (S[path] * W.ravel()[py])
    continuation = days * p.continuation[dept] * (S[path] * W.ravel()[py])

    def total(weights=None):
        return np.bincount(py, weights=weights, minlength=paths * H).reshape(paths, H)

    # Caught claims are rare: sum everything, then take theirs out by path-year.
    ci = np.flatnonzero(caught)
    def caught_total(weights=None):
        return np.bincount(py[ci], weights=None if weights is None else weights[ci],
                           minlength=paths * H).reshape(paths, H)

    out = {
        "claims": total(),
        "lost_days": total(days) - caught_total(days),
        "litigated_claims": total(litigated.astype(float)) - caught_total(litigated.astype(float)),
        "fraud_caught_claims": caught_total(),
        "medical_incurred_usd": total(medical) - caught_total(medical),
        "indemnity_incurred_usd": total(indemnity) - caught_total(indemnity),
        "legal_incurred_usd": total(legal) - caught_total(legal),
        "fraud_cost_avoided_usd": caught_total(medical + indemnity + legal),
        "salary_continuation_usd": total(continuation) - caught_total(continuation),
    }
    return finish(p, x, out, admin.reshape(paths, H))


def finish(p, x, out, admin):
    """Adds the investigation, program, run-off and paid metrics to `out` (the claims' metrics
    per (path, year)); `admin` is ADR's per-dispute cost per (path, year)."""
    paths, H, L = x.paths, x.H, len(p.pattern)
    W, F, S, rates, pattern = x.W, x.F, x.S, x.rates, x.pattern
    med_share, med_trend = x.med_share, x.med_trend
    t = np.arange(H)
    out["investigation_cost_usd"] = out["fraud_caught_claims"] * p.investigation * W
    program = admin.copy()
    for r in p.reforms.values():
        program += np.where(t >= r["offset"], r["cost"], 0.0)
    out["program_cost_usd"] = program

    # Run-off of accident years before the horizon: expected incurred cost, no reforms.
    incurred = out["medical_incurred_usd"] + out["indemnity_incurred_usd"] + out["legal_incurred_usd"]
    prior = np.zeros((paths, L - 1))
    if p.run_off == "expected" and L > 1:
        a = np.arange(-(L - 1), 0)
        Ma, Wa = (1.0 + p.med_inf[0]) ** a, (1.0 + p.wage_inf[0]) ** a              # (L-1,)
        p0, p1 = p.p_lit
        legal_mean = p.legal[0] * Wa
        med_only = p.med[0][0] * (1 + p0 * (p.k_sev - 1)) * Ma
        med_lost = p.lost_mean * (1 + p1 * (p.k_sev - 1)) * Ma
        days_mean = p.days[0] * (1 + p1 * (p.k_dur - 1))
        fte_a = p.fte[:, None] * (1.0 + p.growth[:, None]) ** a                      # (D, L-1)
        claims_a = (fte_a[None] / 100.0 * rates[:, :, None] * F[:, None, None]
                    * (1.0 + p.trend) ** a)                                          # (P, D, L-1)
        s = p.lost_share[None, :, None]
        per_claim = ((1 - s) * (med_only * S[:, None, None] + p0 * legal_mean)
                     + s * (med_lost * S[:, None, None]
                            + days_mean * p.daily[None, :, None] * S[:, None, None] * Wa
                            + p1 * legal_mean))
        prior = (claims_a * per_claim).sum(axis=1) * (1.0 - p.fraud * p.detect)
    # paid(t) = sum_a incurred(a) pattern[t - a], accident years -(L-1) .. H-1.
    # Each path by its own pattern: pay[path, a, t].
    lag = np.arange(H)[None, :] - np.arange(-(L - 1), H)[:, None]
    pay = np.where(((lag >= 0) & (lag < L))[None], pattern[:, np.clip(lag, 0, L - 1)], 0.0)
    # The medical share of a payment grows with the calendar-year trend from max(a, 0) to t.
    since = np.maximum(np.arange(H)[None, :] - np.maximum(np.arange(-(L - 1), H), 0)[:, None], 0)
    pay = pay * (1.0 + med_share[:, None, None]
                 * ((1.0 + med_trend[:, None, None]) ** since[None] - 1.0))
    out["run_off_paid_usd"] = np.einsum("pa,pat->pt", prior, pay[:, :L - 1])
    out["claims_paid_usd"] = out["run_off_paid_usd"] + np.einsum("pa,pat->pt", incurred,
                                                                 pay[:, L - 1:])
    out["total_incurred_usd"] = incurred + out["investigation_cost_usd"] + program
    out["total_paid_usd"] = out["claims_paid_usd"] + out["investigation_cost_usd"] + program
    return out


def summarize(values):
    """(paths, H) -> per-year mean and standard error, and those of the horizon sum."""
    n = values.shape[0]
    sums = values.sum(axis=1)
    se = lambda x: float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0
    return {"mean": values.mean(axis=0).tolist(),
            "se": (values.std(axis=0, ddof=1) / math.sqrt(n) if n > 1
                   else np.zeros(values.shape[1])).tolist(),
            "sum_mean": float(sums.mean()), "sum_se": se(sums)}



def command_line(description, batch_paths=None):
    """The references' common command line: (args, scenario document, its simulation section
    with defaults, paths, numpy seed). With `batch_paths` (the workforce references), also
    --batch-paths (that default) and --option."""
    ap = argparse.ArgumentParser(description=description.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--paths", type=int, default=None, help="paths (default: the scenario's)")
    if batch_paths:
        ap.add_argument("--batch-paths", type=int, default=batch_paths,
                        help=f"paths simulated together (default {batch_paths})")
        ap.add_argument("--option", action="append", default=None,
                        help="simulate only this option (repeatable; default: every option)")
    ap.add_argument("--seed", type=int, default=None, help="numpy seed (default: the scenario's)")
    args = ap.parse_args()
    with open(args.scenario) as f:
        doc = yaml.safe_load(f)
    sim = dict(doc.get("simulation", {}))
    sim.setdefault("horizon_years", 10)
    sim.setdefault("start_year", 2025)
    paths = args.paths or int(sim.get("paths", 1000))
    seed = args.seed if args.seed is not None else int(sim.get("seed", 1))
    return args, doc, sim, paths, seed


def baseline_main(model, simulate, doc):
    """The command line of a baseline reference: reads SCENARIO, merges its baseline option's
    patch into the model's section, runs simulate(section, simulation, factors, rng, paths) and
    prints JSON like build/benches/reformsim_bench_summary (per metric the per-year mean and
    standard error over paths; the wall and CPU time of the simulation)."""
    args, doc, sim, paths, seed = command_line(doc)
    baseline = doc.get("baseline", "baseline")
    patch = (((doc.get("options") or {}).get(baseline) or {}).get("models") or {}).get(model)
    section = merge(doc["models"][model], patch) if patch else doc["models"][model]

    start, cpu0 = time.perf_counter(), time.process_time()
    values = simulate(section, sim, Factors(doc), np.random.default_rng(seed), paths)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    out = {"scenario": args.scenario, "paths": paths, "threads": 1, "options": 1,
           "horizon_years": sim["horizon_years"], "start_year": sim["start_year"],
           "wall_s": wall, "cpu_s": cpu, "paths_per_s": paths / wall,
           "results": {baseline: {f"{model}.{m}": summarize(v) for m, v in values.items()}}}
    json.dump(out, sys.stdout)
    print()


def main(simulate=simulate_batch, usage=__doc__, batch_paths=16):
    """The command line of a reference: `simulate(p, sim, factors, rng, paths)` draws a batch."""
    args, doc, sim, paths, seed = command_line(usage, batch_paths)
    base = doc["models"][MODEL]
    options = doc.get("options") or {"baseline": {}}
    if args.option:
        unknown = [o for o in args.option if o not in options]
        if unknown:
            print(f"{args.scenario}: no option {', '.join(unknown)} (options: "
                  f"{', '.join(options)})", file=sys.stderr)
            sys.exit(2)
        options = {o: options[o] for o in args.option}
    factors = Factors(doc)
    params = {}
    for name, o in options.items():
        patch = ((o or {}).get("models") or {}).get(MODEL)
        params[name] = Params(merge(base, patch) if patch else base, sim)

    start, cpu = time.perf_counter(), time.process_time()
    results = {}
    for name, p in params.items():
        parts = []
        # The same seed for every option: counts and draws line up (common random numbers).
        rng = np.random.default_rng(seed)
        for first in range(0, paths, args.batch_paths):
            parts.append(simulate(p, sim, factors, rng, min(args.batch_paths, paths - first)))
        values = {m: np.concatenate([q[m] for q in parts]) for m in METRICS}
        values["net_budget"] = -(values["claims_paid_usd"] + values["investigation_cost_usd"]
                                 + values["program_cost_usd"])
        results[name] = values
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu

    out = {"scenario": args.scenario, "paths": paths, "threads": 1, "options": len(params),
           "horizon_years": sim["horizon_years"], "start_year": sim["start_year"],
           "wall_s": wall, "cpu_s": cpu, "paths_per_s": paths / wall, "results": {}}
    for name, values in results.items():
        r = {f"{MODEL}.{m}": summarize(values[m]) for m in METRICS}
        r["fiscal.net_budget_usd"] = summarize(values["net_budget"])
        out["results"][name] = r
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
