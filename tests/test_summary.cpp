// Summary tables: per year, summed over the horizon, present value for money; independent of
// the thread count.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/summary.hpp"

namespace reformsim {
namespace {

// 4 paths x 3 years; one money metric and one count metric.
sim::Results small_results() {
  sim::Results r;
  r.settings.horizon_years = 3;
  r.settings.start_year = 2030;
  r.settings.discount_rate = 0.05;
  r.paths = 4;
  r.baseline = "base";
  auto& o = r.options.emplace_back();
  o.name = "base";
  o.metrics.push_back({"m",
                       {"cost_usd", "USD", "", sim::Fiscal::kCost, true},
                       {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}});
  o.metrics.push_back({"m",
                       {"claims", "claims", "", sim::Fiscal::kNone, false},
                       {0, 1, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2}});
  return r;
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
  EXPECT_DOUBLE_EQ(cost->total.mean, 19.5);
  EXPECT_DOUBLE_EQ(cost->total.p50, 19.5);
  EXPECT_NEAR(cost->total.sd, std::sqrt((13.5 * 13.5 + 4.5 * 4.5) * 2 / 3), 1e-12);
  ASSERT_TRUE(cost->npv.has_value());
  // Path 0: 1/1.05^0.5 + 2/1.05^1.5 + 3/1.05^2.5.
  const double npv0 = 1 / std::pow(1.05, 0.5) + 2 / std::pow(1.05, 1.5) + 3 / std::pow(1.05, 2.5);
  EXPECT_NEAR(cost->npv->min, npv0, 1e-12);
  // Counts have no present value.
  const sim::MetricSummary* claims = t.options[0].metric("m.claims");
  ASSERT_NE(claims, nullptr);
  EXPECT_FALSE(claims->npv.has_value());
  EXPECT_DOUBLE_EQ(claims->total.mean, (1 + 3 + 0 + 6) / 4.0);
}

TEST(Summary, SameNumbersOnAnyThreadCount) {
  sim::Results r = small_results();
  // Enough metrics that the parallel loop really splits.
  for (int k = 0; k < 40; ++k) r.options[0].metrics.push_back(r.options[0].metrics[k % 2]);
  const sim::SummaryTable one = sim::summarize_results(r, 1);
  const sim::SummaryTable many = sim::summarize_results(r, 4);
  ASSERT_EQ(one.options[0].metrics.size(), many.options[0].metrics.size());
  for (std::size_t m = 0; m < one.options[0].metrics.size(); ++m) {
    const auto a = sim::to_row(one.options[0].metrics[m].total);
    const auto b = sim::to_row(many.options[0].metrics[m].total);
    EXPECT_EQ(a, b);
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
