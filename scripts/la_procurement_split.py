#!/usr/bin/python3
"""Category split of Los Angeles procurement spend, from the City's FY2021-22 adopted budget.

Reads ../shared/data/la_budget/Expenditures_Sec2_for_2122_Adopted.csv (City of Los Angeles,
laBudget repository, data/approved_budget/FY21-22/) and classifies the 2021-22 adopted
appropriations that buy goods, services and works from outside suppliers into the spend
categories of the procurement model. Prints the dollars and shares per category, the largest
lines behind each, and what was left out; scenarios/la_procurement.yaml uses the shares.

How lines are classified (first rule that matches wins; the rules are assumptions, printed so
they can be audited):

1. Departmental rows (departments with account-level detail) by the City's standard expense
   accounts: 003040 Contractual Services by department (Information Technology Agency -> IT;
   General Services and Sanitation -> operating services; Street Services, Engineering, Street
   Lighting -> construction; every other department -> professional services), 003030
   Construction Expense -> construction, 003090 Field Equipment Expense and the 007xxx
   equipment accounts -> fleet and equipment, supplies/fuel/uniform/printing accounts ->
   commodities and supplies, 009350 Communication Services -> IT.
2. Capital and Technology Improvement Expenditure Program rows (accounts ending in CIEP) ->
   construction.
3. Rows of the special-purpose fund schedules by keywords in the account name, after excluding
   what is not buying from suppliers (salaries and benefits, debt service, reimbursements and
   transfers, reserves, utilities bought from the City's own Department of Water and Power,
   grants and social programmes) and the "Expense and Equipment" appropriations, which fund
   departmental accounts already counted under rule 1 (counting both would double count).

Not in this file, so not in the split: the proprietary departments (Water and Power, Airports,
Harbor), whose purchasing is a large part of the City-wide $8.2B, and the detailed budgets of
Recreation and Parks and the Library (only their General Fund appropriations appear here).
The scenario therefore assumes that the $8.2B has the mix of the General City's purchasing.

Funds (whose money a saving is): each classified line is paid from its "Source Fund" - the
General Fund (code 100) or one of the General City's special funds (sewer capital and
operations, Proposition A transit, gas tax, Measure M/R/W, permit fees, ...). What the $8.2B
holds beyond the General City's classified purchasing is attributed to the proprietary
departments' own funds (assumption: it is their purchasing, with a little of Recreation and
Parks' and the Library's, which the file does not detail). Per category the fund shares are
therefore general_fund = GF_c / S_c, special = SP_c / S_c, proprietary = 1 - G / 8.2B, with
S_c = 8.2B x share_c the category's City-wide spend, GF_c and SP_c its General City purchasing
by source fund and G the General City total. tests/test_la_procurement_split.py checks that the
scenario's shares reproduce these dollars.

Usage: /usr/bin/python3 scripts/la_procurement_split.py [path/to/Expenditures_Sec2_....csv]
"""

import os
import re
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
# The public data beside the repository (../shared/data), or where REFORMSIM_SHARED_DATA says.
DEFAULT_CSV = os.path.join(os.environ.get("REFORMSIM_SHARED_DATA") or
                           os.path.join(HERE, "..", "..", "shared", "data"), "la_budget",
                           "Expenditures_Sec2_for_2122_Adopted.csv")
AMOUNT = "2021-22 Adopted"
GENERAL_FUND = "100"  # Source Fund Code of the General Fund
TOTAL_SPEND_USD = 8.2e9  # City-wide procurement spend (DESIGN.md reference figure)

CATEGORIES = ["construction", "professional_services", "it_telecom", "fleet_equipment",
              "commodities_supplies", "operating_services"]

# Departments whose rows are special-fund schedules (appropriations by fund), not a
# department's own account-level budget.
FUND_SCHEDULES = {
    "Other Special Purpose Funds", "Wastewater Special Purpose Fund",
    "Proposition A Local Transit Assistance Fund",
    "Proposition C Anti-Gridlock Transit Improvement Fund", "Special Parking Revenue Fund",
    "General City Purposes", "Unappropriated Balance", "Capital Finance Administration",
    "Tax and Revenue Anticipation Notes", "Bond Redemption and Interest",
    "Judgment Obligation Bonds Debt Service Fund", "Liability Claims", "Leasing",
    "Water and Electricity", "Human Resources Benefits",
    "Appropriations to City Employees' Retirement", "Appropriations to Library Fund",
    "Appropriations to Recreation and Parks Fund",
}
# Schedules that hold only debt service, financing, claims, benefits and transfers.
NOT_PURCHASING = {
    "Capital Finance Administration", "Tax and Revenue Anticipation Notes",
    "Bond Redemption and Interest", "Judgment Obligation Bonds Debt Service Fund",
    "Liability Claims", "Human Resources Benefits", "Appropriations to City Employees' Retirement",
    "Appropriations to Library Fund", "Appropriations to Recreation and Parks Fund",
}

# Rule 1: standard departmental expense accounts.
ACCOUNT_CATEGORY = {
    "003030": "construction",            # Construction Expense
    "003180": "commodities_supplies",    # Construction Materials
    "003090": "fleet_equipment",         # Field Equipment Expense
    "007300": "fleet_equipment",         # Furniture, Office, and Technical Equipment
    "007340": "fleet_equipment",         # Transportation Equipment
    "007350": "fleet_equipment",         # Other Operating Equipment
    "003010": "commodities_supplies",    # Firearms Ammunition Other Device
    "003110": "commodities_supplies",    # Institutional Supplies
    "003160": "commodities_supplies",    # Maintenance Materials, Supplies and Services
    "003170": "commodities_supplies",    # Custodial Supplies
    "003190": "commodities_supplies",    # Medical Supplies
    "003230": "commodities_supplies",    # Petroleum Products
    "003260": "commodities_supplies",    # Rescue Supplies and Expense
    "003290": "commodities_supplies",    # Traffic and Signal
    "003350": "commodities_supplies",    # Paint and Sign Maintenance and Repairs
    "003360": "commodities_supplies",    # Signal Supplies and Repairs
    "002120": "commodities_supplies",    # Printing and Binding
    "004430": "commodities_supplies",    # Uniforms
    "004570": "commodities_supplies",    # Veterinary Supplies & Expense
    "004580": "commodities_supplies",    # Animal Food/Feed and Grain
    "006010": "commodities_supplies",    # Office and Administrative
    "006020": "commodities_supplies",    # Operating Supplies
    "008780": "commodities_supplies",    # St. Lighting Improvements and Supplies
    "009350": "it_telecom",              # Communication Services
    "003070": "operating_services",      # Contract Brush Clearance
    "003310": "operating_services",      # Transportation
    "009130": "operating_services",      # Mail Services
    "004500": "professional_services",   # Laboratory Testing Expense
    "004460": "professional_services",   # Private Veterinary Care Expense
    "003120": "professional_services",   # Investigations
    "004200": "professional_services",   # Litigation
    "000506": "professional_services",   # Annual City Audit/Single Audit
}
CONTRACTUAL_BY_DEPT = {
    "Information Technology Agency": "it_telecom",
    "General Services": "operating_services",
    "Bureau of Sanitation": "operating_services",
    "Bureau of Street Services": "construction",
    "Bureau of Engineering": "construction",
    "Bureau of Street Lighting": "construction",
}

# Rule 3: special-fund schedule lines. Exclusions first, then categories in order.
EXCLUDE = re.compile(
    r"reimburs|reserve|unallocated|bond|principal|interest|debt|refund|commercial paper|"
    r"micla|salar|flex|overtime|pension|retirement|benefit|health|welfare|compensation|insurance|"
    r"liability|payout|electricity|water and power|\bwater\b|utilit|energy|expense and equipment|"
    r"homeless|housing|income|assistance|youth|senior meals|child care|gang|grant|business|"
    r"relief|subsid|incentive|fund\b|appropriation|matching|trust|council|neighborhood|"
    r"election|membership|league|association|transfer|arbitrage|loan|repayment|leasing|"
    r"social security|contribution|related costs|assessment|revolving|basic mobility|arts? |"
    r"peace and healing|open streets",
    re.IGNORECASE)
KEYWORDS = [
    ("it_telecom", r"system|technology|software|broadband|wi-?fi|cityview|digital|cyber|"
                   r"radio|smart"),
    ("fleet_equipment", r"equipment|vehicle|apparatus|bus facility|fleet|parts, tools"),
    ("commodities_supplies", r"supplies|supply|material|fuel|petroleum|uniform|\bled\b|module|solar signs"),
    ("operating_services", r"parking|operations|maintenance|transit|bikeshare|cityride|paratransit|"
                           r"hauler|landfill|disposal|collection|security|cleaning|"
                           r"tree trimming|fare card"),
    ("construction", r"construct|ctiep|repair|paving|street|sidewalk|improvement|alteration|"
                     r"rehab|capital|project|pavement|signal|lane|speed hump|corridor|"
                     r"stormwater|facilit|retrofit|alley"),
    ("professional_services", r"contract|consult|engineering|legal|counsel|audit|study|"
                              r"architect|monitor|services|marketing|planning"),
]


def classify(row):
    """Category of one budget line, or None when it is not buying from outside suppliers."""
    dept, code, name = row["Dept Name"], row["Account Code"], row["Account Name"]
    if isinstance(code, str) and code.endswith("CIEP"):
        return "construction"
    if dept not in FUND_SCHEDULES:
        if code in ("003040", "003040A"):
            return CONTRACTUAL_BY_DEPT.get(dept, "professional_services")
        return ACCOUNT_CATEGORY.get(code)
    if dept in NOT_PURCHASING or not isinstance(name, str) or EXCLUDE.search(name):
        return None
    for category, pattern in KEYWORDS:
        if re.search(pattern, name, re.IGNORECASE):
            return category
    return None


def load(path=DEFAULT_CSV):
    """The adopted budget's positive lines, each with its category (None: not purchasing)."""
    budget = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    budget["usd"] = pd.to_numeric(budget[AMOUNT], errors="coerce").fillna(0.0)
    budget = budget[budget["usd"] > 0].copy()
    budget["category"] = budget.apply(classify, axis=1)
    return budget


def derive(budget):
    """Per category: the General City's purchasing (usd), its General Fund and special-fund
    parts, the category's share of the total, and its fund shares of the City-wide spend."""
    used = budget[budget["category"].notna()].copy()
    used["general_fund"] = used["Source Fund Code"] == GENERAL_FUND
    by_cat = used.groupby("category")["usd"].sum().reindex(CATEGORIES).fillna(0.0)
    gf = used[used["general_fund"]].groupby("category")["usd"].sum().reindex(
        CATEGORIES).fillna(0.0)
    out = pd.DataFrame({"usd": by_cat, "general_fund_usd": gf, "special_usd": by_cat - gf})
    total = by_cat.sum()
    out["share"] = out["usd"] / total
    citywide = out["share"] * TOTAL_SPEND_USD
    out["general_fund"] = out["general_fund_usd"] / citywide
    out["special"] = out["special_usd"] / citywide
    out["proprietary"] = 1.0 - out["general_fund"] - out["special"]
    return out


def rounded_shares(derived):
    """The scenario's figures: category shares to 3 decimals, fund shares to 4, each set forced
    to add up to 1 (on the largest category, on the proprietary share)."""
    shares = derived["share"].round(3)
    shares[shares.idxmax()] += round(1.0 - shares.sum(), 3)
    funds = derived[["general_fund", "special"]].round(4)
    funds["proprietary"] = (1.0 - funds["general_fund"] - funds["special"]).round(4)
    return shares, funds


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CSV
    budget = load(path)
    derived = derive(budget)
    used = budget[budget["category"].notna()]
    by_cat = derived["usd"]
    total = by_cat.sum()
    print(f"source: {os.path.normpath(path)} ({AMOUNT})")
    print(f"all adopted appropriations: ${budget['usd'].sum() / 1e9:.3f}B; "
          f"classified as purchasing: ${total / 1e6:.1f}M; "
          f"left out: ${(budget['usd'].sum() - total) / 1e9:.3f}B "
          f"(salaries, benefits, debt, transfers, reserves, grants, utilities, ...)\n")
    print(f"{'category':24s} {'FY21-22 USD':>16s} {'share':>8s} {'of $8.2B':>14s}")
    for cat in CATEGORIES:
        share = by_cat[cat] / total
        print(f"{cat:24s} {by_cat[cat]:16,.0f} {share:8.4f} {share * TOTAL_SPEND_USD:14,.0f}")
    print(f"{'total':24s} {total:16,.0f} {1.0:8.4f} {TOTAL_SPEND_USD:14,.0f}\n")

    print("largest lines per category:")
    lines = used.groupby(["category", "Account Code", "Account Name"])["usd"].sum().reset_index()
    for cat in CATEGORIES:
        top = lines[lines["category"] == cat].nlargest(6, "usd")
        print(f"  {cat}:")
        for _, r in top.iterrows():
            print(f"    {r['Account Code']:9s} {r['Account Name'][:52]:52s} {r['usd']:14,.0f}")

    gf_total = derived["general_fund_usd"].sum()
    print(f"\nfunds of the General City's purchasing (by Source Fund): General Fund "
          f"${gf_total / 1e6:.1f}M, special funds ${(total - gf_total) / 1e6:.1f}M; "
          f"the rest of the ${TOTAL_SPEND_USD / 1e9:.1f}B, "
          f"${(TOTAL_SPEND_USD - total) / 1e6:.1f}M, proprietary (assumption)")
    print(f"{'category':24s} {'General Fund USD':>18s} {'special USD':>16s}")
    for cat in CATEGORIES:
        print(f"{cat:24s} {derived.loc[cat, 'general_fund_usd']:18,.0f} "
              f"{derived.loc[cat, 'special_usd']:16,.0f}")

    shares, funds = rounded_shares(derived)
    print("\nfor scenarios/la_procurement.yaml (category shares to 3 decimals, fund shares of the "
          "City-wide spend to 4; each set forced to add up to 1):")
    for cat in CATEGORIES:
        print(f"  {cat}: share {shares[cat]:.3f}, funds: {{general_fund: "
              f"{funds.loc[cat, 'general_fund']:.4f}, special: {funds.loc[cat, 'special']:.4f}, "
              f"proprietary: {funds.loc[cat, 'proprietary']:.4f}}}")


if __name__ == "__main__":
    main()
