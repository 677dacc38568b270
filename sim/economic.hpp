// The economic view of the budget roll-up: what an option leaves the city with, not only the
// money it moves.
//
// The cash view (fiscal.net_budget_usd, headline its NPV) is the budget impact: sale proceeds
// are income. But a city that sells a building at market value has exchanged an asset for cash
// and is no richer. The economic view adds, per path, the market value of the assets still held
// at the end of the horizon (the metrics a model declares held_asset), discounted from the
// horizon's end:
//
//     economic_value = sum_t net_t (1 + r)^-(t + 0.5)  +  (1 + r)^-H sum_a V_a
//
// net_t the path's net budget flow in year t (the headline's, the General Fund's; mid-year
// convention, as npv_by_row), V_a the held-asset metric's value in year H - 1 (a stock is its
// value at year end, time H). The portfolio held at the start is the same in every option, so
// between two options it cancels: the difference is the reform's economic NPV. A sale at market
// value nets to zero (cash in, asset out, both at the same value), and transaction costs and price
// discounts count against it. A scenario without held assets has no economic view: the two would be
// equal.
#pragma once

#include <cstddef>
#include <vector>

#include "sim/model.hpp"
#include "sim/scenario.hpp"

namespace reformsim::sim {

// The roll-up's economic metric (model sim::kFiscalModel): kind npv, stored in year 0.
inline constexpr const char* kEconomicValueMetric = "economic_value_usd";
MetricInfo economic_value_info();

// Whether the scenario's roll-up has the economic view: some model of some option declares a
// held-asset metric.
bool has_economic_view(const Scenario& scenario);

// The General Fund rule of the roll-up (docs/design.md, "Funds"). A model attributes a budget
// metric to fund groups with a breakdown named kFundBreakdown (MetricInfo::parent/breakdown/
// group); its group kGeneralFundGroup is the General Fund's part. For each metric k of
// `metrics`: the index of the metric whose values are k's General Fund part - its general_fund
// group when k has a fund breakdown, k itself when it has none (the stated assumption: such a
// metric is a General Fund appropriation), -1 when its fund breakdown has no general_fund group
// (nothing of it is the General Fund's).
inline constexpr const char* kFundBreakdown = "fund";
inline constexpr const char* kGeneralFundGroup = "general_fund";
std::vector<int> general_fund_rows(const std::vector<MetricInfo>& metrics);

// Discount factors of a run: the same mid-year factors as npv_by_row, and the horizon's end.
class EconomicView {
 public:
  EconomicView(int horizon_years, double rate);
  // Sum over the metrics declared held_asset of their value in the last year; rows[k] is
  // metric k's row of horizon values.
  static double held_at_end(const std::vector<MetricInfo>& metrics, const double* const* rows,
                            std::size_t horizon);
  // The economic value of a path: net (horizon values) discounted, plus held_at_end discounted
  // from the horizon's end.
  double value(const double* net, double held_at_end) const;
  double end_factor() const { return end_factor_; }

 private:
  std::vector<double> factor_;
  double end_factor_ = 1.0;
};

}  // namespace reformsim::sim
