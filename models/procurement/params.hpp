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

struct Category {
  std::string name;
  double base_spend_usd = 0.0;  // the latest year's spend, before the first simulated year
  double growth = 0.0;
  Distribution escalation;  // per path; ignored when escalation_factor >= 0
  int escalation_factor = -1;
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
  Distribution ceiling = Distribution::constant(0.9);
  Distribution midpoint_years = Distribution::constant(3.0);
  double steepness_per_year = 1.0;
};

struct RedTape : Lever {
  Distribution added_bidders = Distribution::pert(0.3, 0.7, 1.5);
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
  double max_price_reduction = 0.20;
  double rate_per_bidder = 0.35;
  CategoryManagement cm;
  RedTape red_tape;
  ProcurementOffice office;
};

}  // namespace reformsim::models::procurement
