#!/usr/bin/python3
"""Derives the Los Angeles liability model's calibration (scenarios/la_liability.yaml) from
public data in ../shared/data.

Data:
  * la_budget/Expenditures_Sec2_for_2122_Adopted.csv: the adopted budget's Liability Claims
    schedule (department 59), account lines "... Liability Payouts" by department and fund,
    with 2019-20 actuals, 2020-21 estimates and 2021-22 adopted amounts.
  * la_liability/lapd_liability_payments_fy2010_2020.csv: the City's roster of LAPD liability
    payments, FY2009/10-FY2019/20 (3,570 payment rows; published by FiveThirtyEight and The
    Marshall Project, fivethirtyeight/police-settlements).

What is derived, and printed as the scenario's `categories` block (with --check SCENARIO, it is
compared with that file instead, exit 1 on any difference):
  1. The target: the FY2021-22 adopted Liability Claims schedule (all funds), $87.4M.
  2. The split by category (police, dangerous_conditions, vehicle, employment, other). The
     adopted schedule puts $80M of its $87.4M in "Miscellaneous Liability Payouts", so the
     split is taken from the 2019-20 actuals by department (the last year paid by department):
     each department's line goes to categories by DEPARTMENT_CATEGORIES (an assumption per
     department, documented in docs/models/liability.md), the Police line by the roster's own
     split of FY2010-20 payments by case type, and Miscellaneous pro rata over the rest.
  3. Severities per category: a lognormal body below a threshold u spliced with a Pareto tail
     above it (the real-estate model's spliced severity, models/real_estate/severity.hpp, fitted
     as scripts/fit_property_damage.py does: body by maximum likelihood truncated at u, tail
     share = empirical, shape by Hill), on amounts per claim (installments of one claim number
     added). Police, vehicle and employment have their own fits. The roster has 3 dangerous-
     condition claims and 178 "other" ones (mostly property damage): both borrow the vehicle
     fit (bodily injury and property damage on city streets; an assumption).
  4. Payment lags: years from the incident's fiscal year to the payment's, amount-weighted
     (a dollar pattern), from the 1,434 roster rows with an incident date (payments of
     FY2016/17-FY2019/20), lags of MAX_LAG years or more lumped into the last. Vehicle and
     police have their own; employment, dangerous_conditions and other use the pooled
     non-vehicle pattern (employment has 22 dated rows; the others fewer).
  5. Claims a year: target share / E[min(X, cap)], so that the expected paid cost of a steady
     year equals the adopted schedule's share (the lags add to one).

Run with Debian's python (numpy, pandas, scipy):
    /usr/bin/python3 scripts/la_liability_calibration.py [--check scenarios/la_liability.yaml]
"""

import math
import os
import pathlib
import re
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fit_property_damage import hill, spliced_capped_mean, truncated_above_lognormal_mle  # noqa: E402

# The public data beside the repository (../shared/data), or where REFORMSIM_SHARED_DATA says.
DATA = pathlib.Path(os.environ.get("REFORMSIM_SHARED_DATA") or
                    pathlib.Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
BUDGET = DATA / "la_budget" / "Expenditures_Sec2_for_2122_Adopted.csv"
ROSTER = DATA / "la_liability" / "lapd_liability_payments_fy2010_2020.csv"

CATEGORIES = ["police", "dangerous_conditions", "vehicle", "employment", "other"]
# Per-claim cap: 1.5x the roster's largest claim ($16.7M), an assumption; with Pareto shapes
# below 1 the expected severity depends on it (docs/models/liability.md, "Limits").
CAP_USD = 25_000_000.0
# Tail thresholds: a judgement from the Hill estimates printed at HILL_GRID_USD (at least 60
# tail claims; where the estimate stops drifting, within about its standard error).
THRESHOLDS_USD = {"police": 500_000.0, "vehicle": 100_000.0, "employment": 500_000.0}
BORROWED_SEVERITY = {"dangerous_conditions": "vehicle", "other": "vehicle"}
MAX_LAG = 8  # years; the pattern's last entry holds every later payment
OWN_LAGS = ["police", "vehicle"]
HILL_GRID_USD = [25_000.0, 50_000.0, 100_000.0, 250_000.0, 500_000.0, 1_000_000.0]

# Which categories each department's payout line pays (an assumption per department; shares
# add to one). Police is split by the roster (below); Miscellaneous is spread pro rata.
DEPARTMENT_CATEGORIES = {
    "Fire": {"vehicle": 1.0},  # fire apparatus and ambulance collisions
    "General Services": {"vehicle": 0.5, "other": 0.5},  # fleet; buildings
    # Street Services: sidewalks, trees, street surface; Engineering: street design and repair.
    "Public Works, Street Services": {"dangerous_conditions": 1.0},
    "Public Works, Engineering": {"dangerous_conditions": 1.0},
    "Public Works, Sanitation": {"other": 1.0},  # sewer backups and overflows
    "Recreation and Parks": {"dangerous_conditions": 1.0},  # premises
    "Transportation": {"dangerous_conditions": 0.5, "vehicle": 0.5},  # signals; LADOT fleet
}


def category_of(case_type: str) -> str:
    t = case_type.strip()
    if t.startswith("Traffic Accident"):
        return "vehicle"
    if re.match(r"(Dangerous Condition|Trip and Fall)", t):
        return "dangerous_conditions"
    if re.match(r"(Employment|Retaliation|Sexual Harassment|.*Discrimination|FLSA|Whistleblower|"
                r"Military)", t):
        return "employment"
    if re.match(r"(Police|False Arrest|Civil Rights|Wrongful Death|Law Enforcement|Unlawful Search|"
                r"K9|Trespass|Crowd|Malicious|First Amendment|Denial of Medical|Sexual Assault|"
                r"Professional Negligence - Police)", t):
        return "police"
    return "other"


def liability_lines():
    b = pd.read_csv(BUDGET, dtype=str, encoding="utf-8-sig")
    lines = b[b["Account Name"].str.endswith("Liability Payouts", na=False)].copy()
    for col in ["2019-20 Actuals", "2020-21 Estimates", "2021-22 Adopted"]:
        lines[col] = pd.to_numeric(lines[col], errors="coerce").fillna(0.0)
    lines["department"] = lines["Account Name"].str.replace(" Liability Payouts", "", regex=False)
    return lines


def roster():
    d = pd.read_csv(ROSTER)
    d["category"] = d["case_type"].map(category_of)
    d["fy"] = d["fiscal_year"].str[2:6].astype(int) + 1
    inc = pd.to_datetime(d["incident_date"])
    d["incident_fy"] = inc.dt.year + (inc.dt.month >= 7)
    d["lag"] = d["fy"] - d["incident_fy"]
    return d


def category_shares(lines, d):
    by_dept = lines.groupby("department")["2019-20 Actuals"].sum()
    police = d.groupby("category")["amount_usd"].sum()
    police_share = police / police.sum()
    amounts = dict.fromkeys(CATEGORIES, 0.0)
    for c in CATEGORIES:
        amounts[c] += by_dept["Police"] * police_share.get(c, 0.0)
    for dept, split in DEPARTMENT_CATEGORIES.items():
        for c, s in split.items():
            amounts[c] += by_dept[dept] * s
    total = sum(amounts.values())  # Miscellaneous spread pro rata: shares of the identified lines
    return {c: amounts[c] / total for c in CATEGORIES}, by_dept, police_share


def claim_amounts(d, category):
    x = d[(d["category"] == category) & (d["amount_usd"] > 0)].groupby("claim_number")["amount_usd"]
    return np.sort(x.sum().to_numpy(dtype=float))


def fit_severity(x, u):
    body = x[x <= u]
    mu, sigma = truncated_above_lognormal_mle(body, u)
    alpha, alpha_se, n_tail = hill(x, u)
    p_tail = n_tail / len(x)
    return {"mu": mu, "sigma": sigma, "threshold_usd": u, "probability": p_tail, "shape": alpha,
            "shape_se": alpha_se, "n": len(x), "n_tail": n_tail,
            "mean_usd": spliced_capped_mean(mu, sigma, u, p_tail, alpha, CAP_USD)}


def lag_pattern(rows):
    r = rows[rows["lag"].notna() & (rows["amount_usd"] > 0)]
    lag = r["lag"].clip(0, MAX_LAG).astype(int)
    w = r.groupby(lag)["amount_usd"].sum().reindex(range(MAX_LAG + 1), fill_value=0.0)
    return (w / w.sum()).to_numpy(), len(r)


def calibrate():
    lines = liability_lines()
    d = roster()
    adopted = lines["2021-22 Adopted"].sum()
    shares, by_dept, police_share = category_shares(lines, d)
    fits = {c: fit_severity(claim_amounts(d, c), u) for c, u in THRESHOLDS_USD.items()}
    for c, src in BORROWED_SEVERITY.items():
        fits[c] = fits[src]
    pooled, n_pooled = lag_pattern(d[d["category"] != "vehicle"])
    lags = {c: lag_pattern(d[d["category"] == c])[0] for c in OWN_LAGS}
    for c in CATEGORIES:
        lags.setdefault(c, pooled)
    out = {}
    for c in CATEGORIES:
        target = adopted * shares[c]
        out[c] = {"share": shares[c], "target_usd": target, "fit": fits[c],
                  "claims_per_year": target / fits[c]["mean_usd"], "lag_pattern": lags[c]}
    return {"adopted_usd": adopted, "actual_2019_20_usd": lines["2019-20 Actuals"].sum(),
            "estimate_2020_21_usd": lines["2020-21 Estimates"].sum(), "by_department": by_dept,
            "police_split": police_share, "categories": out, "pooled_lag_rows": n_pooled}


def rounded_shares(shares, digits=3):
    """Shares rounded to `digits` decimals that still add to one (the largest takes the rest)."""
    r = [round(float(s), digits) for s in shares]
    k = int(np.argmax(r))
    r[k] = round(r[k] + 1.0 - sum(r), digits)
    return r


def rounded(cal):
    """The values as the scenario writes them (rounded to what the data supports)."""
    rows = {}
    for c, v in cal["categories"].items():
        f = v["fit"]
        rows[c] = {
            "claims_per_year": round(v["claims_per_year"], 1),
            "mu": round(f["mu"], 3), "sigma": round(f["sigma"], 3),
            "threshold_usd": f["threshold_usd"], "probability": round(f["probability"], 4),
            "shape": round(f["shape"], 3),
            "lag_pattern": rounded_shares(v["lag_pattern"]),
        }
    return rows


def yaml_block(rows):
    out = ["    categories:"]
    for c, r in rows.items():
        out.append(f"      - name: {c}")
        out.append(f"        claims_per_year: {r['claims_per_year']}")
        out.append(f"        severity: {{lognormal: {{mu: {r['mu']}, sigma: {r['sigma']}}}}}")
        out.append(f"        tail: {{threshold_usd: {int(r['threshold_usd'])}, "
                   f"probability: {r['probability']}, shape: {r['shape']}}}")
        out.append(f"        payment_lag: [{', '.join(str(s) for s in r['lag_pattern'])}]")
    return "\n".join(out)


ADOPTED_USD = 87_370_072  # the schedule's FY2021-22 adopted total, all funds (pinned)


def check(scenario_path, cal, rows):
    import yaml
    scenario = yaml.safe_load(pathlib.Path(scenario_path).read_text())
    section = scenario["models"]["liability"]
    given = {c["name"]: c for c in section["categories"]}
    bad = []
    if round(cal["adopted_usd"]) != ADOPTED_USD:
        bad.append(f"adopted total: data {cal['adopted_usd']}, pinned {ADOPTED_USD}")
    if float(section["max_loss_usd"]) != CAP_USD:
        bad.append(f"max_loss_usd: scenario {section['max_loss_usd']}, derivation {CAP_USD}")
    for c, r in rows.items():
        g = given.get(c)
        if g is None:
            bad.append(f"{c}: missing")
            continue
        have = {"claims_per_year": g["claims_per_year"], "mu": g["severity"]["lognormal"]["mu"],
                "sigma": g["severity"]["lognormal"]["sigma"],
                "threshold_usd": g["tail"]["threshold_usd"],
                "probability": g["tail"]["probability"], "shape": g["tail"]["shape"],
                "lag_pattern": g["payment_lag"]}
        for k, v in r.items():
            if have[k] != v:
                bad.append(f"{c}.{k}: scenario {have[k]}, derived {v}")
    for b in bad:
        print("MISMATCH", b)
    return not bad


def main():
    cal = calibrate()
    print(f"Liability Claims schedule, all funds: FY2021-22 adopted ${cal['adopted_usd'] / 1e6:.2f}M;"
          f" 2019-20 actual ${cal['actual_2019_20_usd'] / 1e6:.2f}M;"
          f" 2020-21 estimate ${cal['estimate_2020_21_usd'] / 1e6:.2f}M")
    print("2019-20 actuals by department ($M):")
    for dept, v in cal["by_department"].items():
        print(f"  {dept:40s} {v / 1e6:8.2f}")
    print("LAPD roster FY2010-20 by category:",
          {c: round(float(s), 3) for c, s in cal["police_split"].items()})
    print(f"{'category':22s} {'share':>6s} {'target $M':>9s} {'n':>5s} {'tail':>4s} {'alpha':>6s}"
          f" {'(se)':>6s} {'E[X] $K':>8s} {'claims/yr':>9s}")
    for c, v in cal["categories"].items():
        f = v["fit"]
        print(f"{c:22s} {v['share']:6.3f} {v['target_usd'] / 1e6:9.2f} {f['n']:5d} {f['n_tail']:4d}"
              f" {f['shape']:6.3f} {f['shape_se']:6.3f} {f['mean_usd'] / 1e3:8.1f}"
              f" {v['claims_per_year']:9.1f}")
    print(f"lag rows (non-vehicle pooled): {cal['pooled_lag_rows']}")
    d = roster()
    print("Hill estimates of the Pareto shape (tail claims) by threshold:")
    for c in THRESHOLDS_USD:
        x = claim_amounts(d, c)
        cells = []
        for u in HILL_GRID_USD:
            alpha, se, n = hill(x, u)
            cells.append(f"${u / 1e3:.0f}K {alpha:.2f}+-{se:.2f} ({n})")
        print(f"  {c:12s} " + "  ".join(cells))
    rows = rounded(cal)
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        ok = check(sys.argv[2], cal, rows)
        print("scenario matches the derivation" if ok else "scenario differs from the derivation")
        sys.exit(0 if ok else 1)
    print(yaml_block(rows))


if __name__ == "__main__":
    main()
