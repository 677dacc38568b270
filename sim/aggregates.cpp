#include "sim/aggregates.hpp"

#include <algorithm>
#include <array>

#include "sim/statistics.hpp"

namespace reformsim::sim {
namespace {

constexpr std::array<Aggregate, 2> kFlowAggregates = {Aggregate::kTotal, Aggregate::kNpv};
constexpr std::array<Aggregate, 1> kCountAggregates = {Aggregate::kTotal};
constexpr std::array<Aggregate, 3> kStockAggregates = {Aggregate::kFirst, Aggregate::kLast,
                                                       Aggregate::kChange};
constexpr std::array<Aggregate, 1> kNpvAggregates = {Aggregate::kNpv};

constexpr std::array<const char*, 5> kAggregateNames = {"total", "npv", "first", "last", "change"};
constexpr std::array<const char*, 5> kKindNames = {"undeclared", "flow", "count", "stock", "npv"};

}  // namespace

std::span<const Aggregate> aggregates_of(Kind kind) {
  switch (kind) {
    case Kind::kFlow:
      return kFlowAggregates;
    case Kind::kCount:
      return kCountAggregates;
    case Kind::kStock:
      return kStockAggregates;
    case Kind::kNpv:
      return kNpvAggregates;
    case Kind::kUndeclared:
      break;
  }
  return {};
}

Aggregate headline_aggregate(Kind kind) {
  switch (kind) {
    case Kind::kCount:
      return Aggregate::kTotal;
    case Kind::kStock:
      return Aggregate::kLast;
    default:
      return Aggregate::kNpv;
  }
}

const char* aggregate_name(Aggregate a) {
  return kAggregateNames[static_cast<std::size_t>(a)];
}

std::optional<Aggregate> parse_aggregate(std::string_view name) {
  for (std::size_t i = 0; i < kAggregateNames.size(); ++i)
    if (name == kAggregateNames[i]) return static_cast<Aggregate>(i);
  return std::nullopt;
}

const char* kind_name(Kind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::optional<Kind> parse_kind(std::string_view name) {
  for (std::size_t i = 1; i < kKindNames.size(); ++i)
    if (name == kKindNames[i]) return static_cast<Kind>(i);
  return std::nullopt;
}

const char* better_name(Better better) {
  switch (better) {
    case Better::kLower:
      return "lower";
    case Better::kHigher:
      return "higher";
    case Better::kUndeclared:
      break;
  }
  return "undeclared";
}

std::optional<Better> parse_better(std::string_view name) {
  if (name == "lower") return Better::kLower;
  if (name == "higher") return Better::kHigher;
  return std::nullopt;
}

std::vector<double> aggregate_by_row(std::span<const double> values, std::size_t cols, Aggregate a,
                                     Kind kind, double rate) {
  switch (a) {
    case Aggregate::kTotal:
      return row_sums(values, cols);
    case Aggregate::kNpv:
      return kind == Kind::kNpv ? row_sums(values, cols) : npv_by_row(values, cols, rate);
    case Aggregate::kFirst:
      return column(values, cols, 0);
    case Aggregate::kLast:
      return column(values, cols, cols - 1);
    case Aggregate::kChange: {
      std::vector<double> out = column(values, cols, cols - 1);
      for (std::size_t r = 0; r < out.size(); ++r) out[r] -= values[r * cols];
      return out;
    }
  }
  return {};
}

std::string metric_declaration_problem(const MetricInfo& info) {
  if (info.kind == Kind::kUndeclared) return "declares no kind (flow, count, stock or npv)";
  if (info.better == Better::kUndeclared)
    return "declares no direction (lower or higher is better)";
  if (info.fiscal == Fiscal::kCost && info.better != Better::kLower)
    return "is a cost but is declared better when higher";
  if (info.fiscal == Fiscal::kBenefit && info.better != Better::kHigher)
    return "is a benefit but is declared better when lower";
  if (info.in_budget && info.kind != Kind::kFlow)
    return std::string("is counted in the budget roll-up but its kind is ") + kind_name(info.kind) +
           ", not flow";
  if (info.held_asset && (info.kind != Kind::kStock || info.unit != "USD" || info.in_budget))
    return "is declared a held asset but is not a stock in USD outside the budget roll-up";
  return "";
}

std::string breakdown_declaration_problem(const MetricInfo& info,
                                          const std::vector<MetricInfo>& metrics) {
  if (info.parent.empty()) {
    if (!info.breakdown.empty() || !info.group.empty())
      return "names a breakdown or group but no parent metric";
    return "";
  }
  if (info.breakdown.empty() || info.group.empty())
    return "is a breakdown of '" + info.parent + "' but names no breakdown or no group";
  const auto parent = std::find_if(metrics.begin(), metrics.end(),
                                   [&](const MetricInfo& m) { return m.name == info.parent; });
  if (parent == metrics.end())
    return "is a breakdown of '" + info.parent + "', which is not a metric of the same model";
  if (!parent->parent.empty())
    return "is a breakdown of '" + info.parent + "', itself a breakdown metric";
  if (parent->unit != info.unit || parent->kind != info.kind || parent->fiscal != info.fiscal ||
      parent->better != info.better)
    return "is a breakdown of '" + info.parent +
           "' but differs from it in unit, kind, fiscal sign or direction";
  if (info.in_budget || info.program_cost || info.held_asset)
    return "is a breakdown of '" + info.parent +
           "' but is counted in the budget roll-up (in_budget, program_cost or held_asset): "
           "the roll-up counts its parent";
  const auto same = std::count_if(metrics.begin(), metrics.end(), [&](const MetricInfo& m) {
    return m.parent == info.parent && m.breakdown == info.breakdown && m.group == info.group;
  });
  if (same > 1)
    return "declares group '" + info.group + "' of breakdown '" + info.breakdown + "' of '" +
           info.parent + "' more than once";
  return "";
}

}  // namespace reformsim::sim
