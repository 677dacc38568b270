// The typed parameters of the workforce injury model, as read and validated from a scenario's
// `workforce_injury` section (read_params.cpp). Plain data: the model (model.cpp) only reads it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/counts.hpp"
#include "sim/distributions.hpp"
#include "sim/implementation.hpp"
#include "sim/random.hpp"

namespace reformsim::models::workforce_injury {

// A lognormal given by its mean and standard deviation; sd = 0 is the constant `mean`.
struct Lognormal {
  double mean = 1.0;
  double sd = 0.0;
  double mu = 0.0;     // log-scale location: log(mean) - sigma^2 / 2
  double sigma = 0.0;  // log-scale spread: sqrt(log(1 + (sd / mean)^2))

  static Lognormal from_mean_sd(double mean, double sd);
  double second_moment() const { return mean * mean + sd * sd; }
};

// A Pareto tail spliced onto a lognormal at `threshold_usd`, continuous in distribution: the
// lognormal below the threshold, Pareto(threshold, shape) above it, with the lognormal's own
// probability above the threshold (`probability`, set by the reader). threshold_usd = 0: none.
struct ParetoTail {
  double threshold_usd = 0.0;
  double shape = 0.0;
  double probability = 0.0;

  bool on() const { return threshold_usd > 0.0; }
};
// The mean of `body` with `tail` spliced on (the body's own mean without a tail).
double spliced_mean(const Lognormal& body, const ParetoTail& tail);

enum class CountModel : std::uint8_t { kPoisson, kNegativeBinomial };

// How the claims of accident years before the horizon's first year are paid during it.
enum class RunOff : std::uint8_t {
  kNone,       // no prior accident years: paid cost starts from zero (tests, clean comparisons)
  kExpected,   // prior years' expected incurred cost, paid by the pattern (the default)
  kSimulated,  // prior accident years simulated claim by claim (a burn-in; slower)
};

struct Department {
  std::string name;
  double headcount_fte = 0.0;
  double headcount_growth = 0.0;         // per year
  sim::Distribution claims_per_100_fte;  // drawn once per path when uncertain
  int rate_input = -1;                   // index of its per-path input, -1 when constant
  double lost_time_share = 0.25;
  double daily_indemnity_usd = 0.0;
  // Labor Code 4850: sworn police and fire keep full salary for up to a year of injury leave,
  // paid from the department's sworn salary account, not the workers' compensation account.
  double salary_continuation_daily_usd = 0.0;
  // Share of its claims filed under statutory presumptions (Labor Code 3212 ff.: heart, cancer,
  // hernia, back, PTSD), which no safety programme prevents; drawn once per path when uncertain.
  sim::Distribution presumption_share = sim::Distribution::constant(0.0);
  int presumption_input = -1;     // index of its per-path input, -1 when constant
  std::string group;              // the department breakdown's group (empty: "other")
  int group_index = 0;            // its index in Params::groups
  std::uint32_t reform_mask = 0;  // bit r: reform r covers this department

  // Stream keys, built once from the name (not from the list position, so that an option that
  // adds or reorders departments keeps every department's draws).
  sim::StreamKey rate_key, count_key, mix_key, claim_key, presumption_key;
};

enum ReformKind : int { kSafety = 0, kWellness, kFraudAnalytics, kAdr, kReformCount };
inline constexpr const char* kReformNames[kReformCount] = {"safety", "wellness", "fraud_analytics",
                                                           "adr"};

// What every reform program has: whether it runs, when it starts, how fast it reaches full
// strength and its yearly cost. Which departments it covers is Department::reform_mask.
struct Reform {
  bool enabled = false;
  int start_offset = 0;   // first year of the program, 0-based from the start year
  int ramp_up_years = 0;  // years to full effect (0 or 1: full from the first year)
  double annual_cost_usd = 0.0;
  sim::ImplementationSpec implementation;  // may fail, go live late, overrun its cost

  // Share of the full effect in year t on a path whose implementation turned out as `real`: 0
  // when it failed or before its go-live (the start, delayed), min(1, (k + 1) / ramp) in the
  // program's year k = t - go-live (full at once when ramp <= 1).
  double ramp(int year, const sim::ReformRealisation& real) const {
    const int go_live = real.go_live(start_offset);
    if (!enabled || !real.delivers || year < go_live) return 0.0;
    if (ramp_up_years <= 1) return 1.0;
    const double share = static_cast<double>(year - go_live + 1) / ramp_up_years;
    return share < 1.0 ? share : 1.0;
  }
  // The yearly cost in year t: from the planned start, times the overrun, until a failed
  // program is wound down.
  double cost(int year, const sim::ReformRealisation& real) const {
    return enabled && year >= start_offset ? annual_cost_usd * real.cost_share(year, start_offset)
                                           : 0.0;
  }
};

// Each reform's own effects (uncertain: drawn once per path), at full strength.
struct SafetyReform : Reform {
  sim::Distribution effect;  // share of claims prevented
};
struct WellnessReform : Reform {
  sim::Distribution severity_effect;   // medical cost reduction of a participant's claim
  sim::Distribution lost_days_effect;  // lost-days reduction of a participant's claim
  double participation = 1.0;          // share of covered staff who take part
};
struct FraudAnalyticsReform : Reform {
  sim::Distribution effect;  // share of the fraud missed without analytics that it detects
};
struct AdrReform : Reform {
  sim::Distribution litigation_effect;      // share of disputes settled without litigation
  sim::Distribution duration_effect;        // reduction of a litigated claim's lost days
  double admin_cost_per_dispute_usd = 0.0;  // per dispute handled
};

struct Reforms {
  SafetyReform safety;
  WellnessReform wellness;
  FraudAnalyticsReform fraud_analytics;
  AdrReform adr;

  // What reform `kind` has in common with the others.
  const Reform& operator[](ReformKind kind) const {
    switch (kind) {
      case kSafety:
        return safety;
      case kWellness:
        return wellness;
      case kFraudAnalytics:
        return fraud_analytics;
      default:
        return adr;
    }
  }
  Reform& operator[](ReformKind kind) {
    return const_cast<Reform&>(static_cast<const Reforms&>(*this)[kind]);
  }
};

// Where a yearly rate comes from: a constant, or a scenario factor whose yearly value is the rate.
struct Inflation {
  double rate = 0.0;               // inside the horizon, unless `factor` is set
  int factor = -1;                 // factor index, or -1
  double before_start_rate = 0.0;  // back-trends the accident years before the horizon
};

// Groups of the department breakdown: each is two metrics per path and year, so few.
inline constexpr std::size_t kMaxGroups = 8;

struct Params {
  CountModel counts = CountModel::kPoisson;
  double dispersion = 0.0;  // negative binomial r: variance = mean + mean^2 / r
  // `count`: the family of a department-year's count at its mean, by inversion of one uniform
  // (used when counts is kPoisson; the default is plain Poisson).
  sim::CountLaw count_law;
  sim::Distribution frequency_multiplier = sim::Distribution::constant(1.0);
  double frequency_trend = 0.0;
  sim::Distribution severity_multiplier = sim::Distribution::constant(1.0);

  Lognormal medical_only_usd;
  Lognormal lost_time_medical_usd;
  ParetoTail lost_time_tail;  // spliced onto lost_time_medical_usd
  Lognormal lost_days;
  Inflation medical_inflation;
  Inflation indemnity_inflation;

  double litigation_probability[2] = {0.0, 0.0};  // [medical-only, lost-time]
  Lognormal legal_cost_usd;
  double litigation_severity_multiplier = 1.0;
  double litigation_duration_multiplier = 1.0;
  // Share of a litigated claim's excess cost (the multipliers above - 1) that litigation causes;
  // the rest is selection (costlier claims attract attorneys) and stays when ADR settles the
  // dispute. 1: all causal (the earlier upper bound). Drawn once per path.
  sim::Distribution litigation_causal_share = sim::Distribution::constant(1.0);

  double fraud_share = 0.0;
  double detection_probability = 0.0;
  double investigation_cost_usd = 0.0;

  // Calendar-year medical trend on payments (payment_pattern.hpp, medical_trend_factors): the
  // medical share of claim payments, and the yearly trend of the medical cost of payments made
  // after the accident year (or after the first year, for the run-off). Each drawn once per path;
  // a rate of 0 (the default) leaves payments as the pattern gives them.
  sim::Distribution medical_share = sim::Distribution::constant(0.57);
  sim::Distribution medical_trend = sim::Distribution::constant(0.0);

  std::vector<double> payment_pattern;  // fractions per development year, sum 1
  // Bootstrap replicates of the default pattern (payment_pattern_uncertainty: bootstrap), one
  // drawn per path; empty: every path pays by payment_pattern.
  std::vector<std::vector<double>> pattern_draws;
  RunOff run_off = RunOff::kExpected;

  std::vector<Department> departments;
  // The department breakdown's groups in the order they first appear (departments without a
  // group are "other"); empty when no department names a group: no breakdown metrics.
  std::vector<std::string> groups;
  Reforms reforms;
};

}  // namespace reformsim::models::workforce_injury
