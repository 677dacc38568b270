// The typed, validated input of the real-estate model (see model.hpp for what each quantity
// means and where its defaults come from), as read from a scenario section (read_params.cpp).
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sim/config.hpp"
#include "sim/counts.hpp"
#include "sim/distributions.hpp"
#include "sim/implementation.hpp"
#include "sim/model.hpp"
#include "sim/spliced_severity.hpp"

namespace reformsim::models::real_estate {

struct MarketSpec {
  // Drawn once per path: the log drift (`log_drift`: the mean real log-return a year), or, with
  // `arithmetic_drift`, the GBM drift mu (`drift`: the expected growth rate), from which the log
  // drift is mu - (volatility^2 + factor_variance) / 2.
  sim::Distribution drift;
  bool arithmetic_drift = false;
  sim::Distribution volatility;  // sd of the idiosyncratic yearly log-return, once per path
  std::vector<std::pair<int, double>> loadings;  // (factor index, loading on its value)
  // Var(sum_f beta_f F_f) within a year: sum_fg beta_f beta_g sd_f sd_g R_fg, with sd_f the sd
  // of factor f's marginal and R the scenario's correlation.
  double factor_variance = 0.0;

  // The path's log drift from its draws of the drift as given and of the volatility.
  double log_drift(double drawn_drift, double drawn_volatility) const {
    return arithmetic_drift
               ? drawn_drift - 0.5 * (drawn_volatility * drawn_volatility + factor_variance)
               : drawn_drift;
  }
};

struct AssetClassSpec {
  std::string name;
  int parcels = 1;
  double market_value_usd = 0.0;
  double replacement_value_usd = 0.0;
  double occupancy = 1.0;                 // share of the non-surplus parcels in active use
  sim::Distribution operating_cost_rate;  // share of replacement value a year, once per path
  double operating_cost_per_parcel_usd = 0.0;
  double lease_income_usd = 0.0;  // yearly rent billed by the whole class
  double lease_collection_rate = 1.0;
  sim::Distribution surplus_share;    // share of parcels surplus today, once per path
  double surplus_value_factor = 1.0;  // value of a surplus parcel / average parcel value
  double unrecorded_share = 0.0;      // unrecorded parcels, as a share of the recorded ones
  int disposition_priority = 0;       // lower sells first
  // Exempt surplus land under the Surplus Land Act (Gov. Code 54221(f)(1): e.g. parcels under
  // half an acre not next to open space or affordable housing): sold without its notice.
  bool surplus_land_act_exempt = false;
  MarketSpec market;
};

struct AssetManagementSpec {
  bool enabled = false;
  int start_year_offset = 0;
  int implementation_years = 1;
  double implementation_cost_usd = 0.0;
  double annual_cost_usd = 0.0;
  sim::Distribution detection_rate;            // share of under-used and unrecorded parcels found
  sim::Distribution operating_cost_reduction;  // share of operating cost saved
  sim::Distribution lease_collection_gain;     // share of uncollected rent recovered
  sim::ImplementationSpec implementation;      // may fail, go live late, overrun its cost
  int effective_year() const { return start_year_offset + implementation_years; }
};

// California's Surplus Land Act (Gov. Code 54220-54234, as amended by AB 1486 of 2019): before
// selling surplus land a local agency sends a notice of availability to affordable-housing
// sponsors and public bodies, which have notice_days (54222: 60) to answer; with an answer, it
// negotiates in good faith for at least negotiation_days (54223: 90). A parcel is taken up by
// such an entity with probability take_up_share and then closes at the end of the negotiation,
// at its price less `discount`; otherwise it goes to market after the notice period.
struct SurplusLandActSpec {
  bool enabled = false;
  double notice_days = 60.0;
  double negotiation_days = 90.0;
  sim::Distribution take_up_share;  // share of the parcels offered that are taken up, per path
  sim::Distribution discount;       // price discount of a parcel taken up, per path
};

struct DispositionSpec {
  std::vector<int> capacity_by_year;         // parcels brought to market, one per horizon year
  std::vector<double> program_cost_by_year;  // incremental program cost, one per horizon year
  sim::Distribution time_to_sell_days;       // listing to closing, per parcel
  sim::Distribution price_ratio;             // sale price / appraised market value, per parcel
  sim::Distribution transaction_cost_share;  // share of the price, once per path
  SurplusLandActSpec surplus_land_act;
  // The acceleration (any pace above the first year's, or any programme cost) may fail, in which
  // case the first year's pace holds, or start late, in which case the pace list starts late.
  sim::ImplementationSpec implementation;
  bool accelerated() const {
    for (std::size_t y = 0; y < capacity_by_year.size(); ++y)
      if (capacity_by_year[y] != capacity_by_year[0] || program_cost_by_year[y] != 0.0) return true;
    return false;
  }
  // Parcels brought to market in year y on a path whose acceleration turned out as `real`.
  int capacity(int year, const sim::ReformRealisation& real) const {
    if (!accelerated()) return capacity_by_year[static_cast<std::size_t>(year)];
    if (!real.delivers) return capacity_by_year[0];
    return capacity_by_year[static_cast<std::size_t>(std::max(0, year - real.delay_years))];
  }
};

struct DealSpec {
  std::string name;
  int class_index = 0;
  int parcels = 0;  // surplus parcels of the class reserved for the deal
  double probability = 1.0;
  int start_year_offset = 0;
  sim::Distribution delay_years;          // from start to closing, per path
  sim::Distribution upfront_payment_usd;  // at closing, per path
  sim::Distribution ground_lease_usd;     // a year, from the year after closing, per path
  int construction_years = 2;
  double housing_units = 0.0;
};

struct PartnershipSpec {
  bool enabled = false;
  double program_cost_usd = 0.0;  // a year
  std::vector<DealSpec> deals;
  sim::ImplementationSpec implementation;  // the programme as a whole
};

struct PerilSpec {
  std::string name;
  double events_per_billion_usd = 0.0;  // events a year per $1B of replacement value held
  sim::CountLaw count;                  // the family of the yearly count around that mean
  sim::SplicedSeverity severity;
};

struct DamageSpec {
  sim::Distribution frequency_factor = sim::Distribution::constant(1.0);  // once per path
  std::vector<PerilSpec> perils;
};

struct Params {
  int horizon_years = 1;
  std::vector<AssetClassSpec> classes;
  std::vector<int> disposition_order;  // class indices by priority
  AssetManagementSpec asset_management;
  DispositionSpec disposition;
  PartnershipSpec partnerships;
  DamageSpec damage;
};

}  // namespace reformsim::models::real_estate
