"""`reformsim fit` against OpenTURNS where scipy has no fitter of its own: maximum likelihood of
truncated distributions (ot.TruncatedDistribution fitted by ot.MaximumLikelihoodFactory with the
bounds known), and the spliced lognormal-Pareto likelihood (an ot.Mixture of a lognormal
truncated above u and an ot.Pareto above u, maximised by OpenTURNS' TNC from a perturbed start).

Usage: check_fit_openturns.py REFORMSIM FIT_SAMPLES_CSV

Exits non-zero when reformsim's parameters or log-likelihoods differ from OpenTURNS' beyond the
tolerances stated at each check.
"""
import json
import math
import subprocess
import sys

import numpy as np
import openturns as ot
import pandas as pd

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from checks import check, failures  # noqa: E402

REFORMSIM, SAMPLES = sys.argv[1], sys.argv[2]
samples = pd.read_csv(SAMPLES)


def reformsim(column, *options):
    out = subprocess.run([REFORMSIM, "fit", SAMPLES, "--column", column, *options, "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def near(what, got, want, tol):
    ok = abs(got - want) <= tol
    print(f"{what}: reformsim {got:.12g}, OpenTURNS {want:.12g} (tolerance {tol:.3g})")
    return check(ok, f"{what}: reformsim {got!r} vs OpenTURNS {want!r} beyond {tol:.3g}")


def truncated_ml(distribution, x, bounds, lower=None, upper=None):
    """OpenTURNS' ML fit of `distribution` truncated to (lower, upper), every parameter but the
    distribution's own (its location gamma and the bounds) estimated within `bounds` (a box,
    which keeps TNC's line search away from a zero scale)."""
    if upper is None:
        t = ot.TruncatedDistribution(distribution, lower, ot.TruncatedDistribution.LOWER)
    elif lower is None:
        t = ot.TruncatedDistribution(distribution, upper, ot.TruncatedDistribution.UPPER)
    else:
        t = ot.TruncatedDistribution(distribution, lower, upper)
    names = list(t.getParameterDescription())
    values = list(t.getParameter())
    known = [i for i, n in enumerate(names) if n in ("gamma", "lowerBound", "upperBound")]
    factory = ot.MaximumLikelihoodFactory(t)
    factory.setKnownParameter([values[i] for i in known], known)
    factory.setOptimizationBounds(ot.Interval(*bounds))
    sample = ot.Sample(np.asarray(x, dtype=float).reshape(-1, 1))
    fitted = factory.build(sample)
    ll = float(np.sum(np.asarray(fitted.computeLogPDF(sample))))
    return dict(zip(names, fitted.getParameter())), ll


# 1. The lognormal sample truncated below 2,000 and above 30,000 (the oracle's per-row case as one
#    pair of bounds): mu, sigma and the log-likelihood.
x = samples["lognormal"].to_numpy()
inside = x[(x > 2000) & (x < 30000)]
r = reformsim("lognormal", "--truncate-below", "2000", "--truncate-above", "30000", "--families",
              "lognormal")["fits"][0]
start = ot.LogNormal(float(np.log(inside).mean()), float(np.log(inside).std()), 0.0)
p, ll = truncated_ml(start, inside, ([5.0, 0.2], [13.0, 5.0]), 2000.0, 30000.0)
for name, ot_name in (("mu", "muLog"), ("sigma", "sigmaLog")):
    # Two optimisers on a flat likelihood: within 1e-3 of a standard error.
    near(f"lognormal truncated (2000, 30000): {name}", r["parameters"][name]["value"], p[ot_name],
         1e-3 * r["parameters"][name]["se"])
near("lognormal truncated (2000, 30000): log-likelihood", r["log_likelihood"], ll,
     1e-8 * abs(ll))

# 2. The gamma sample truncated below 1,000 (OpenTURNS' gamma has a rate: scale = 1 / lambda).
x = samples["gamma"].to_numpy()
inside = x[x > 1000]
r = reformsim("gamma", "--truncate-below", "1000", "--families", "gamma")["fits"][0]
m, v = inside.mean(), inside.var()
p, ll = truncated_ml(ot.Gamma(m * m / v, m / v, 0.0), inside, ([0.1, 1e-6], [50.0, 1.0]),
                     lower=1000.0)
near("gamma truncated below 1000: shape", r["parameters"]["shape"]["value"], p["k"],
     1e-3 * r["parameters"]["shape"]["se"])
near("gamma truncated below 1000: scale", r["parameters"]["scale"]["value"], 1 / p["lambda"],
     1e-3 * r["parameters"]["scale"]["se"])
near("gamma truncated below 1000: log-likelihood", r["log_likelihood"], ll, 1e-8 * abs(ll))

# 3. The spliced severity at u = 20,000 on the lognormal sample: the density is the mixture
#    (1 - p) lognormal truncated above u + p Pareto(u, shape); reformsim's log-likelihood is the
#    mixture's at reformsim's parameters, and OpenTURNS' TNC started 5% away finds no higher one.
U = 20000.0
x = samples["lognormal"].to_numpy()
sample = ot.Sample(x.reshape(-1, 1))
r = reformsim("lognormal", "--spliced", f"{U:g}")["spliced"]
est = [r["parameters"][k]["value"] for k in ("mu", "sigma", "probability", "shape")]


def mixture_loglik(theta):
    mu, sigma, prob, shape = theta
    body = ot.TruncatedDistribution(ot.LogNormal(mu, sigma, 0.0), U,
                                    ot.TruncatedDistribution.UPPER)
    mix = ot.Mixture([body, ot.Pareto(U, shape, 0.0)], [1 - prob, prob])
    return float(np.sum(np.asarray(mix.computeLogPDF(sample))))


ll = mixture_loglik(est)
near("spliced at 20000: log-likelihood", r["log_likelihood"], ll, 1e-9 * abs(ll))
objective = ot.PythonFunction(4, 1, lambda t: [-mixture_loglik(t)])
problem = ot.OptimizationProblem(objective)
problem.setBounds(ot.Interval([0.0, 0.05, 0.001, 0.05], [20.0, 10.0, 0.999, 20.0]))
solver = ot.TNC(problem)
solver.setStartingPoint([e * f for e, f in zip(est, (1.05, 0.95, 1.05, 0.95))])
solver.setMaximumEvaluationNumber(4000)
solver.setMaximumAbsoluteError(1e-10)
solver.setMaximumRelativeError(1e-10)
solver.setMaximumResidualError(1e-12)
solver.run()
best = solver.getResult()
found = list(best.getOptimalPoint())
check(-best.getOptimalValue()[0] <= r["log_likelihood"] + 1e-6,
      f"spliced: OpenTURNS found a higher log-likelihood {-best.getOptimalValue()[0]!r}")
for name, got, want in zip(("mu", "sigma", "probability", "shape"), est, found):
    near(f"spliced at 20000: {name} (TNC's optimum)", got, want,
         1e-2 * r["parameters"][name]["se"])

if failures:
    sys.exit(1)
print("reformsim fit agrees with OpenTURNS")
