// Fiscal years (sim/fiscal_years.hpp): labels and the calendar view derived from fiscal years,
// on values that differ from year to year (a view that took the wrong year, or the two shares
// the wrong way round, gives other numbers).
#include <gtest/gtest.h>

#include <vector>

#include "sim/fiscal_years.hpp"

namespace reformsim {
namespace {

TEST(FiscalYears, LabelsNameTheYearTheFiscalYearBeginsAndTheOneItEnds) {
  EXPECT_EQ(sim::fiscal_year_label(2026, 7), "FY2026-27");
  EXPECT_EQ(sim::fiscal_year_label(2099, 4), "FY2099-00");
  EXPECT_EQ(sim::fiscal_year_label(2026, 1), "FY2026");  // fiscal years are calendar years
}

TEST(FiscalYears, CalendarViewSplitsFlowsAndCountsByMonthAndTakesStocksAtTheFiscalYearEnd) {
  // Fiscal years beginning in April (month 4): calendar year Y holds January to March of the
  // fiscal year begun in Y - 1 (3/12) and April to December of the one begun in Y (9/12).
  const std::vector<double> fiscal = {100.0, 300.0, 700.0};
  std::vector<double> out(2);
  sim::calendar_view(fiscal, sim::Kind::kFlow, 4, out);
  EXPECT_DOUBLE_EQ(out[0], 0.25 * 100.0 + 0.75 * 300.0);  // 250
  EXPECT_DOUBLE_EQ(out[1], 0.25 * 300.0 + 0.75 * 700.0);  // 600
  sim::calendar_view(fiscal, sim::Kind::kCount, 4, out);
  EXPECT_DOUBLE_EQ(out[0], 250.0);
  EXPECT_DOUBLE_EQ(out[1], 600.0);
  // A stock: the level at the end of the fiscal year that ends in the calendar year (31 March
  // of Y ends the fiscal year begun in Y - 1).
  sim::calendar_view(fiscal, sim::Kind::kStock, 4, out);
  EXPECT_DOUBLE_EQ(out[0], 100.0);
  EXPECT_DOUBLE_EQ(out[1], 300.0);
  // A present value is not a yearly figure: kept as it is.
  sim::calendar_view(fiscal, sim::Kind::kNpv, 4, out);
  EXPECT_DOUBLE_EQ(out[0], 100.0);
  EXPECT_DOUBLE_EQ(out[1], 0.0);
  // Fiscal years that are calendar years: the same years, from the second.
  sim::calendar_view(fiscal, sim::Kind::kFlow, 1, out);
  EXPECT_DOUBLE_EQ(out[0], 300.0);
  EXPECT_DOUBLE_EQ(out[1], 700.0);
  sim::calendar_view(fiscal, sim::Kind::kStock, 1, out);
  EXPECT_DOUBLE_EQ(out[0], 300.0);
}

TEST(FiscalYears, CalendarResultsConvertEveryPathAndShiftTheYears) {
  sim::Results r;
  r.settings.horizon_years = 3;
  r.settings.start_year = 2026;
  r.settings.fiscal_year_start = 7;
  r.paths = 2;
  r.baseline = "b";
  sim::OptionResults& o = r.options.emplace_back();
  o.name = "b";
  const sim::MetricInfo cost{
      "cost_usd", "USD", "", sim::Fiscal::kCost, true, sim::Kind::kFlow, sim::Better::kLower};
  o.metrics.push_back({"toy", cost, {10.0, 20.0, 40.0, 1.0, 3.0, 9.0}});  // path 0, then 1
  const sim::Results c = sim::calendar_results(r);
  EXPECT_EQ(c.horizon(), 2);
  EXPECT_EQ(c.settings.start_year, 2027);
  EXPECT_EQ(c.settings.fiscal_year_start, 1);
  // July start: half of each neighbouring fiscal year.
  EXPECT_EQ(c.options[0].metrics[0].values, (std::vector<double>{15.0, 30.0, 2.0, 6.0}));
  r.settings.horizon_years = 1;
  EXPECT_THROW(sim::calendar_results(r), sim::InputError);
}

}  // namespace
}  // namespace reformsim
