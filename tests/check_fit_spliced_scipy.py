"""`reformsim fit --spliced U` with truncation and censoring against scipy: the spliced
lognormal-Pareto likelihood of truncated and censored rows written here independently (scipy's
lognorm and pareto log-densities and survival functions), maximised by scipy.optimize from a
start 5% away from reformsim's estimates.

Usage: check_fit_spliced_scipy.py REFORMSIM WORKDIR

The data: 1,500 draws (numpy seed 2207) of the spliced model mu 8.1, sigma 1.3, threshold 9,000,
tail probability 0.23, shape 1.7, recorded above a per-claim deductible of 300 or 1,200 (below
the threshold) and censored at a per-claim limit of 6,000 (below the threshold: the body's
survival), 40,000 (above: the Pareto's) or none; and the same draws with one deductible of 500
and one limit of 30,000 (the scalar options). Exits non-zero when reformsim's log-likelihood
differs from the one written here at reformsim's estimates by more than 1e-9 relative, when
scipy finds a log-likelihood higher by more than 1e-8 relative, or when scipy's optimum differs
from reformsim's estimates by more than 1e-3 of a standard error.
"""
import json
import os
import subprocess
import sys

import numpy as np
from scipy import optimize, stats

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from checks import check, failures  # noqa: E402

REFORMSIM, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
U = 9000.0


def draws(rng, n, mu=8.1, sigma=1.3, p=0.23, shape=1.7):
    w = rng.random(n)
    gu = stats.norm.cdf((np.log(U) - mu) / sigma)
    body = np.exp(mu + sigma * stats.norm.ppf(np.minimum(w / (1 - p), 1.0) * gu))
    tail = U * ((1 - w) / p) ** (-1 / shape)
    return np.where(w >= 1 - p, tail, body)


rng = np.random.default_rng(2207)
x = draws(rng, 1500)
ded = rng.choice([300.0, 1200.0], size=x.size, p=[0.6, 0.4])
lim = rng.choice([6000.0, 40000.0, np.nan], size=x.size, p=[0.15, 0.35, 0.5])
keep = x > ded  # below the deductible: never recorded
path = os.path.join(WORK, "spliced_incomplete.csv")
with open(path, "w") as f:
    f.write("claim,ded,lim\n")
    for v, a, c in zip(x[keep], ded[keep], lim[keep]):
        f.write(f"{v!r},{a!r},{'' if np.isnan(c) else repr(c)}\n")


def spliced_loglik(theta, x, a, b, c):
    """sum over exact rows of log f(x) + over censored rows of log S(c) - over all rows of
    log(F(b) - F(a)), the spliced CDF F = (1 - p) G(x) / G(U) at or below U, 1 - p (U/x)^shape
    above; a, b, c arrays (-inf, +inf, +inf: none)."""
    mu, sigma, p, shape = theta
    if not (sigma > 0 and 0 < p < 1 and shape > 0):
        return -np.inf
    body = stats.lognorm(s=sigma, scale=np.exp(mu))
    tail = stats.pareto(b=shape, scale=U)
    log_gu = body.logcdf(U)

    def logpdf(t):
        return np.where(t <= U, np.log1p(-p) + body.logpdf(np.minimum(t, U)) - log_gu,
                        np.log(p) + tail.logpdf(np.maximum(t, U)))

    def cdf(t):
        t = np.asarray(t, dtype=float)
        out = np.where(t <= U, (1 - p) * np.exp(body.logcdf(np.clip(t, 1e-300, U)) - log_gu),
                       1 - p * np.exp(tail.logsf(np.maximum(t, U))))
        return np.where(t <= 0, 0.0, np.where(np.isinf(t), 1.0, out))

    def sf(t):
        t = np.asarray(t, dtype=float)
        below = p + (1 - p) * (np.exp(log_gu) - np.exp(body.logcdf(np.clip(t, 1e-300, U)))) \
            / np.exp(log_gu)
        out = np.where(t <= U, below, p * np.exp(tail.logsf(np.maximum(t, U))))
        return np.where(t <= 0, 1.0, np.where(np.isinf(t), 0.0, out))

    censored = x >= c
    ll = np.sum(logpdf(x[~censored])) + np.sum(np.log(sf(c[censored])))
    mass = np.where(sf(a) <= 0.5, sf(a) - sf(b), cdf(b) - cdf(a))
    return ll - np.sum(np.log(mass))


def reformsim(*options):
    out = subprocess.run([REFORMSIM, "fit", path, "--column", "claim", "--spliced", "9000",
                          *options, "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["spliced"]


def compare(what, r, xs, a, b, c):
    names = ("mu", "sigma", "probability", "shape")
    est = [r["parameters"][k]["value"] for k in names]
    ses = [r["parameters"][k]["se"] for k in names]
    mine = spliced_loglik(est, xs, a, b, c)
    print(f"{what}: log-likelihood reformsim {r['log_likelihood']!r}, written here {mine!r}")
    check(abs(mine - r["log_likelihood"]) <= 1e-9 * abs(mine),
          f"{what}: log-likelihood {r['log_likelihood']!r} vs {mine!r}")
    start = [e * f for e, f in zip(est, (1.05, 0.95, 1.05, 0.95))]
    q0 = [start[0], np.log(start[1]), np.log(start[2] / (1 - start[2])), np.log(start[3])]

    def negative(q):
        theta = [q[0], np.exp(q[1]), 1 / (1 + np.exp(-q[2])), np.exp(q[3])]
        v = spliced_loglik(theta, xs, a, b, c)
        return -v if np.isfinite(v) else 1e300

    res = optimize.minimize(negative, q0, method="Nelder-Mead",
                            options={"xatol": 1e-11, "fatol": 1e-11, "maxiter": 40000,
                                     "maxfev": 40000})
    res = optimize.minimize(negative, res.x, method="BFGS", options={"gtol": 1e-9})
    found = [res.x[0], np.exp(res.x[1]), 1 / (1 + np.exp(-res.x[2])), np.exp(res.x[3])]
    best = -res.fun
    print(f"{what}: scipy's maximum {best!r}")
    check(best <= r["log_likelihood"] + 1e-8 * abs(best),
          f"{what}: scipy found a higher log-likelihood {best!r} > {r['log_likelihood']!r}")
    for name, got, want, se in zip(names, est, found, ses):
        ok = abs(got - want) <= 1e-3 * se
        print(f"{what}: {name} reformsim {got:.12g}, scipy {want:.12g}, s.e. {se:.3g}")
        check(ok, f"{what}: {name} reformsim {got!r} vs scipy {want!r} beyond 1e-3 s.e. {se!r}")


xs, a, c = x[keep], ded[keep], np.where(np.isnan(lim[keep]), np.inf, lim[keep])
b = np.full(xs.size, np.inf)
per_row = reformsim("--truncate-below-column", "ded", "--censor-above-column", "lim")
check(per_row["truncated_or_censored"] is True, "per row: not flagged as truncated or censored")
compare("per-row deductibles and limits", per_row, np.minimum(xs, c), a, b, c)

scalar_keep = xs > 500
xs2 = xs[scalar_keep]
c2 = np.full(xs2.size, 30000.0)
scalar = reformsim("--truncate-below", "500", "--censor-above", "30000")
compare("--truncate-below 500 --censor-above 30000", scalar, np.minimum(xs2, c2),
        np.full(xs2.size, 500.0), np.full(xs2.size, np.inf), c2)

if failures:
    sys.exit(1)
print("reformsim fit --spliced with truncation and censoring agrees with scipy")
