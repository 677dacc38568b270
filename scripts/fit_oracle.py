"""Writes tests/data/fit_samples.csv and tests/data/fit_oracle.csv: a sample of every family
`reformsim fit` fits (numpy's PCG64 with a fixed seed), and scipy's maximum-likelihood fit of
each: the parameters in the scenario format's names, the log-likelihood at them and, for the
continuous families, the Kolmogorov-Smirnov D (stats.kstest) and Anderson-Darling A^2 at them
(empty where the fitted F is 0 or 1 at a sample value, as at pareto's and uniform's ends); and
rows for three samples truncated below and censored above (the columns truncate_below and
censor_above), and rows for fits with the frequency weights of the sample's `weight` column
(the column weighted = "weight"): Nelder-Mead on sum w log f (plus the weighted censoring and
truncation terms), KS from the weighted empirical CDF and A^2 as W times the integral of
(F_n - F)^2 / (F (1 - F)) dF by quadrature, an independent form of reformsim's sum, both at the
fitted parameters as printed; and rows for per-row truncation and censoring (the columns
truncate_below and censor_above naming the sample's `deductible` and `limit` columns, or holding
one number for every row; truncate_above a number): Nelder-Mead on sum log f over the exact
values + sum log S(c_i) over the censored - sum log P(a_i < X < b_i).
tests/test_fit.cpp fits the same samples with sim::fit and checks both against the table.

Run with Debian's Python (python3-scipy): /usr/bin/python3 scripts/fit_oracle.py [OUTDIR]
(OUTDIR defaults to tests/data; ctest writes fresh files elsewhere and compares).
The fits are scipy's own (stats.<family>.fit with the location fixed at 0 where the scenario
family has none) or, for the count families that scipy does not fit, a Nelder-Mead search on
scipy's log-pmf; never reformsim's closed forms.
"""

import math
import os
import sys

import numpy as np
from scipy import integrate, optimize, stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUTDIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "tests", "data")
N = 300
rng = np.random.default_rng(20261206)

# Asymmetric true parameters, none at a round value.
samples = {
    "normal": rng.normal(3.7, 1.3, N),
    "lognormal": rng.lognormal(9.2, 1.1, N),
    "gamma": rng.gamma(2.3, 1500.0, N),
    "beta": rng.beta(2.7, 5.1, N),
    "pareto": (rng.pareto(2.4, N) + 1.0) * 1000.0,
    "uniform": rng.uniform(2.5, 11.0, N),
    "poisson": rng.poisson(4.3, N).astype(float),
    "negative_binomial": rng.negative_binomial(1.7, 1.7 / (1.7 + 6.2), N).astype(float),
}
# Frequency weights (drawn after the samples, so those stay as they were): uneven, fractional.
samples["weight"] = np.round(rng.gamma(1.6, 1.1, N) + 0.05, 3)
WEIGHTS = samples["weight"]
# Per-claim deductibles and policy limits for the lognormal sample (drawn after the weights).
samples["deductible"] = rng.choice([700.0, 2500.0, 4100.0], N)
samples["limit"] = rng.choice([18000.0, 45000.0, 90000.0], N)


FROZEN = {
    "normal": lambda p: stats.norm(p[0], p[1]),
    "lognormal": lambda p: stats.lognorm(p[1], 0, math.exp(p[0])),
    "gamma": lambda p: stats.gamma(p[0], 0, p[1]),
    "beta": lambda p: stats.beta(p[0], p[1]),
    "pareto": lambda p: stats.pareto(p[1], 0, p[0]),
    "uniform": lambda p: stats.uniform(p[0], p[1] - p[0]),
}


def anderson_darling(dist, x):
    x = np.sort(x)
    n = len(x)
    f = dist.cdf(x)
    if np.any(f <= 0) or np.any(f >= 1):
        return ""
    i = np.arange(1, n + 1)
    return "%.10g" % (-n - np.sum((2 * i - 1) * (np.log(f) + np.log1p(-f[::-1]))) / n)


class Bound:
    """A scipy distribution with its arguments bound, as stats.<family>(*args) freezes it, but
    without building a new distribution object at each call: the searches below evaluate their
    likelihood hundreds of thousands of times, and a frozen distribution's construction took 85%
    of each evaluation (0.75 ms against 0.11). A frozen distribution's methods call
    dist.<method>(x, *args), as these do, so the numbers are the same, bit for bit."""

    __slots__ = ("dist", "args")

    def __init__(self, dist, *args):
        self.dist, self.args = dist, args

    def __getattr__(self, name):
        method = getattr(self.dist, name)
        return lambda x: method(x, *self.args)


def parametrised(family, exact):
    """(scipy distribution of the search coordinates t, bound (Bound), start t0 from the values `exact`,
    t -> the scenario format's parameters) for the numerical searches below: scale-like
    parameters by their logs."""
    if family == "lognormal":
        return (lambda t: Bound(stats.lognorm, math.exp(t[1]), 0, math.exp(t[0])),
                [np.log(exact).mean(), math.log(np.log(exact).std())],
                lambda t: [("mu", t[0]), ("sigma", math.exp(t[1]))])
    if family == "gamma":
        k, _, sc = stats.gamma.fit(exact, floc=0)
        return (lambda t: Bound(stats.gamma, math.exp(t[0]), 0, math.exp(t[1])),
                [math.log(k), math.log(sc)],
                lambda t: [("shape", math.exp(t[0])), ("scale", math.exp(t[1]))])
    if family == "normal":
        return (lambda t: Bound(stats.norm, t[0], math.exp(t[1])),
                [exact.mean(), math.log(exact.std())],
                lambda t: [("mean", t[0]), ("sd", math.exp(t[1]))])
    return (lambda t: Bound(stats.nbinom, math.exp(t[1]),
                                  math.exp(t[1]) / (math.exp(t[1]) + math.exp(t[0]))),
            [math.log(exact.mean()), 0.0],
            lambda t: [("mean", math.exp(t[0])), ("dispersion", math.exp(t[1]))])


# Truncated below A and censored at C (values >= C only known to be >= C), fitted by
# Nelder-Mead on the likelihood written with scipy's logpdf and logsf; the complete-data fit of
# the values below C is the start, as in reformsim, but the search is scipy's.
INCOMPLETE = [("lognormal", 3000.0, 40000.0), ("gamma", 1000.0, 7000.0), ("normal", 2.0, 6.0)]


def fit_incomplete(family, x, a, c):
    x = x[x > a]
    exact, n_cens = x[x < c], int(np.sum(x >= c))
    dist, t0, names = parametrised(family, exact)

    def nll(t):
        d = dist(t)
        return -(d.logpdf(exact).sum() + n_cens * d.logsf(c) - len(x) * d.logsf(a))

    res = optimize.minimize(nll, t0, method="Nelder-Mead",
                            options={"xatol": 1e-11, "fatol": 1e-12, "maxiter": 40000})
    return names(res.x), -res.fun


def weighted_ks(dist, x, w):
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    f = dist.cdf(x)
    after = np.cumsum(w) / w.sum()
    before = after - w / w.sum()
    return "%.10g" % max(np.max(f - before), np.max(after - f))


def weighted_ad(dist, x, w):
    """W times the integral over u of (F_n - u)^2 / (u (1 - u)), F_n the weighted empirical CDF
    as a function of u = F(x), piecewise constant between the data's F values."""
    order = np.argsort(x, kind="stable")
    f, w = dist.cdf(x[order]), w[order]
    total = w.sum()
    edges = np.concatenate([[0.0], f, [1.0]])
    levels = np.concatenate([[0.0], np.cumsum(w) / total])
    s = 0.0
    for lo, hi, c in zip(edges[:-1], edges[1:], levels):
        if hi > lo:
            s += integrate.quad(lambda u: (c - u) ** 2 / (u * (1 - u)), lo, hi,
                                epsabs=0, epsrel=1e-13, limit=200)[0]
    return "%.10g" % (total * s)


# Weighted fits: (family, truncate_below, censor_above), None for complete data.
WEIGHTED = [("lognormal", None, None), ("gamma", None, None), ("normal", None, None),
            ("negative_binomial", None, None), ("lognormal", 3000.0, 40000.0)]


def fit_weighted(family, x, w, a, c):
    keep = x > a if a is not None else np.ones(len(x), bool)
    x, w = x[keep], w[keep]
    cens = x >= c if c is not None else np.zeros(len(x), bool)
    dist, t0, names = parametrised(family, x)

    def nll(t):
        d = dist(t)
        if family == "negative_binomial":
            return -np.sum(w * d.logpmf(x))
        ll = np.sum(w[~cens] * d.logpdf(x[~cens]))
        if c is not None:
            ll += w[cens].sum() * d.logsf(c)
        if a is not None:
            ll -= w.sum() * d.logsf(a)
        return -ll

    res = optimize.minimize(nll, t0, method="Nelder-Mead",
                            options={"xatol": 1e-12, "fatol": 1e-13, "maxiter": 40000})
    res = optimize.minimize(nll, res.x, method="Nelder-Mead",
                            options={"xatol": 1e-12, "fatol": 1e-13, "maxiter": 40000})
    # The statistics at the parameters as printed (10 digits): the test evaluates its own there.
    params = [(name, float("%.10g" % v)) for name, v in names(res.x)]
    ks = ad = ""
    if family in FROZEN and a is None and c is None:
        d = FROZEN[family]([v for _, v in params])
        ks, ad = weighted_ks(d, x, w), weighted_ad(d, x, w)
    return params, -res.fun, ks, ad


# Per-row truncation below (the deductible column), above (a number: scalar) and censoring (the
# limit column): (family, below, above, censor), each a column name, a number or None.
PER_ROW = [("lognormal", "deductible", None, "limit"), ("lognormal", 2000.0, 30000.0, None),
           ("gamma", 800.0, 9000.0, 6000.0)]


def fit_per_row(family, x, below, above, censor):
    n = len(x)
    col = lambda v, none: (samples[v] if isinstance(v, str) else
                           np.full(n, none if v is None else v))
    a, b, c = col(below, -np.inf), col(above, np.inf), col(censor, np.inf)
    keep = (x > a) & (x < b)
    x, a, b, c = x[keep], a[keep], b[keep], c[keep]
    cens = x >= c
    exact = x[~cens]
    dist, t0, names = parametrised(family, exact)

    def nll(t):
        d = dist(t)
        mass = np.where(d.sf(a) <= 0.5, d.sf(a) - d.sf(b), d.cdf(b) - d.cdf(a))
        return -(d.logpdf(exact).sum() + d.logsf(c[cens]).sum() - np.log(mass).sum())

    res = optimize.minimize(nll, t0, method="Nelder-Mead",
                            options={"xatol": 1e-11, "fatol": 1e-12, "maxiter": 40000})
    res = optimize.minimize(nll, res.x, method="Nelder-Mead",
                            options={"xatol": 1e-11, "fatol": 1e-12, "maxiter": 40000})
    return names(res.x), -res.fun


def fit(family, x):
    """(parameter names and values in the scenario format, log-likelihood)"""
    if family == "normal":
        loc, scale = stats.norm.fit(x)
        return [("mean", loc), ("sd", scale)], stats.norm.logpdf(x, loc, scale).sum()
    if family == "lognormal":
        s, _, scale = stats.lognorm.fit(x, floc=0)
        ll = stats.lognorm.logpdf(x, s, 0, scale).sum()
        return [("mu", math.log(scale)), ("sigma", s)], ll
    if family == "gamma":
        a, _, scale = stats.gamma.fit(x, floc=0)
        return [("shape", a), ("scale", scale)], stats.gamma.logpdf(x, a, 0, scale).sum()
    if family == "beta":
        a, b, _, _ = stats.beta.fit(x, floc=0, fscale=1)
        return [("a", a), ("b", b)], stats.beta.logpdf(x, a, b).sum()
    if family == "pareto":
        b, _, scale = stats.pareto.fit(x, floc=0)
        return [("scale", scale), ("shape", b)], stats.pareto.logpdf(x, b, 0, scale).sum()
    if family == "uniform":
        loc, scale = stats.uniform.fit(x)
        ll = stats.uniform.logpdf(x, loc, scale).sum()
        return [("min", loc), ("max", loc + scale)], ll
    if family == "poisson":
        res = optimize.minimize_scalar(lambda m: -stats.poisson.logpmf(x, m).sum(),
                                       bounds=(0.1, 50.0), method="bounded",
                                       options={"xatol": 1e-12})
        return [("mean", res.x)], -res.fun
    if family == "negative_binomial":
        def nll(t):
            m, r = math.exp(t[0]), math.exp(t[1])
            return -stats.nbinom.logpmf(x, r, r / (r + m)).sum()
        res = optimize.minimize(nll, [math.log(x.mean()), 0.0], method="Nelder-Mead",
                                options={"xatol": 1e-12, "fatol": 1e-13, "maxiter": 20000})
        return [("mean", math.exp(res.x[0])), ("dispersion", math.exp(res.x[1]))], -res.fun
    raise ValueError(family)


os.makedirs(OUTDIR, exist_ok=True)
with open(os.path.join(OUTDIR, "fit_samples.csv"), "w") as f:
    f.write(",".join(samples) + "\n")
    for i in range(N):
        f.write(",".join(repr(float(samples[k][i])) for k in samples) + "\n")
with open(os.path.join(OUTDIR, "fit_oracle.csv"), "w") as f:
    f.write("family,parameter,value,log_likelihood,ks,ad,truncate_below,censor_above,weighted,"
            "truncate_above\n")
    for family, x in samples.items():
        if family in ("weight", "deductible", "limit"):
            continue
        params, ll = fit(family, x)
        ks = ad = ""
        if family in FROZEN:
            dist = FROZEN[family]([v for _, v in params])
            ks = "%.10g" % stats.kstest(x, dist.cdf).statistic
            ad = anderson_darling(dist, x)
        for name, value in params:
            f.write("%s,%s,%.10g,%.10g,%s,%s,,,,\n" % (family, name, value, ll, ks, ad))
    for family, a, c in INCOMPLETE:
        params, ll = fit_incomplete(family, samples[family], a, c)
        for name, value in params:
            f.write("%s,%s,%.10g,%.10g,,,%r,%r,,\n" % (family, name, value, ll, a, c))
    for family, a, c in WEIGHTED:
        params, ll, ks, ad = fit_weighted(family, samples[family], WEIGHTS, a, c)
        bounds = "%r,%r" % (a, c) if a is not None else ","
        for name, value in params:
            f.write("%s,%s,%.10g,%.10g,%s,%s,%s,weight,\n" % (family, name, value, ll, ks, ad,
                                                               bounds))
    text = lambda v: "" if v is None else v if isinstance(v, str) else repr(v)
    for family, a, b, c in PER_ROW:
        params, ll = fit_per_row(family, samples[family], a, b, c)
        for name, value in params:
            f.write("%s,%s,%.10g,%.10g,,,%s,%s,,%s\n" % (family, name, value, ll, text(a),
                                                          text(c), text(b)))
