#!/usr/bin/python3
"""Los Angeles departments for the workforce injury model, from the city's adopted budget.

Run with Debian's python3 (it has pandas):  /usr/bin/python3 scripts/la_headcounts.py
It prints the `departments:` YAML block of scenarios/la_workforce_injury.yaml, with the working
as comments. Everything printed is derived here from public figures:

Headcount (../shared/data/la_budget/Positions_2122_Adopted.csv, FY2021-22 adopted): regular +
resolution authority positions (accounts POSSG, RESSG civilian; POSSW, RESSW sworn), 36,733 in
all. As-needed, hiring-hall, commissioner, election and printing positions are left out (part
time or not city employees in the usual sense). Police and Fire are split into sworn and civilian
departments: sworn staff file claims at two to three times the civilian rate.

Claim rates (claims per 100 FTE a year):
  * City total: 29,000 claims filed in FY2010-11 to FY2013-14 (LA City Controller, audits of the
    LAPD and LAFD workers' compensation prevention programs, 26 March 2015): 7,250 a year.
  * Sworn share: "more than 60%" of those claims were filed by sworn police and fire (same
    audits): 60% is used.
  * Fire vs police: 66% of firefighters and 60% of police officers filed at least one claim in
    three years (same audits). Reading each as 1 - exp(-3 * rate) gives the ratio of rates,
    ln(1 - 0.66) / ln(1 - 0.60) = 1.18.
  * Civilian departments by kind of work, relative to all local-government workers (BLS Survey
    of Occupational Injuries and Illnesses, 7.0 recordable cases per 100 FTE in 2008): field
    operations 1.25 (local-government solid waste operations, 877 per 10,000 in 2009); public
    service and inspection 0.79 (local-government educational services, 5.5 in 2008); office
    work 0.5 (assumption). The civilian scale is set so civilians file the other 40%.

Daily indemnity (USD per lost calendar day), from ../shared/data/la_budget/
Expenditures_Sec2_for_2122_Adopted.csv: civilians two thirds of the average salary (California
temporary disability, Labor Code 4653), account 001010 "Salaries General" / civilian positions;
sworn officers their full salary (Labor Code 4850), account 001012 "Salaries Sworn" / sworn
positions; both over 365 days.
"""
import math
import pathlib
import re

import pandas as pd

DATA = pathlib.Path("/work/shared/data/la_budget")
if not DATA.exists():
    DATA = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "la_budget"

CLAIMS_PER_YEAR = 29_000 / 4
SWORN_SHARE = 0.60
FIRE_TO_POLICE = math.log(1 - 0.66) / math.log(1 - 0.60)
CLASS_RISK = {"field": 8.772 / 7.0, "service": 5.5 / 7.0, "office": 0.5}
CLASS_OF = {
    "Bureau of Sanitation": "field",
    "Bureau of Street Services": "field",
    "Bureau of Street Lighting": "field",
    "Recreation and Parks": "field",
    "General Services": "field",
    "Transportation": "field",
    "Zoo": "field",
    "Animal Services": "field",
    "Library": "service",
    "Police": "service",  # civilian staff of the Police department
    "Fire": "service",    # civilian staff of the Fire department
    "Building and Safety": "service",
    "Bureau of Engineering": "service",
    "Bureau of Contract Administration": "service",
    "Cultural Affairs": "service",
    "El Pueblo de Los Angeles": "service",
    "Housing": "service",
}


# The department breakdown's groups (models/workforce_injury: claims and claims paid by group,
# each a metric per path and year, so few): the largest claim sources, the rest "other".
GROUP_OF = {
    "Police": "police",
    "Fire": "fire",
    "Bureau of Sanitation": "sanitation",
    "Transportation": "streets_transportation",
    "Bureau of Street Services": "streets_transportation",
    "Bureau of Street Lighting": "streets_transportation",
    "Recreation and Parks": "recreation_parks",
}
# Share of sworn claims filed under statutory presumptions (Labor Code 3212 ff.: heart, hernia,
# pneumonia, cancer, tuberculosis, blood-borne disease, MRSA, lower back for officers with a duty
# belt, PTSD under SB 542): no LA figure is published, so a prior (assumption), written as the
# scenario's distribution. Presumptions cover safety members only: civilians have none.
PRESUMPTION_PRIOR = "{pert: {min: 0.15, mode: 0.30, max: 0.50}}"


def snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def main() -> None:
    pos = pd.read_csv(DATA / "Positions_2122_Adopted.csv", encoding="utf-8-sig")
    count = pos.pivot_table(index="Dept Name", columns="Account Code", values="2021-22 Adopted",
                            aggfunc="sum", fill_value=0)
    civilian = count.get("POSSG", 0) + count.get("RESSG", 0)
    sworn = count.get("POSSW", 0) + count.get("RESSW", 0)

    exp = pd.read_csv(DATA / "Expenditures_Sec2_for_2122_Adopted.csv", encoding="utf-8-sig",
                      dtype={"Account Code": str})
    salary_general = exp.loc[exp["Account Code"] == "001010", "2021-22 Adopted"].sum()
    salary_sworn = exp.loc[exp["Account Code"] == "001012", "2021-22 Adopted"].sum()
    daily_civilian = 2.0 / 3.0 * salary_general / civilian.sum() / 365.0
    daily_sworn = salary_sworn / sworn.sum() / 365.0

    # Sworn rates: police r, fire 1.18 r, together 60% of the claims.
    police_sworn, fire_sworn = sworn["Police"], sworn["Fire"]
    assert sworn.drop(["Police", "Fire"]).sum() == 0
    r_police = SWORN_SHARE * CLAIMS_PER_YEAR / (police_sworn + FIRE_TO_POLICE * fire_sworn) * 100
    r_fire = FIRE_TO_POLICE * r_police

    # Civilian rates: class risk x scale, the civilians filing the remaining 40%.
    risk = pd.Series({d: CLASS_RISK[CLASS_OF.get(d, "office")] for d in civilian.index})
    weighted = (civilian * risk).sum()
    scale = (1 - SWORN_SHARE) * CLAIMS_PER_YEAR / weighted * 100

    rows = []
    for dept in civilian.index:
        if dept in ("Police", "Fire"):
            rows.append((snake(dept) + "_sworn", f"{dept}, sworn", sworn[dept],
                         r_police if dept == "Police" else r_fire, daily_sworn, dept, True))
            rows.append((snake(dept) + "_civilian", f"{dept}, civilian: {CLASS_OF[dept]}",
                         civilian[dept], scale * risk[dept], daily_civilian, dept, False))
        elif civilian[dept] > 0:
            rows.append((snake(dept), f"{dept}: {CLASS_OF.get(dept, 'office')}", civilian[dept],
                         scale * risk[dept], daily_civilian, dept, False))
    rows.sort(key=lambda r: -r[2])

    total_fte = sum(r[2] for r in rows)
    total_claims = sum(r[2] * r[3] / 100 for r in rows)
    print(f"# scripts/la_headcounts.py: {len(rows)} departments, {total_fte:,.0f} regular + "
          f"resolution positions (FY2021-22 adopted), {total_claims:,.0f} expected claims a year")
    print(f"# sworn police {r_police:.2f} and fire {r_fire:.2f} claims per 100 FTE; civilian "
          f"scale {scale:.2f} x class risk (field {CLASS_RISK['field']:.3f}, service "
          f"{CLASS_RISK['service']:.3f}, office {CLASS_RISK['office']:.3f})")
    print(f"# daily indemnity: civilian 2/3 x ${salary_general / civilian.sum():,.0f} / 365 = "
          f"${daily_civilian:.0f}; sworn ${salary_sworn / sworn.sum():,.0f} / 365 = "
          f"${daily_sworn:.0f}")
    print("# sworn: Labor Code 4850 salary continuation (full salary, paid from the sworn salary")
    print("# account 001012, outside 009910) instead of temporary disability from 009910")
    print("departments:")
    for name, label, fte, rate, daily, dept, is_sworn in rows:
        pay = (f"daily_indemnity_usd: 0, salary_continuation_daily_usd: {daily:.0f}, "
               f"presumption_share: {PRESUMPTION_PRIOR}" if is_sworn
               else f"daily_indemnity_usd: {daily:.0f}")
        print(f"  - {{name: {name}, headcount_fte: {fte:g}, claims_per_100_fte: {rate:.2f}, "
              f"{pay}, group: {GROUP_OF.get(dept, 'other')}, description: \"{label}\"}}")


if __name__ == "__main__":
    main()
