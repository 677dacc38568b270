// Paired comparison of reform options against a baseline, the budget roll-up's targets, and the
// probability that each option is the best.
//
// All options run on the same paths with the same addressed streams (common random numbers), so
// the difference option - baseline is taken path by path: its spread is the spread of the
// reform's effect, not of the noise the two runs share.
#pragma once

#include <string>
#include <vector>

#include "sim/aggregates.hpp"
#include "sim/implementation_stats.hpp"
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
  double prob_better = 0;    // P(option better): P(increase) when the metric is better higher,
                             // P(decrease) when it is better lower (as the model declares)
};
DeltaStats delta_stats(std::span<const double> delta, int better_sign);
// The same from the summary of the differences and how many of them are above and below zero
// (sim/streaming_summary.hpp has no array to count them in).
DeltaStats delta_stats(const Summary& s, std::size_t up, std::size_t down, int better_sign);

struct MetricComparison {
  std::string metric;  // "model.metric"
  std::string unit;
  Kind kind = Kind::kFlow;
  Better better = Better::kHigher;
  int better_sign = 1;            // +1: higher is better, -1: lower is better
  BreakdownOf breakdown;          // empty parent: an ordinary metric
  std::vector<DeltaStats> years;  // per year of the horizon
  // Of the per-path difference of each aggregate its kind has (aggregates_of(kind), in order):
  // the NPV of a flow with the mid-year convention, never of a count, stock or NPV.
  std::vector<std::pair<Aggregate, DeltaStats>> aggregates;

  // nullptr when the metric's kind has no such aggregate.
  const DeltaStats* aggregate(Aggregate a) const;
  // The aggregate a one-line table shows (headline_aggregate(kind)).
  const DeltaStats& headline() const;
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
  // Delivery, net loss, payback, ROI, gross savings and programme cost
  // (sim/implementation_stats.hpp).
  ImplementationStats implementation;
};

struct ComparisonReport {
  std::string baseline;
  int start_year = 0;                     // calendar year of the first year of the horizon
  std::vector<OptionComparison> options;  // every option except the baseline
  // P(option has the highest NPV of net budget flow) for every option, baseline included;
  // ties are shared equally.
  std::vector<std::string> best_names;
  std::vector<double> prob_best;
};

// Compares every option with `baseline` on every metric both have, and evaluates the targets
// on the net budget impact (option - baseline of fiscal.net_budget_usd).
ComparisonReport compare_options(const Results& results, const std::string& baseline,
                                 const std::vector<Target>& targets = {});

// The fiscal roll-up's net budget flow of an option (fiscal.net_budget_usd); RunError when it
// has none.
const MetricSeries& net_budget_series(const OptionResults& o);

// Per path: the aggregate that headlines metric `key` (headline_aggregate of its kind: a flow's
// NPV, a count's total, a stock's last year) of `option`, or of option - `versus` when given,
// taken a block of rows at a time (no whole copy of the arrays). Results that keep the headline
// columns in place of the roll-up's per-year arrays (`run --keep-paths headline`,
// OptionResults::headline) give the net budget's NPV from them: the same bits. InputError when
// the results have neither.
struct HeadlineValues {
  std::vector<double> values;  // one per path
  Aggregate aggregate = Aggregate::kNpv;
  MetricInfo info;  // of the metric (its unit and direction)
};
HeadlineValues headline_values(const Results& results, const OptionResults& option,
                               const OptionResults* versus, const std::string& key);

// Per-path NPV of the net budget impact of `option` against `baseline`.
std::vector<double> net_impact_npv(const Results& results, const std::string& option,
                                   const std::string& baseline);

}  // namespace reformsim::sim
