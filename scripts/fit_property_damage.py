#!/usr/bin/python3
"""Fits the property-damage frequency and severity of the real-estate model to real claims.

Data: /work/shared/data/lgpif/CLAIMLEVEL.csv, the 6,258 building-and-contents claims of the
Wisconsin Local Government Property Insurance Fund (LGPIF), 2006-2010, as published with the
Loss Data Analytics open textbook (OpenActTexts/Loss-Data-Analytics, Data/CLAIMLEVEL.csv).

Exposure: the claims file has no exposure. The textbook's "Building and Contents Claims
Summary" (Frees et al., Loss Data Analytics, section 1.4, table CoverageBCIM, computed from
Data/PropertyFundInsample.csv) gives the number of policyholders and their average
building-and-contents coverage per year; they are copied below (EXPOSURE).

What is fitted, and printed as the scenario's `damage.perils` block:
  * frequency: claims per policyholder-year and per $1B of coverage-year, by peril
    (fire, water, lightning, vandalism, other; peril from the claim description);
  * severity: a lognormal body below a threshold u spliced with a Pareto tail above it
    (tail probability = the share of claims above u; Pareto shape by maximum likelihood,
    i.e. the Hill estimator), the body by maximum likelihood of the lognormal truncated
    above at u. A plain lognormal (MLE on all claims) is shown for comparison;
  * checks: fitted against empirical quantiles, and the capped mean against the data.

Deductibles and ground-up losses: 2,810 of the 6,258 claims (45%) are smaller than the policy
deductible, and at a $25,000 deductible the median recorded claim is a few hundred dollars
(glass vandalism at one school district). The amounts are therefore ground-up loss amounts
as recorded by the fund, not payments net of the deductible. Entities with high deductibles
report small losses incompletely, so the counts undercount small losses; frequency and
severity are fitted to the same recorded claims, which keeps their product (the expected
loss) consistent, and the aggregate is dominated by large claims that are always reported.
A sensitivity fit that keeps only claims at or above their deductible (left-truncated at
each claim's deductible) is printed as well.

The severity fits are `reformsim fit`'s (docs/fit.md): the script writes each peril's claims to
a CSV file and runs `reformsim fit FILE --column Claim --spliced 50000 --json` on it (and on all
claims for the pooled tail shape, and `--families lognormal` for the plain lognormal); what
reformsim does not do is the peril (a regular expression on the claim description), the
exposure, the pooled-shape rule and the checks. truncated_above_lognormal_mle and hill (scipy
and numpy) stay for scripts/la_liability_calibration.py and for the sensitivity fit below.

Run with Debian's python (numpy, pandas, scipy), after building reformsim:
  /usr/bin/python3 scripts/fit_property_damage.py [--reformsim build/reformsim] [--check YAML]
With --check, also exits 1 unless every severity and tail line of the scenario block printed
appears in YAML (scenarios/la_real_estate.yaml: a ctest case).
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from scipy import optimize, stats

# The public data beside the repository (../shared/data), or where REFORMSIM_SHARED_DATA says.
DATA = os.path.join(os.environ.get("REFORMSIM_SHARED_DATA")
                    or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "shared", "data"), "lgpif", "CLAIMLEVEL.csv")
THRESHOLD_USD = 50_000.0  # start of the Pareto tail (Hill plot is flat from $25k to $250k)
CAP_USD = 25_000_000.0  # per-event cap used by the scenario (see docs/models/real_estate.md)
# A peril keeps its own Pareto shape only when it has enough claims above u and its shape differs
# from the pooled one by more than 3 of its standard errors; otherwise the pooled shape is used
# (a peril's 8-73 tail claims estimate the shape poorly).
MIN_TAIL_CLAIMS = 25
SHAPE_SE_RULE = 3.0

# Loss Data Analytics, section 1.4, "Building and Contents Claims Summary".
EXPOSURE = pd.DataFrame(
    {
        "year": [2006, 2007, 2008, 2009, 2010],
        "policyholders": [1154, 1138, 1125, 1112, 1110],
        "average_coverage_usd": [32_498_186, 35_275_949, 37_267_485, 40_355_382, 41_242_070],
    }
)

PERILS = ["fire", "water", "lightning", "vandalism", "other"]


def peril_of(description: str) -> str:
    t = description.lower()
    if re.search(r"lightn|surge", t):
        return "lightning"
    if re.search(r"fire|smoke|burn|arson|explos", t):
        return "fire"
    if re.search(r"water|sewer|pipe|freez|leak|flood|sprinkler|backup|frozen|rain|moisture|drain", t):
        return "water"
    if re.search(r"vandal|graffit|glass|theft|stolen|break|burglar|broken|spray|malicious|missing", t):
        return "vandalism"
    return "other"


def truncated_above_lognormal_mle(x, u):
    """MLE of (mu, sigma) for a lognormal observed only below u."""
    lx = np.log(x)
    lu = math.log(u)

    def nll(theta):
        mu, log_sigma = theta
        s = math.exp(log_sigma)
        return -(stats.norm.logpdf((lx - mu) / s).sum() - len(lx) * log_sigma
                 - len(lx) * stats.norm.logcdf((lu - mu) / s))

    start = np.array([lx.mean(), math.log(lx.std())])
    res = optimize.minimize(nll, start, method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 20000})
    return res.x[0], math.exp(res.x[1])


def left_truncated_lognormal_mle(x, d):
    """MLE for claims x_i observed only when x_i >= d_i (each claim's own deductible)."""
    lx, ld = np.log(x), np.log(d)

    def nll(theta):
        mu, log_sigma = theta
        s = math.exp(log_sigma)
        return -(stats.norm.logpdf((lx - mu) / s).sum() - len(lx) * log_sigma
                 - stats.norm.logsf((ld - mu) / s).sum())

    res = optimize.minimize(nll, np.array([lx.mean(), math.log(lx.std())]), method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 20000})
    return res.x[0], math.exp(res.x[1])


def hill(x, u):
    t = x[x > u]
    alpha = len(t) / np.log(t / u).sum()
    return alpha, alpha / math.sqrt(len(t)), len(t)


def spliced_quantile(p, mu, sigma, u, p_tail, alpha):
    """Quantile of the spliced severity, as the C++ model computes it."""
    p = np.asarray(p, dtype=float)
    body = p < 1.0 - p_tail
    f_u = stats.norm.cdf((math.log(u) - mu) / sigma)
    out = np.empty_like(p)
    out[body] = np.exp(mu + sigma * stats.norm.ppf(p[body] / (1.0 - p_tail) * f_u))
    out[~body] = u * ((1.0 - p[~body]) / p_tail) ** (-1.0 / alpha)
    return out


def spliced_capped_mean(mu, sigma, u, p_tail, alpha, cap):
    """E[min(X, cap)] for the spliced severity (cap above u)."""
    z = (math.log(u) - mu) / sigma
    body_mean = math.exp(mu + 0.5 * sigma**2) * stats.norm.cdf(z - sigma) / stats.norm.cdf(z)
    # Pareto(u, alpha) limited at cap: integral of the survival function from 0 to cap.
    if abs(alpha - 1.0) < 1e-12:
        tail_mean = u * (1.0 + math.log(cap / u))
    else:
        tail_mean = u + u * ((cap / u) ** (1.0 - alpha) - 1.0) / (1.0 - alpha)
    return (1.0 - p_tail) * body_mean + p_tail * tail_mean


def reformsim_fit(binary, claims, *options):
    """`reformsim fit` of the claim amounts `claims` (a CSV file with a Claim column) as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "claims.csv")
        pd.DataFrame({"Claim": claims}).to_csv(path, index=False, float_format="%.17g")
        out = subprocess.run([binary, "fit", path, "--column", "Claim", *options, "--json"],
                             check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def spliced_fit(binary, claims, u):
    """reformsim's spliced fit at u: (mu, sigma, tail probability, shape, shape s.e., n above u)."""
    f = reformsim_fit(binary, claims, "--spliced", f"{u:.17g}")["spliced"]
    p = f["parameters"]
    above = sum(1 for v in claims if v > u)
    return (p["mu"]["value"], p["sigma"]["value"], p["probability"]["value"],
            p["shape"]["value"], p["shape"]["se"], above)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reformsim", default=os.path.join(here, "..", "build", "reformsim"),
                        help="the reformsim binary (default: build/reformsim)")
    parser.add_argument("--check", help="a scenario that must hold the block's severity lines")
    args = parser.parse_args()
    binary = args.reformsim
    d = pd.read_csv(DATA)
    d["peril"] = d["Description"].map(peril_of)
    x = d["Claim"].to_numpy(dtype=float)
    n = len(x)
    print(f"# {DATA}: {n} claims, {d.Year.min()}-{d.Year.max()}, all closed: "
          f"{(d.ClaimStatus == 'Closed').all()}")

    print("\n## Ground-up or net of deductible?")
    below = d.Claim < d.Deduct
    print(f"claims below their policy deductible: {below.sum()} of {n} ({below.mean():.1%})")
    by_ded = d.groupby("Deduct").agg(claims=("Claim", "size"), median_claim=("Claim", "median"),
                                     share_below=("Claim", lambda c: 0.0))
    by_ded["share_below"] = d.assign(b=below).groupby("Deduct").b.mean()
    print(by_ded.to_string(float_format=lambda v: f"{v:,.3f}"))
    print("-> recorded amounts are ground-up losses (a net payment could not be far below the"
          " deductible);\n   small losses of high-deductible entities are reported incompletely.")

    print("\n## Exposure and frequency")
    e = EXPOSURE.copy()
    e["coverage_usd"] = e.policyholders * e.average_coverage_usd
    e["claims"] = d.groupby("Year").size().reindex(e.year).to_numpy()
    policy_years = e.policyholders.sum()
    coverage_billion_years = e.coverage_usd.sum() / 1e9
    print(e.to_string(index=False))
    print(f"claims per policyholder-year: {n / policy_years:.3f}  ({n} / {policy_years})")
    print(f"claims per $1B of coverage-year: {n / coverage_billion_years:.2f}"
          f"  ({n} / {coverage_billion_years:.1f} $B-years)")
    print(f"recorded loss per $1B of coverage-year: "
          f"${x.sum() / coverage_billion_years:,.0f}")

    print("\n## Severity: plain lognormal (MLE, all claims)")
    plain = reformsim_fit(binary, x, "--families", "lognormal")["fits"][0]["parameters"]
    mu_all, sigma_all = plain["mu"]["value"], plain["sigma"]["value"]
    print(f"mu = {mu_all:.4f}, sigma = {sigma_all:.4f}, mean = {math.exp(mu_all + sigma_all**2 / 2):,.0f}"
          f" (empirical mean {x.mean():,.0f})")

    print(f"\n## Severity: Pareto tail above u = ${THRESHOLD_USD:,.0f}")
    for u in (25_000, 50_000, 100_000, 250_000):
        a, se, k = hill(x, u)
        print(f"  Hill at u = {u:>7,}: alpha = {a:.3f} (se {se:.3f}, {k} claims above)")
    mu_b, sigma_b, p_tail, alpha, alpha_se, n_tail = spliced_fit(binary, x, THRESHOLD_USD)
    print(f"pooled: tail probability {p_tail:.5f}, alpha {alpha:.4f} (se {alpha_se:.3f});"
          f" body lognormal below u: mu {mu_b:.4f}, sigma {sigma_b:.4f}")

    ps = np.array([0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 0.995, 0.999])
    emp = np.quantile(x, ps)
    ln_q = np.exp(mu_all + sigma_all * stats.norm.ppf(ps))
    sp_q = spliced_quantile(ps, mu_b, sigma_b, THRESHOLD_USD, p_tail, alpha)
    print("\n## Quantile check (USD)")
    print(f"{'p':>6} {'empirical':>14} {'lognormal':>14} {'spliced':>14}")
    for p, a, b, c in zip(ps, emp, ln_q, sp_q):
        print(f"{p:>6} {a:>14,.0f} {b:>14,.0f} {c:>14,.0f}")
    capped = spliced_capped_mean(mu_b, sigma_b, THRESHOLD_USD, p_tail, alpha, CAP_USD)
    print(f"mean: empirical {x.mean():,.0f}; spliced, capped at ${CAP_USD:,.0f}: {capped:,.0f};"
          f" plain lognormal {math.exp(mu_all + sigma_all**2 / 2):,.0f}")

    print("\n## Sensitivity: only claims at or above their deductible, left-truncated MLE")
    keep = d.Claim >= d.Deduct
    mu_t, sigma_t = left_truncated_lognormal_mle(d.Claim[keep].to_numpy(float),
                                                 d.Deduct[keep].to_numpy(float))
    print(f"{keep.sum()} claims: ground-up lognormal mu {mu_t:.4f}, sigma {sigma_t:.4f},"
          f" median {math.exp(mu_t):,.0f} (all-claims fit: {math.exp(mu_all):,.0f})")

    print(f"\n## By peril (body below u, share of claims above u; shape: the peril's own when it"
          f" has >= {MIN_TAIL_CLAIMS} claims above u and differs from the pooled one by more than"
          f" {SHAPE_SE_RULE:g} se, else the pooled one)")
    rows = []
    exceed = {}
    for peril in PERILS:
        xp = d.Claim[d.peril == peril].to_numpy(float)
        mu_p, sigma_p, tail_p, *a_p = spliced_fit(binary, xp, THRESHOLD_USD)
        own = a_p[2] >= MIN_TAIL_CLAIMS and abs(a_p[0] - alpha) > SHAPE_SE_RULE * a_p[1]
        shape = a_p[0] if own else alpha
        for level in (250_000.0, 1_000_000.0):
            predicted = len(xp) * tail_p * (level / THRESHOLD_USD) ** (-shape)
            exceed[(peril, level)] = ((xp > level).sum(), predicted)
        rows.append(dict(peril=peril, claims=len(xp), per_billion=len(xp) / coverage_billion_years,
                         mu=mu_p, sigma=sigma_p, tail_probability=tail_p,
                         own_alpha=a_p[0], own_alpha_se=a_p[1], above_u=a_p[2], shape=shape,
                         mean=xp.mean(),
                         fitted_capped_mean=spliced_capped_mean(mu_p, sigma_p, THRESHOLD_USD,
                                                                max(tail_p, 1e-12), shape,
                                                                CAP_USD)))
    t = pd.DataFrame(rows)
    print(t.to_string(index=False, float_format=lambda v: f"{v:,.4f}"))
    print("tail check, claims above a level (observed / predicted by the fitted tail):")
    for (peril, level), (obs, pred) in exceed.items():
        print(f"  {peril:>9} > ${level:>11,.0f}: {obs:>3} / {pred:6.1f}")

    print("\n## Scenario block (models.real_estate.damage.perils), Wisconsin rates")
    print("perils:")
    lines = []
    for r in rows:
        print(f"  - name: {r['peril']}")
        print(f"    events_per_billion_usd: {r['per_billion']:.2f}")
        lines.append(f"severity: {{lognormal: {{mu: {r['mu']:.3f}, sigma: {r['sigma']:.3f}}}}}")
        lines.append(f"tail: {{threshold_usd: {THRESHOLD_USD:.0f}, probability: "
                     f"{r['tail_probability']:.4f}, shape: {r['shape']:.3f}}}")
        print("    " + lines[-2])
        print("    " + lines[-1])
    if args.check:
        with open(args.check, encoding="utf-8") as f:
            scenario = f.read()
        missing = [line for line in lines if line not in scenario]
        for line in missing:
            print(f"FAIL: {args.check} has no line '{line}'", file=sys.stderr)
        if missing:
            return 1
        print(f"{args.check}: every severity and tail line of the block is there")
    return 0


if __name__ == "__main__":
    sys.exit(main())
