#include "sim/economic.hpp"

#include <cmath>

namespace reformsim::sim {

MetricInfo economic_value_info() {
  return {kEconomicValueMetric,
          "USD",
          "economic view: NPV of the net budget flow plus the market value of the assets held at "
          "the horizon, discounted from its end (year 0 only)",
          Fiscal::kNone,
          false,
          Kind::kNpv,
          Better::kHigher};
}

bool has_economic_view(const Scenario& scenario) {
  for (const auto& option : scenario.options)
    for (const auto& model : option.models)
      if (model)
        for (const auto& info : model->metrics())
          if (info.held_asset) return true;
  return false;
}

std::vector<int> general_fund_rows(const std::vector<MetricInfo>& metrics) {
  std::vector<int> rows(metrics.size());
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    rows[k] = static_cast<int>(k);
    bool has_fund_breakdown = false;
    for (std::size_t j = 0; j < metrics.size(); ++j) {
      const MetricInfo& part = metrics[j];
      if (part.parent != metrics[k].name || part.breakdown != kFundBreakdown) continue;
      if (!has_fund_breakdown) rows[k] = -1;
      has_fund_breakdown = true;
      if (part.group == kGeneralFundGroup) rows[k] = static_cast<int>(j);
    }
  }
  return rows;
}

EconomicView::EconomicView(int horizon_years, double rate)
    : factor_(static_cast<std::size_t>(horizon_years)) {
  for (std::size_t t = 0; t < factor_.size(); ++t)
    factor_[t] = std::pow(1.0 + rate, -(static_cast<double>(t) + 0.5));
  end_factor_ = std::pow(1.0 + rate, -static_cast<double>(horizon_years));
}

double EconomicView::held_at_end(const std::vector<MetricInfo>& metrics, const double* const* rows,
                                 std::size_t horizon) {
  double held = 0.0;
  if (horizon == 0) return held;
  for (std::size_t k = 0; k < metrics.size(); ++k)
    if (metrics[k].held_asset) held += rows[k][horizon - 1];
  return held;
}

double EconomicView::value(const double* net, double held_at_end) const {
  double s = 0.0;
  for (std::size_t t = 0; t < factor_.size(); ++t) s += net[t] * factor_[t];
  return s + held_at_end * end_factor_;
}

}  // namespace reformsim::sim
