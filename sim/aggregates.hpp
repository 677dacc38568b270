// Which aggregates over the horizon mean something for a metric, by its kind, and how to compute
// them per path.
//
//   flow   money that moves in the year     total (sum over the horizon), npv (discounted sum)
//   count  things that happen in the year   total (a count is never discounted as money)
//   stock  a level at year end              first (first year), last (last year), change
//                                           (last - first)
//   npv    a present value, stored in year 0  npv (the value itself, not discounted again)
//
// Summaries, comparisons, sensitivity and the results file use these and nothing else, so a
// portfolio value is never summed over ten years and an NPV never discounted twice.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model.hpp"

namespace reformsim::sim {

enum class Aggregate : std::int8_t { kTotal, kNpv, kFirst, kLast, kChange };

// The aggregates of a metric of `kind`, in the order tables store them; empty for kUndeclared.
std::span<const Aggregate> aggregates_of(Kind kind);
// The one aggregate a one-line table shows: npv for flows and NPVs, total for counts, last for
// stocks (where the portfolio stands at the end of the horizon).
Aggregate headline_aggregate(Kind kind);

// Names as stored in results files and printed: "total", "npv", "first", "last", "change".
const char* aggregate_name(Aggregate a);
std::optional<Aggregate> parse_aggregate(std::string_view name);
// "flow", "count", "stock", "npv"; "undeclared" for kUndeclared.
const char* kind_name(Kind kind);
std::optional<Kind> parse_kind(std::string_view name);
// "lower", "higher"; "undeclared".
const char* better_name(Better better);
std::optional<Better> parse_better(std::string_view name);
// +1 when higher is better, -1 when lower is better.
inline int better_sign(Better better) {
  return better == Better::kLower ? -1 : 1;
}

// Per-path value of `a` over a paths x cols array of a metric of `kind`. The npv of a flow
// discounts year t by (1 + rate)^-(t + 0.5) (npv_by_row); the npv of an already-present value
// is its sum over the row (the value of year 0).
std::vector<double> aggregate_by_row(std::span<const double> values, std::size_t cols, Aggregate a,
                                     Kind kind, double rate);

// What is wrong with a model's declaration of a metric, or an empty string: an undeclared kind
// or direction, a cost declared better when higher (or a benefit when lower), a budget flow
// (in_budget) that is not a flow of money, a held asset (held_asset) that is not a stock in USD
// or that is counted in the budget roll-up.
std::string metric_declaration_problem(const MetricInfo& info);

// Where a breakdown metric belongs (MetricInfo::parent, breakdown, group), as summaries,
// comparisons and results files carry it; an empty parent for an ordinary metric.
struct BreakdownOf {
  std::string parent;  // the parent metric's name (same model)
  std::string breakdown;
  std::string group;
  bool empty() const { return parent.empty(); }
};

// What is wrong with breakdown metric `info` (MetricInfo::parent set) among its model's
// `metrics`, or an empty string: a breakdown or group name missing, a parent that is not an
// ordinary metric of the same model, a unit, kind, fiscal sign or direction other than the
// parent's, a breakdown metric counted in the budget roll-up, as programme cost or as a held
// asset (the roll-up counts its parent), or a group declared twice for the same parent and
// breakdown.
std::string breakdown_declaration_problem(const MetricInfo& info,
                                          const std::vector<MetricInfo>& metrics);

}  // namespace reformsim::sim
