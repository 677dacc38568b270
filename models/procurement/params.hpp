// The typed parameters of the procurement model, as read and validated from a scenario's
// `procurement` section (read_params.cpp). Plain data: the model (model.cpp) only reads it; see
// model.hpp for what each quantity means and where its defaults come from.
#pragma once

#include <string>
#include <vector>

#include "sim/counts.hpp"
#include "sim/distributions.hpp"
#include "sim/implementation.hpp"
#include "sim/random.hpp"

namespace reformsim::models::procurement {

using sim::Distribution;
using sim::StreamKey;

// Yearly real price escalation below this is refused (spend must stay positive).
constexpr double kMinEscalation = -0.5;

// The fund groups money is attributed to (docs/models/procurement.md, "Funds"): the General Fund,
// the special funds of the General City (bond, grant, fee and tax-measure funds) and the
// proprietary departments' own funds (Water and Power, Airports, Harbor). Few on purpose: the
// engine stores every metric per path and year.
inline constexpr int kFundGroups = 3;
inline constexpr const char* kFundGroupNames[kFundGroups] = {"general_fund", "special",
                                                             "proprietary"};
// The group of the procure-to-pay processing savings in net savings' "category" breakdown (they
// belong to no spend category).
inline constexpr const char* kProcessingGroup = "transaction_processing";

struct Category {
  std::string name;
  double base_spend_usd = 0.0;  // the latest year's spend, before the first simulated year
  double growth = 0.0;
  Distribution escalation;  // per path; ignored when escalation_factor >= 0
  int escalation_factor = -1;
  // One-off capital works (bond-, grant- or capital-fund financed): a saving lowers a project's
  // cost, it does not reduce a recurring appropriation (cost avoidance, not budgetable).
  bool capital = false;
  // Shares of the category's spend paid from each fund group (they add up to 1); all General
  // Fund unless the scenario says otherwise.
  double fund_shares[kFundGroups] = {1.0, 0.0, 0.0};
  double cm_addressable_share = 1.0;
  Distribution cm_savings_rate;
  double competitive_share = 1.0;
  double bidders_mean = 2.3;
  sim::CountLaw extra_bidders;  // the family of the bidders beyond the first
  int solicitations_per_year = 100;
  // Set-up time keys and input slots.
  StreamKey savings_key, escalation_key, bidders_key;
  int savings_input = -1;
  int escalation_input = -1;  // only when the escalation is uncertain
};

struct Lever {
  bool enabled = false;
  int start_year_offset = 0;
  double setup_cost_usd = 0.0;
  double running_cost_usd_per_year = 0.0;
  sim::ImplementationSpec implementation;  // may fail, go live late, overrun its cost

  // The programme's cost in `year` as implemented on the path (`real`): the plan from its start
  // times the overrun, until a failed programme is wound down.
  double cost(int year, const sim::ReformRealisation& real) const {
    if (!enabled || year < start_year_offset) return 0.0;
    return (running_cost_usd_per_year + (year == start_year_offset ? setup_cost_usd : 0.0)) *
           real.cost_share(year, start_year_offset);
  }
};

struct CategoryManagement : Lever {
  Distribution ceiling = Distribution::pert(0.05, 0.15, 0.5);
  Distribution midpoint_years = Distribution::triangular(3.0, 5.0, 8.0);
  double steepness_per_year = 1.0;
};

struct RedTape : Lever {
  Distribution added_bidders = Distribution::pert(0.0, 0.1, 0.7);
  double ramp_years = 2.0;
};

struct ProcurementOffice : Lever {
  Distribution go_live_year_offset = Distribution::constant(3.0);
  double transactions_per_year = 0.0;
  Distribution saving_per_transaction_usd = Distribution::pert(2.0, 4.0, 8.0);
  Distribution leakage_reduction = Distribution::constant(0.0);
};

struct Params {
  std::vector<Category> categories;
  Distribution leakage_share = Distribution::pert(0.2, 0.3, 0.4);
  // Depth A of the price curve (per path).
  Distribution max_price_reduction = Distribution::pert(0.03, 0.10, 0.25);
  double rate_per_bidder = 0.35;
  CategoryManagement cm;
  RedTape red_tape;
  ProcurementOffice office;
};

}  // namespace reformsim::models::procurement
