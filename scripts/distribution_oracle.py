"""Writes tests/data/distribution_oracle.csv: every distribution family and every scenario
spelling of it (sim/config.cpp: positional lists, named maps, lognormal by mean/sd and by
mu/sigma, gamma by shape/scale and by mean/sd, PERT with and without lambda, ...) evaluated by
scipy.stats at fixed points: pdf (pmf for discrete families), cdf, quantile, mean, variance.
tests/test_distribution_oracle.cpp reads the table and checks reformsim's sim::Distribution,
parsed from the same spelling, against it.

Run with Debian's Python (python3-scipy): /usr/bin/python3 scripts/distribution_oracle.py [OUT]
(OUT defaults to the checked-in table; ctest writes a fresh one elsewhere and compares).
Each family is written here from its textbook definition with scipy's parameterisation, never
from reformsim's code. Columns (tab-separated): spelling, discrete (0/1), x, pdf, cdf, u,
quantile, mean, variance; one row per point.
"""

import math
import os
import sys

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "data", "distribution_oracle.csv")

# Probability points: asymmetric, both tails.
U = [0.0137, 0.2113, 0.4689, 0.7731, 0.9618]


def lognormal_mean_sd(mean, sd):
    s2 = math.log(1.0 + (sd / mean) ** 2)
    return stats.lognorm(s=math.sqrt(s2), scale=math.exp(math.log(mean) - s2 / 2))


def gamma_mean_sd(mean, sd):
    shape = (mean / sd) ** 2
    return stats.gamma(a=shape, scale=mean / shape)


def pert(lo, mode, hi, lam=4.0):
    # PERT: a beta on [lo, hi] with shapes 1 + lambda (mode - lo) / (hi - lo) and
    # 1 + lambda (hi - mode) / (hi - lo) (Vose, Risk Analysis, 3rd ed., 2008).
    w = hi - lo
    return stats.beta(1 + lam * (mode - lo) / w, 1 + lam * (hi - mode) / w, loc=lo, scale=w)


def truncnorm(mean, sd, lo, hi):
    return stats.truncnorm((lo - mean) / sd, (hi - mean) / sd, loc=mean, scale=sd)


def discrete(values, weights):
    w = np.asarray(weights, dtype=float)
    return stats.rv_discrete(values=(np.asarray(values, dtype=float), w / w.sum()))


# (scenario spelling, scipy distribution, discrete?)
CASES = [
    ("3.25", None, False),
    ("{constant: 2.75}", None, False),
    ("{uniform: [1.3, 4.1]}", stats.uniform(loc=1.3, scale=2.8), False),
    ("{uniform: {min: -2.2, max: 0.7}}", stats.uniform(loc=-2.2, scale=2.9), False),
    ("{normal: [2.7, 0.83]}", stats.norm(2.7, 0.83), False),
    ("{normal: {mean: -140, sd: 37}}", stats.norm(-140, 37), False),
    ("{truncated_normal: [1.2, 0.9, 0.4, 3.1]}", truncnorm(1.2, 0.9, 0.4, 3.1), False),
    # Both bounds above the mean: the upper-tail branch.
    ("{truncated_normal: {mean: 0.3, sd: 0.55, min: 1.4, max: 2.6}}",
     truncnorm(0.3, 0.55, 1.4, 2.6), False),
    ("{lognormal: [310, 190]}", lognormal_mean_sd(310, 190), False),
    ("{lognormal: {mean: 1.0, sd: 0.12}}", lognormal_mean_sd(1.0, 0.12), False),
    ("{lognormal: {mu: 5.247, sigma: 0.956}}",
     stats.lognorm(s=0.956, scale=math.exp(5.247)), False),
    ("{gamma: [2.6, 1.7]}", stats.gamma(a=2.6, scale=1.7), False),
    ("{gamma: {shape: 0.63, scale: 410}}", stats.gamma(a=0.63, scale=410), False),
    ("{gamma: {mean: 4.4, sd: 2.9}}", gamma_mean_sd(4.4, 2.9), False),
    ("{beta: [2.3, 5.1]}", stats.beta(2.3, 5.1), False),
    ("{beta: [2.3, 5.1, 10, 40]}", stats.beta(2.3, 5.1, loc=10, scale=30), False),
    ("{beta: {a: 0.8, b: 1.9, min: -1, max: 3}}", stats.beta(0.8, 1.9, loc=-1, scale=4), False),
    ("{triangular: [0.02, 0.035, 0.09]}",
     stats.triang(c=(0.035 - 0.02) / 0.07, loc=0.02, scale=0.07), False),
    ("{triangular: {min: 10, mode: 31, max: 44}}",
     stats.triang(c=21 / 34, loc=10, scale=34), False),
    ("{pert: [0.02, 0.05, 0.09]}", pert(0.02, 0.05, 0.09), False),
    ("{pert: [1, 2, 4, 6.5]}", pert(1, 2, 4, 6.5), False),
    ("{pert: {min: 0.3, mode: 0.7, max: 1.5}}", pert(0.3, 0.7, 1.5), False),
    ("{pert: {min: 100, mode: 130, max: 260, lambda: 2.7}}", pert(100, 130, 260, 2.7), False),
    ("{pareto: [5000, 2.7]}", stats.pareto(b=2.7, scale=5000), False),
    ("{pareto: {scale: 1.5, shape: 3.4}}", stats.pareto(b=3.4, scale=1.5), False),
    ("{poisson: 3.7}", stats.poisson(3.7), True),
    ("{poisson: [42.5]}", stats.poisson(42.5), True),
    ("{poisson: {mean: 0.83}}", stats.poisson(0.83), True),
    ("{negative_binomial: [6.3, 2.4]}", stats.nbinom(n=2.4, p=2.4 / (2.4 + 6.3)), True),
    ("{negative_binomial: {mean: 71, dispersion: 13}}",
     stats.nbinom(n=13, p=13 / (13 + 71)), True),
    ("{bernoulli: 0.37}", stats.bernoulli(0.37), True),
    ("{bernoulli: {p: 0.81}}", stats.bernoulli(0.81), True),
    ("{discrete: {values: [4, 1, 9], weights: [0.5, 0.2, 0.3]}}",
     discrete([4, 1, 9], [0.5, 0.2, 0.3]), True),
    ("{discrete: {values: [2.5, -1, 7], weights: [3, 1, 2]}}",
     discrete([2.5, -1, 7], [3, 1, 2]), True),
]


def rows():
    for spelling, dist, is_discrete in CASES:
        if dist is None:  # constants: the value with probability 1
            value = float(spelling) if "{" not in spelling else 2.75
            for u in U:
                yield spelling, 1, value, 1.0, 1.0, u, value, value, 0.0
            continue
        mean, var = float(dist.mean()), float(dist.var())
        for u in U:
            q = float(dist.ppf(u))
            # x: a point of its own, not the quantile (which may sit on a jump of the cdf).
            x = q if is_discrete else float(dist.ppf(1 - u))
            density = float(dist.pmf(x)) if is_discrete else float(dist.pdf(x))
            yield spelling, int(is_discrete), x, density, float(dist.cdf(x)), u, q, mean, var


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else OUT
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"# Written by scripts/distribution_oracle.py with "
                f"scipy {__import__('scipy').__version__}; do not edit.\n")
        f.write("spelling\tdiscrete\tx\tpdf\tcdf\tu\tquantile\tmean\tvariance\n")
        n = 0
        for r in rows():
            f.write("\t".join([r[0]] + [repr(v) if isinstance(v, float) else str(v)
                                        for v in r[1:]]) + "\n")
            n += 1
    print(f"wrote {n} rows to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
