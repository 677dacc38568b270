#!/usr/bin/python3
"""scenarios/la_procurement.yaml against its derivation, scripts/la_procurement_split.py.

The scenario states the City-wide $8.2B as category shares and, per category, the shares paid
by the General Fund, the special funds and the proprietary departments. Multiplied back, the
General-City-only base (the general_fund and special parts) must reproduce the script's dollars
from the adopted budget: per category and fund to the scenario's rounding, and in total the
pinned figures below. A change to the script's rules, to the budget file or to the scenario's
figures that is not carried to the others fails here.

Usage: /usr/bin/python3 tests/test_la_procurement_split.py [SOURCE_DIR]
"""

import os
import sys

import yaml

SOURCE = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                         os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
import la_procurement_split as split  # noqa: E402

# The derivation's totals (FY2021-22 adopted, printed by the script): General City purchasing,
# its General Fund part.
GENERAL_CITY_USD = 1_568_317_543
GENERAL_FUND_USD = 619_723_483

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def main():
    derived = split.derive(split.load())
    check(abs(derived["usd"].sum() - GENERAL_CITY_USD) < 1.0,
          f"General City purchasing {derived['usd'].sum():,.0f}, pinned {GENERAL_CITY_USD:,}")
    check(abs(derived["general_fund_usd"].sum() - GENERAL_FUND_USD) < 1.0,
          f"General Fund part {derived['general_fund_usd'].sum():,.0f}, pinned "
          f"{GENERAL_FUND_USD:,}")

    with open(os.path.join(SOURCE, "scenarios", "la_procurement.yaml")) as f:
        section = yaml.safe_load(f)["models"]["procurement"]
    total = float(section["annual_spend_usd"])
    check(total == split.TOTAL_SPEND_USD, f"annual_spend_usd {total} != the script's")
    shares, funds = split.rounded_shares(derived)
    names = [c["name"] for c in section["categories"]]
    check(names == split.CATEGORIES, f"categories {names} != {split.CATEGORIES}")
    gf_sum = special_sum = 0.0
    for c in section["categories"]:
        name, f = c["name"], c.get("funds", {})
        # The scenario's figures are the script's, rounded as the script prints them.
        check(abs(c["share"] - shares[name]) < 1e-9, f"{name}: share {c['share']} != "
              f"{shares[name]:.3f}")
        for group in ("general_fund", "special", "proprietary"):
            check(abs(f.get(group, -1.0) - funds.loc[name, group]) < 1e-9,
                  f"{name}: funds.{group} {f.get(group)} != {funds.loc[name, group]:.4f}")
        # The General-City-only base: City-wide spend times the General City's fund shares
        # gives back the budget's dollars, to the rounding of the shares (3 and 4 decimals).
        citywide = total * c["share"]
        gf, special = citywide * f["general_fund"], citywide * f["special"]
        tolerance = total * (0.0005 * (f["general_fund"] + f["special"]) + 0.00005)
        row = derived.loc[name]
        check(abs(gf - row["general_fund_usd"]) < tolerance,
              f"{name}: General Fund {gf:,.0f} != {row['general_fund_usd']:,.0f}")
        check(abs(special - row["special_usd"]) < tolerance,
              f"{name}: special {special:,.0f} != {row['special_usd']:,.0f}")
        check(c.get("capital", False) == (name == "construction"),
              f"{name}: only construction is one-off capital")
        gf_sum += gf
        special_sum += special
    check(abs(gf_sum + special_sum - GENERAL_CITY_USD) < 0.002 * GENERAL_CITY_USD,
          f"General City base {gf_sum + special_sum:,.0f} != {GENERAL_CITY_USD:,}")
    check(abs(gf_sum - GENERAL_FUND_USD) < 0.002 * GENERAL_FUND_USD,
          f"General Fund base {gf_sum:,.0f} != {GENERAL_FUND_USD:,}")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(failures)} failure(s); General City base ${(gf_sum + special_sum) / 1e6:,.1f}M, "
          f"of it General Fund ${gf_sum / 1e6:,.1f}M")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
