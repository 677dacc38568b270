// Summary tables: per year, and the aggregates over the horizon each kind of metric has (a flow's
// total and present value, a count's total, a stock's first, last and change, an NPV as it is);
// independent of the thread count.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/summary.hpp"

namespace reformsim {
namespace {

// 4 paths x 3 years; a money flow, a count, a stock and an already-present value.
sim::Results small_results() {
  sim::Results r;
  r.settings.horizon_years = 3;
  r.settings.start_year = 2030;
  r.settings.discount_rate = 0.05;
  r.paths = 4;
  r.baseline = "base";
  auto& o = r.options.emplace_back();
  o.name = "base";
  o.metrics.push_back(
      {"m",
       {"cost_usd", "USD", "", sim::Fiscal::kCost, true, sim::Kind::kFlow, sim::Better::kLower},
       {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}});
  o.metrics.push_back(
      {"m",
       {"claims", "claims", "", sim::Fiscal::kNone, false, sim::Kind::kCount, sim::Better::kLower},
       {0, 1, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2}});
  o.metrics.push_back(
      {"m",
       {"value_usd", "USD", "", sim::Fiscal::kNone, false, sim::Kind::kStock, sim::Better::kHigher},
       {100, 110, 125, 200, 190, 170, 50, 60, 80, 300, 300, 310}});
  o.metrics.push_back(
      {"m",
       {"npv_usd", "USD", "", sim::Fiscal::kNone, false, sim::Kind::kNpv, sim::Better::kHigher},
       {7, 0, 0, 9, 0, 0, 11, 0, 0, 13, 0, 0}});
  return r;
}

// The summary of aggregate `a`, or a test failure and NaNs when the metric has none.
sim::Summary agg(const sim::MetricSummary& m, sim::Aggregate a) {
  if (const sim::Summary* s = m.aggregate(a)) return *s;
  ADD_FAILURE() << m.key() << " has no " << sim::aggregate_name(a);
  sim::Summary nan;
  nan.mean = nan.min = nan.max = NAN;
  return nan;
}

std::vector<sim::Aggregate> kinds_of(const sim::MetricSummary& m) {
  std::vector<sim::Aggregate> out;
  for (const auto& a : m.aggregates) out.push_back(a.first);
  return out;
}

TEST(Summary, ByYearTotalAndPresentValue) {
  const sim::SummaryTable t = sim::summarize_results(small_results());
  ASSERT_EQ(t.options.size(), 1u);
  EXPECT_EQ(t.start_year, 2030);
  EXPECT_EQ(t.paths, 4u);
  const sim::MetricSummary* cost = t.options[0].metric("m.cost_usd");
  ASSERT_NE(cost, nullptr);
  ASSERT_EQ(cost->by_year.size(), 3u);
  // Year 0 holds 1, 4, 7, 10; per-path totals are 6, 15, 24, 33.
  EXPECT_DOUBLE_EQ(cost->by_year[0].mean, 5.5);
  EXPECT_DOUBLE_EQ(cost->by_year[0].min, 1);
  EXPECT_DOUBLE_EQ(cost->by_year[0].max, 10);
  EXPECT_EQ(kinds_of(*cost), (std::vector{sim::Aggregate::kTotal, sim::Aggregate::kNpv}));
  const sim::Summary* total = cost->aggregate(sim::Aggregate::kTotal);
  ASSERT_NE(total, nullptr);
  EXPECT_DOUBLE_EQ(total->mean, 19.5);
  EXPECT_DOUBLE_EQ(total->p50, 19.5);
  EXPECT_NEAR(total->sd, std::sqrt((13.5 * 13.5 + 4.5 * 4.5) * 2 / 3), 1e-12);
  const sim::Summary* npv = cost->aggregate(sim::Aggregate::kNpv);
  ASSERT_NE(npv, nullptr);
  // Path 0: 1/1.05^0.5 + 2/1.05^1.5 + 3/1.05^2.5.
  const double npv0 = 1 / std::pow(1.05, 0.5) + 2 / std::pow(1.05, 1.5) + 3 / std::pow(1.05, 2.5);
  EXPECT_NEAR(npv->min, npv0, 1e-12);
  // Counts are summed, never discounted as money.
  const sim::MetricSummary* claims = t.options[0].metric("m.claims");
  ASSERT_NE(claims, nullptr);
  EXPECT_EQ(kinds_of(*claims), std::vector{sim::Aggregate::kTotal});
  EXPECT_DOUBLE_EQ(agg(*claims, sim::Aggregate::kTotal).mean, (1 + 3 + 0 + 6) / 4.0);
}

TEST(Summary, AStockHasFirstLastAndChangeNeverATotal) {
  const sim::SummaryTable t = sim::summarize_results(small_results());
  const sim::MetricSummary* value = t.options[0].metric("m.value_usd");
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->kind, sim::Kind::kStock);
  EXPECT_EQ(value->better, sim::Better::kHigher);
  EXPECT_EQ(kinds_of(*value),
            (std::vector{sim::Aggregate::kFirst, sim::Aggregate::kLast, sim::Aggregate::kChange}));
  // First years 100, 200, 50, 300; last 125, 170, 80, 310; changes 25, -30, 30, 10.
  EXPECT_DOUBLE_EQ(agg(*value, sim::Aggregate::kFirst).mean, 162.5);
  EXPECT_DOUBLE_EQ(agg(*value, sim::Aggregate::kLast).mean, 171.25);
  EXPECT_DOUBLE_EQ(agg(*value, sim::Aggregate::kChange).mean, 8.75);
  EXPECT_DOUBLE_EQ(agg(*value, sim::Aggregate::kChange).min, -30);
  // A portfolio summed over the years (the old "total", 1,520 on average) is not there.
  EXPECT_EQ(value->aggregate(sim::Aggregate::kTotal), nullptr);
  EXPECT_EQ(value->aggregate(sim::Aggregate::kNpv), nullptr);
}

TEST(Summary, AnNpvIsShownAsItIsNotDiscountedAgain) {
  const sim::SummaryTable t = sim::summarize_results(small_results());
  const sim::MetricSummary* npv = t.options[0].metric("m.npv_usd");
  ASSERT_NE(npv, nullptr);
  EXPECT_EQ(kinds_of(*npv), std::vector{sim::Aggregate::kNpv});
  // (7 + 9 + 11 + 13) / 4 = 10; discounted again it would be 10 / 1.05^0.5 = 9.759.
  EXPECT_DOUBLE_EQ(agg(*npv, sim::Aggregate::kNpv).mean, 10.0);
  EXPECT_DOUBLE_EQ(agg(*npv, sim::Aggregate::kNpv).max, 13.0);
}

TEST(Summary, SameNumbersOnAnyThreadCount) {
  sim::Results r = small_results();
  // Enough metrics that the parallel loop really splits.
  for (int k = 0; k < 40; ++k) r.options[0].metrics.push_back(r.options[0].metrics[k % 4]);
  const sim::SummaryTable one = sim::summarize_results(r, 1);
  const sim::SummaryTable many = sim::summarize_results(r, 4);
  ASSERT_EQ(one.options[0].metrics.size(), many.options[0].metrics.size());
  for (std::size_t m = 0; m < one.options[0].metrics.size(); ++m) {
    const auto& x = one.options[0].metrics[m].aggregates;
    const auto& y = many.options[0].metrics[m].aggregates;
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(sim::to_row(x[i].second), sim::to_row(y[i].second));
  }
}

TEST(Summary, RowRoundTrip) {
  sim::Summary s;
  s.mean = 1;
  s.sd = 2;
  s.se = 3;
  s.ci_lower = 4;
  s.ci_upper = 5;
  s.p5 = 6;
  s.p50 = 7;
  s.p95 = 8;
  s.min = 9;
  s.max = 10;
  const sim::SummaryRow row = sim::to_row(s);
  EXPECT_EQ(row, (sim::SummaryRow{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(sim::to_row(sim::from_row(row, 7)), row);
  EXPECT_EQ(sim::from_row(row, 7).n, 7u);
  EXPECT_STREQ(sim::kSummaryColumns[5], "p5");
}

}  // namespace
}  // namespace reformsim
