// The real-estate portfolio: what the city's property is worth, what it costs, what selling
// surplus parcels and development partnerships bring in, and what damage costs.
//
// Per path, per asset class c (offices, yards, vacant land, ...) and year t (0-based):
//
// Market. The class's log value index moves by
//     r_ct = mu_c + sum_f beta_cf F_ft + sigma_c z_ct,        L_ct = L_c,t-1 + r_ct,  L_c,-1 = 0,
// F_ft the scenario's correlated factors (economy, interest rates, ...), z_ct a standard normal
// keyed by (class, year) and shared by every option; drift mu_c and idiosyncratic volatility
// sigma_c are drawn once per path. Appraisal indices smooth and understate volatility: the
// shipped values are set to transaction-based indices (NCREIF/MIT TBI, Fisher, Geltner and
// Pollakowski 2007; Green Street CPPI), not to the appraisal-based NCREIF NPI.
//
// Holdings. A class has N_c parcels of market value V_c exp(L_ct) and replacement value R_c. A
// share s_c of the parcels (drawn per path, S_c = round(s_c N_c)) is surplus; each surplus parcel
// has base value v_c = f_c V_c / N_c (f_c the surplus value factor). Held base B_ct starts at
// V_c and falls by v_c at each sale, so held value + sold value = V_c exp(L_ct) at all times.
// Within a year, flows use the time-averaged held base, h_ct = avg(B_ct) / V_c.
//
// Costs and income. Operating and maintenance cost
//     O_ct = (1 - a_t) [k_c R_c h_ct + p_c n_ct],
// k_c the yearly rate on replacement value (NRC 1990, "Committing to the Cost of Ownership":
// 2-4%), p_c a cost per held parcel, n_ct the time-averaged held parcel count, a_t the
// asset-management saving. Lease income I_ct = I_c h_ct [q_c + g_t (1 - q_c)], I_c the rent
// billed, q_c the collection rate and g_t the share of uncollected rent the system recovers.
//
// Asset-management system. Costs its implementation (spread over implementation_years from
// start_year_offset) and a yearly cost after; from its effective year e it saves a_t = a and
// recovers g_t = g (both drawn per path), and finds a share d (detection rate, per path) of the
// under-used parcels, round(d (1 - occupancy_c)(N_c - S_c)), and of the unrecorded ones,
// round(d u_c N_c): all become surplus candidates; unrecorded ones add their value when found.
//
// Disposition. Surplus parcels are queued per class (base surplus, then found ones); each year
// at most K_t parcels are brought to market, classes in priority order, listings spread evenly
// over the year. Parcel k of class c sells D_ck days after listing (lognormal, median ~190 and
// mean ~300 days) at price v_c exp(L_c(T)) x_ck (1 - tc), x_ck the price / appraisal ratio
// (appraisal error ~12%; Crosby, Lavers and Murdoch 1998), tc the transaction costs, L_c(T) the
// index interpolated to the sale date T. D_ck and x_ck are keyed by (class, parcel index), so a
// faster program sells the same parcels at the same ratios, only earlier. A parcel is sold at
// most once; proceeds arrive in the year of closing; from then on it neither costs nor earns.
//
// Surplus Land Act (California, Gov. Code 54220-54234 as amended by AB 1486 of 2019). When
// enabled, a parcel of a class that is not exempt is first offered to affordable-housing
// sponsors and public bodies: with probability t (take_up_share, per path; one uniform per
// parcel from its sale stream) one takes it up and the sale closes notice_days +
// negotiation_days (60 + 90 by default, the statute's minimums) after listing, at the price
// times (1 - discount); otherwise it goes to market notice_days later.
//
// Partnerships. Each deal reserves surplus parcels of a class (taken from the end of its sale
// queue), closes with its probability after a random delay, then pays an upfront sum at closing
// and a ground lease each later year (both drawn per path), and delivers its housing units
// construction_years after closing. From the year after closing the developer carries the site's
// operating cost and damage. A deal that does not close leaves its site held (unsold).
//
// Damage. Per class, peril and year, N ~ Poisson(lambda_p phi R_c h_ct / 1e9) events (lambda_p
// per $1B of replacement value held, phi a per-path frequency factor), counts by inversion of
// one uniform keyed by (class, peril, year) and each event's loss by inversion of a uniform
// keyed by (class, peril, year, event): a spliced lognormal-Pareto severity, capped
// (sim/spliced_severity.hpp). Frequencies and severities were fitted to the Wisconsin Local
// Government Property Insurance Fund's 6,258 claims (/work/shared/data/lgpif/CLAIMLEVEL.csv) by
// scripts/fit_property_damage.py.
//
// Outputs per year: market_value_usd (held, year end), operating_cost_usd, lease_income_usd,
// disposition_proceeds_usd, partnership_income_usd, damage_losses_usd, program_cost_usd,
// net_cash_flow_usd = income + proceeds - costs, npv_net_cash_flow_usd (the path's NPV at the
// scenario discount rate, mid-year convention as sim::npv_by_row, stored in year 0 only),
// economic_value_usd (that NPV plus the market value held at the horizon discounted from its
// end, (1 + r)^-H: the cash view counts proceeds, this one also the asset given up; year 0
// only), housing_units, parcels_sold, sold_value_usd, sla_discount_usd (Surplus Land Act:
// price given up on parcels taken up), damage_events. Only the primitive cash flows are in the
// budget roll-up; value, net flow, NPVs and counts are not. market_value_usd is declared a held
// asset, so the engine's roll-up has an economic view too (sim/economic.hpp).
//
// Defaults when a key is absent: operating_cost_rate 0.03 of replacement value a year (NRC 1990,
// 2-4%); sales_capacity_per_year 11 (the city's historical pace, issue 6); time_to_sell_days
// lognormal with median 190 and mean 300 days (public-sector disposition studies quoted in
// issue 6); price_ratio lognormal with mean 1 and sd 0.12 (Crosby, Lavers and Murdoch 1998);
// transaction_cost_share 0.05 (assumed); no Surplus Land Act (when enabled: notice_days 60,
// negotiation_days 90, take-up and discount 0); no damage perils, no system, no deals. The Los
// Angeles values, their split and their sources: docs/models/real_estate.md.
#pragma once

#include <memory>

#include "sim/model.hpp"

namespace reformsim::models {

std::unique_ptr<sim::Model> make_real_estate_model(sim::MapReader& section,
                                                   const sim::ModelEnv& env);

}  // namespace reformsim::models
