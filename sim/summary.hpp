// Summary tables of a run: for every option and kept metric, the distribution over paths of the
// metric in each year and of the aggregates over the horizon its kind gives it (sim/aggregates.hpp:
// total and NPV of a flow, total of a count, first, last and change of a stock, an NPV itself).
//
// One function computes them, from Results alone, whether the Results come straight from a run
// or were read back from a results file: the two therefore agree to the last bit.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/aggregates.hpp"
#include "sim/results.hpp"
#include "sim/statistics.hpp"

namespace reformsim::sim {

// Column order of a summary row, as stored in results files.
inline constexpr std::array<const char*, 10> kSummaryColumns = {
    "mean", "sd", "se", "ci_lower", "ci_upper", "p5", "p50", "p95", "min", "max"};
using SummaryRow = std::array<double, kSummaryColumns.size()>;
SummaryRow to_row(const Summary& s);
Summary from_row(const SummaryRow& row, std::size_t n);

struct MetricSummary {
  std::string model;
  std::string metric;
  std::string unit;
  Kind kind = Kind::kFlow;
  Better better = Better::kHigher;
  BreakdownOf breakdown;         // empty parent: an ordinary metric
  std::vector<Summary> by_year;  // one per year of the horizon
  // Of the per-path aggregates over the horizon: aggregates_of(kind), in that order.
  std::vector<std::pair<Aggregate, Summary>> aggregates;

  std::string key() const { return model + "." + metric; }
  // nullptr when the metric's kind has no such aggregate.
  const Summary* aggregate(Aggregate a) const;
  // Model, name, unit, kind, direction and breakdown from the metric's declaration; no rows.
  void set_header(const std::string& model_name, const MetricInfo& info);
};

struct OptionSummary {
  std::string name;
  std::vector<MetricSummary> metrics;  // in the order of OptionResults::metrics

  const MetricSummary* metric(const std::string& key) const;
};

struct SummaryTable {
  std::uint64_t paths = 0;
  int start_year = 0;
  int horizon_years = 0;
  int fiscal_year_start = 1;  // sim/fiscal_years.hpp: the years are fiscal years when above 1
  double discount_rate = 0.0;
  std::string baseline;
  std::vector<OptionSummary> options;

  const OptionSummary* option(const std::string& name) const;
};

// Present value discounts year t (0-based) by (1 + discount_rate)^-(t + 0.5) (mid-year), as
// sim::npv_by_row does; an already-present value is not discounted again. Runs on `threads` oneTBB
// workers (0: all cores); the numbers do not depend on it.
SummaryTable summarize_results(const Results& results, int threads = 0);

}  // namespace reformsim::sim
