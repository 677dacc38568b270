// Paired comparison of reform options against a baseline, the budget roll-up's targets, and the
// probability that each option is the best.
//
// All options run on the same paths with the same addressed streams (common random numbers), so
// the difference option - baseline is taken path by path: its spread is the spread of the
// reform's effect, not of the noise the two runs share.
#pragma once

#include <string>
#include <vector>

#include "sim/results.hpp"
#include "sim/scenario.hpp"
#include "sim/statistics.hpp"

namespace reformsim::sim {

// Statistics of a per-path difference.
struct DeltaStats {
  double mean = 0, sd = 0, se = 0;
  double ci_lower = 0, ci_upper = 0;  // 95% CI of the mean difference
  double p5 = 0, p50 = 0, p95 = 0;
  double prob_increase = 0;  // P(option > baseline) on a path
  double prob_decrease = 0;  // P(option < baseline)
  double prob_better = 0;    // P(option better): increase for benefits and the net budget,
                             // decrease for costs; for other metrics, P(increase)
};
DeltaStats delta_stats(std::span<const double> delta, int better_sign);

struct MetricComparison {
  std::string metric;  // "model.metric"
  std::string unit;
  int better_sign = 1;            // +1: higher is better, -1: lower is better
  std::vector<DeltaStats> years;  // per year of the horizon
  DeltaStats total;               // of the sum over the horizon
  DeltaStats npv;                 // of the discounted sum (mid-year convention)
};

struct TargetResult {
  std::string name;
  double probability = 0;  // P(net budget impact >= target)
};

struct OptionComparison {
  std::string option;
  std::string baseline;
  std::vector<MetricComparison> metrics;
  std::vector<TargetResult> targets;
};

struct ComparisonReport {
  std::string baseline;
  std::vector<OptionComparison> options;  // every option except the baseline
  // P(option has the highest NPV of net budget flow) for every option, baseline included;
  // ties are shared equally.
  std::vector<std::string> best_names;
  std::vector<double> prob_best;
};

// Direction in which a metric is better: costs down, benefits and the net budget up.
int better_sign(const MetricSeries& m);

// Compares every option with `baseline` on every metric both have, and evaluates the targets
// on the net budget impact (option - baseline of fiscal.net_budget_usd).
ComparisonReport compare_options(const Results& results, const std::string& baseline,
                                 const std::vector<Target>& targets = {});

// Per-path NPV of the net budget impact of `option` against `baseline`.
std::vector<double> net_impact_npv(const Results& results, const std::string& option,
                                   const std::string& baseline);

}  // namespace reformsim::sim
