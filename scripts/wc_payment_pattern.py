#!/usr/bin/python3
"""Derives the workers' compensation payment pattern used by models/workforce_injury.

Run with Debian's python3 (it has pandas):  /usr/bin/python3 scripts/wc_payment_pattern.py
It prints the YAML `payment_pattern:` list that scenarios/la_workforce_injury.yaml uses and that
models/workforce_injury/payment_pattern.cpp holds as the default, plus the working.

Sources (../shared/data/wc_loss_development/, see its README):
  * friedland_wc_self_insurer.csv: a self-insured employer's workers' compensation, accident
    years 2001-2008, cumulative paid losses by calendar year (Friedland, "Estimating Unpaid
    Claims Using Basic Techniques", CAS). A self-insured employer is what the City of Los Angeles
    is, so this triangle gives the body of the pattern (development years 1-8).
  * clrd.csv, LOB == "wkcomp": the CAS Schedule P workers' compensation triangles of 132 insurer
    groups, accident years 1988-1997, lags 1-10. Summed over groups they give the development
    from lag 8 to lag 10 (beyond the self-insurer's 8 years) and the tail beyond lag 10: the
    ratio of reported incurred (case + IBNR) to cumulative paid losses at lag 10.

Method:
  1. Volume-weighted (chain-ladder) age-to-age factors of cumulative paid losses: Friedland for
     lags 1->2 ... 7->8, Schedule P for 8->9 and 9->10.
  2. Tail factor beyond lag 10 = incurred / paid at lag 10 (Schedule P, accident year 1988, the
     only one observed at lag 10). Workers' compensation pays lifetime medical benefits, so the
     tail is paid slowly: the tail is spread over lags 11..MAX_LAG geometrically, with the ratio r
     for which an untruncated geometric series starting from the lag-10 increment (times r) sums
     to the tail; what the truncation leaves is paid in the last lag.
  3. Cumulative-to-ultimate factors, then incremental fractions f_k = (C_k - C_{k-1}) / C_ult.
The Schedule P-only pattern (same tail) is printed for comparison: the two bodies agree to about
a percentage point per lag.

Parameter uncertainty (`--bootstrap`): the over-dispersed Poisson residual bootstrap of the
chain-ladder factors (England and Verrall, "Stochastic claims reserving in general insurance",
British Actuarial Journal 8(3), 2002, appendix 3), run on both triangles: the chain ladder's
fitted incremental payments m (back from each accident year's latest diagonal), scaled Pearson
residuals r = (C - m) / sqrt(m) x sqrt(n / (n - p)) (n cells, p = accident years + lags - 1
parameters), resampled with replacement onto every cell, pseudo-triangles m + r* sqrt(m), and
their volume-weighted factors; the tail factor is kept (a single observation). Each replicate
gives a pattern as above; `--bootstrap` writes BOOTSTRAP_COUNT of them (numpy seed BOOTSTRAP_SEED)
to models/workforce_injury/payment_pattern_bootstrap.inc, from which the model draws one per path
(`payment_pattern_uncertainty: bootstrap`). tests/test_workforce_injury.cpp pins the file: its
patterns' mean equals the point pattern within its standard error, and two of its rows.
"""
import pathlib
import sys

import numpy as np
import pandas as pd

DATA = pathlib.Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "wc_loss_development"
if not DATA.exists():
    DATA = pathlib.Path("/work/shared/data/wc_loss_development")
MAX_LAG = 30  # development years in the pattern
BOOTSTRAP_COUNT = 100
BOOTSTRAP_SEED = 20220701
INC = pathlib.Path(__file__).resolve().parents[1] / "models" / "workforce_injury" / "payment_pattern_bootstrap.inc"


def age_to_age(tri: pd.DataFrame) -> np.ndarray:
    """Volume-weighted age-to-age factors of a cumulative triangle (rows AY, columns lag 1..n)."""
    out = []
    cols = list(tri.columns)
    for j, k in zip(cols[:-1], cols[1:]):
        both = tri[j].notna() & tri[k].notna()
        out.append(tri.loc[both, k].sum() / tri.loc[both, j].sum())
    return np.array(out)


def pattern_from_factors(factors: np.ndarray, tail: float, max_lag: int) -> np.ndarray:
    """Incremental paid fractions per lag 1..max_lag from age-to-age factors and a tail factor."""
    cum = np.cumprod(np.concatenate([[1.0], factors]))  # cumulative paid, lag 1 = 1
    ultimate = cum[-1] * tail
    inc = np.diff(np.concatenate([[0.0], cum])) / ultimate
    last = inc[-1]
    tail_share = 1.0 - cum[-1] / ultimate
    # r / (1 - r) * last = tail_share  ->  r = tail_share / (last + tail_share)
    r = tail_share / (last + tail_share)
    extra = [last * r ** k for k in range(1, max_lag - len(inc) + 1)]
    extra[-1] += tail_share - sum(extra)
    return np.concatenate([inc, extra]), r


def odp_bootstrap(tri: pd.DataFrame, rng: np.random.Generator, count: int) -> list:
    """England-Verrall ODP residual bootstrap: `count` sets of age-to-age factors of `tri`."""
    cum = tri.to_numpy(dtype=float)
    n_ay, n_lag = cum.shape
    obs = ~np.isnan(cum)
    f = age_to_age(tri)
    fitted = np.full_like(cum, np.nan)
    for i in range(n_ay):
        last = int(np.max(np.nonzero(obs[i])))
        fitted[i, last] = cum[i, last]
        for j in range(last - 1, -1, -1):
            fitted[i, j] = fitted[i, j + 1] / f[j]
    inc = np.diff(np.concatenate([np.zeros((n_ay, 1)), cum], axis=1), axis=1)
    m = np.diff(np.concatenate([np.zeros((n_ay, 1)), fitted], axis=1), axis=1)
    n_cells = int(obs.sum())
    n_par = n_ay + n_lag - 1
    resid = ((inc - m) / np.sqrt(np.abs(m)))[obs] * np.sqrt(n_cells / (n_cells - n_par))
    out = []
    for _ in range(count):
        pseudo = m + rng.choice(resid, size=m.shape) * np.sqrt(np.abs(m))
        pseudo[~obs] = np.nan
        pc = np.cumsum(np.nan_to_num(pseudo), axis=1)
        pc[~obs] = np.nan
        out.append(age_to_age(pd.DataFrame(pc, columns=tri.columns)))
    return out


def micro_list(pattern: np.ndarray) -> list:
    """Six decimals, the last lag taking the rounding, so the printed list sums to 1 exactly."""
    micro = [round(x * 1e6) for x in pattern]
    micro[-1] = 1_000_000 - sum(micro[:-1])
    return [m / 1e6 for m in micro]


def write_bootstrap(fr_paid: pd.DataFrame, sp_paid: pd.DataFrame, tail: float) -> None:
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    fr_boot = odp_bootstrap(fr_paid, rng, BOOTSTRAP_COUNT)
    sp_boot = odp_bootstrap(sp_paid, rng, BOOTSTRAP_COUNT)
    rows = []
    for f_fr, f_sp in zip(fr_boot, sp_boot):
        pattern, _ = pattern_from_factors(np.concatenate([f_fr, f_sp[7:]]), tail, MAX_LAG)
        rows.append(micro_list(pattern))
    arr = np.array(rows)
    lines = [
        "// Generated by scripts/wc_payment_pattern.py --bootstrap (do not edit): "
        f"{BOOTSTRAP_COUNT} payment patterns",
        "// from the ODP residual bootstrap of the chain-ladder factors (England and Verrall 2002), "
        f"numpy seed {BOOTSTRAP_SEED};",
        f"// {MAX_LAG} development years each, six decimals, each row sums to 1.",
    ]
    for r in rows:
        lines.append("{" + ", ".join(f"{x:.6f}" for x in r) + "},")
    INC.write_text("\n".join(lines) + "\n")
    mean_delay = arr @ np.arange(MAX_LAG)
    print(f"# bootstrap: {BOOTSTRAP_COUNT} patterns written to {INC.name}")
    print(f"#   mean delay {mean_delay.mean():.3f} years (sd {mean_delay.std(ddof=1):.3f}); "
          f"first-year share {arr[:, 0].mean():.4f} (sd {arr[:, 0].std(ddof=1):.4f})")


def main() -> None:
    fr = pd.read_csv(DATA / "friedland_wc_self_insurer.csv")
    fr["lag"] = fr["Calendar Year"] - fr["Accident Year"] + 1
    fr_paid = fr.pivot(index="Accident Year", columns="lag", values="Paid Claims")

    sp = pd.read_csv(DATA / "clrd.csv")
    wc = sp[sp["LOB"] == "wkcomp"]
    sp_paid = wc.groupby(["AccidentYear", "DevelopmentLag"])["CumPaidLoss"].sum().unstack()
    sp_inc = wc.groupby(["AccidentYear", "DevelopmentLag"])["IncurLoss"].sum().unstack()

    f_fr = age_to_age(fr_paid)  # 7 factors: lags 1->2 .. 7->8
    f_sp = age_to_age(sp_paid)  # 9 factors: lags 1->2 .. 9->10
    both = sp_paid[10].notna() & sp_inc[10].notna()
    tail = sp_inc.loc[both, 10].sum() / sp_paid.loc[both, 10].sum()

    factors = np.concatenate([f_fr, f_sp[7:]])
    pattern, r = pattern_from_factors(factors, tail, MAX_LAG)
    sp_pattern, _ = pattern_from_factors(f_sp, tail, MAX_LAG)

    print("# age-to-age factors (paid, volume-weighted)")
    print("#   lag   self-insurer   Schedule P wkcomp")
    for k in range(len(f_sp)):
        a = f"{f_fr[k]:.4f}" if k < len(f_fr) else "   -  "
        print(f"#   {k + 1:2d}->{k + 2:<2d}    {a}         {f_sp[k]:.4f}")
    print(f"# tail beyond lag 10 (Schedule P incurred / paid at lag 10): {tail:.4f}")
    print(f"# tail spread geometrically over lags 11..{MAX_LAG}, ratio {r:.4f}")
    print("#   lag   chosen    Schedule P only   cumulative")
    cum = np.cumsum(pattern)
    for k in range(MAX_LAG):
        print(f"#   {k + 1:2d}    {pattern[k]:.6f}  {sp_pattern[k]:.6f}          {cum[k]:.4f}")
    mean_lag = float(np.sum(np.arange(MAX_LAG) * pattern))
    print(f"# mean payment delay: {mean_lag:.2f} years after the accident year")
    print("payment_pattern: [" + ", ".join(f"{m:.6f}" for m in micro_list(pattern)) + "]")
    if "--bootstrap" in sys.argv[1:]:
        write_bootstrap(fr_paid, sp_paid, tail)


if __name__ == "__main__":
    main()
