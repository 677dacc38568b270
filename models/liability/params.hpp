// The typed, validated input of the liability model (see model.hpp for what each quantity means
// and where its defaults come from), as read from a scenario section (read_params.cpp).
#pragma once

#include <string>
#include <vector>

#include "sim/counts.hpp"
#include "sim/distributions.hpp"
#include "sim/implementation.hpp"
#include "sim/random.hpp"
#include "sim/spliced_severity.hpp"

namespace reformsim::models::liability {

// At most this many years from an incident to its last payment (the payment pattern's length).
inline constexpr int kMaxLagYears = 30;

struct Category {
  std::string name;
  double claims_per_year = 0.0;  // paid claims incurred a year, at frequency multiplier 1
  sim::CountLaw count;           // the family of the yearly count around that mean
  sim::SplicedSeverity severity;
  // Share of a claim's cost paid k years after its incident year (k = 0, 1, ...); adds to 1.
  std::vector<double> payment_lag;
  // Set-up: stream keys of the yearly count, of each claim, and of the path's severity parameters
  // (when the severity's parameters are uncertain).
  sim::StreamKey count_key, claim_key, severity_key;
};

// What every reform has: when it starts, how fast it reaches full strength, what it costs, and
// its implementation risk (sim/implementation.hpp).
struct Reform {
  bool enabled = false;
  int start_offset = 0;   // first year of the programme, 0-based from the start year
  int ramp_up_years = 0;  // years to full effect (0 or 1: full from the first year)
  double setup_cost_usd = 0.0;
  double annual_cost_usd = 0.0;
  sim::ImplementationSpec implementation;

  // Share of the full effect on claims of incident year `year` (0-based): 0 when the programme
  // failed or before its go-live (the start, delayed), then min(1, (k + 1) / ramp) in its year k.
  double ramp(int year, const sim::ReformRealisation& real) const {
    return enabled ? real.ramp(year, start_offset, ramp_up_years) : 0.0;
  }
  // The programme's cost in `year`: set-up in its planned first year, the running cost every
  // year from then on, times the overrun, until a failed programme is wound down.
  double cost(int year, const sim::ReformRealisation& real) const {
    if (!enabled || year < start_offset) return 0.0;
    return (annual_cost_usd + (year == start_offset ? setup_cost_usd : 0.0)) *
           real.cost_share(year, start_offset);
  }
};

// Risk data and analytics: a claims and incident system that finds the places, units and
// practices behind repeated claims; it prevents a share of the claims of the categories it
// covers.
struct RiskAnalytics : Reform {
  sim::Distribution frequency_reduction = sim::Distribution::constant(0.0);
  std::vector<bool> covers;  // per category
};

// Early settlement and claims handling: early evaluation and mediation settle claims for less
// and sooner: each claim's cost x (1 - severity_reduction), and a claim paid a year or more after
// its incident is paid a year sooner with probability faster_share.
struct EarlySettlement : Reform {
  sim::Distribution severity_reduction = sim::Distribution::constant(0.0);
  sim::Distribution faster_share = sim::Distribution::constant(0.0);
  std::vector<bool> covers;
};

// Loss prevention: programmes that remove the causes of claims of a category (sidewalk and
// street repair, police de-escalation training, fleet safety), each with its own reduction.
struct LossPrevention : Reform {
  std::vector<sim::Distribution> reduction;  // per category (constant 0 where none is given)
  std::vector<int> input;                    // per category: its input slot, -1 without one
  std::vector<sim::StreamKey> reduction_key;
};

struct Params {
  int horizon_years = 1;
  std::vector<Category> categories;
  sim::Distribution frequency_multiplier = sim::Distribution::constant(1.0);  // once per path
  sim::Distribution severity_multiplier = sim::Distribution::constant(1.0);   // once per path
  RiskAnalytics risk_analytics;
  EarlySettlement early_settlement;
  LossPrevention loss_prevention;
  // Incident years simulated before the start (the run-off the first years pay): the longest
  // payment pattern's length less one.
  int run_off_years = 0;
};

}  // namespace reformsim::models::liability
