// Statistics against values computed by hand on small arrays.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/statistics.hpp"

namespace reformsim::sim {
namespace {

const std::vector<double> kTen = {7, 1, 9, 3, 5, 10, 2, 8, 4, 6};  // 1..10 shuffled

TEST(Statistics, MeanSdSe) {
  EXPECT_DOUBLE_EQ(mean(kTen), 5.5);
  // sum of squared deviations of 1..10 = 82.5; / 9
  EXPECT_DOUBLE_EQ(standard_deviation(kTen), std::sqrt(82.5 / 9.0));
  EXPECT_DOUBLE_EQ(standard_error(kTen), std::sqrt(82.5 / 9.0) / std::sqrt(10.0));
}

TEST(Statistics, QuantilesInterpolateOrderStatistics) {
  // type 7: h = p (n - 1); 1..10 gives 1 + 9p.
  EXPECT_DOUBLE_EQ(quantile(kTen, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile(kTen, 1.0), 10.0);
  EXPECT_DOUBLE_EQ(quantile(kTen, 0.5), 5.5);
  EXPECT_DOUBLE_EQ(quantile(kTen, 0.9), 9.1);
  EXPECT_DOUBLE_EQ(quantile(kTen, 0.05), 1.45);
  const std::vector<double> ps = {0.25, 0.75};
  const auto q = quantiles(kTen, ps);
  EXPECT_DOUBLE_EQ(q[0], 3.25);
  EXPECT_DOUBLE_EQ(q[1], 7.75);
}

TEST(Statistics, VarAndTvar) {
  EXPECT_DOUBLE_EQ(value_at_risk(kTen, 0.9), 9.1);
  // Worst 10% of 10 outcomes = the single largest.
  EXPECT_DOUBLE_EQ(tail_value_at_risk(kTen, 0.9), 10.0);
  // Worst 20% = {9, 10}.
  EXPECT_DOUBLE_EQ(tail_value_at_risk(kTen, 0.8), 9.5);
  // Worst 25% = 10, 9 and half of 8: (10 + 9 + 4) / 2.5.
  EXPECT_DOUBLE_EQ(tail_value_at_risk(kTen, 0.75), 23.0 / 2.5);
  EXPECT_DOUBLE_EQ(tail_value_at_risk(kTen, 0.0), 5.5);
  EXPECT_GE(tail_value_at_risk(kTen, 0.95), value_at_risk(kTen, 0.95));
}

TEST(Statistics, ExceedanceAndTargets) {
  EXPECT_DOUBLE_EQ(exceedance_probability(kTen, 8.0), 0.2);
  EXPECT_DOUBLE_EQ(probability_at_least(kTen, 8.0), 0.3);
  EXPECT_DOUBLE_EQ(probability_at_least(kTen, 11.0), 0.0);
}

TEST(Statistics, ConfidenceInterval) {
  const Interval ci = mean_confidence_interval(kTen, 0.95);
  const double half = 1.959963984540054 * standard_error(kTen);
  EXPECT_NEAR(ci.lower, 5.5 - half, 1e-12);
  EXPECT_NEAR(ci.upper, 5.5 + half, 1e-12);
}

TEST(Statistics, SummaryAndRowHelpers) {
  const Summary s = summarize(kTen);
  EXPECT_EQ(s.n, 10u);
  EXPECT_DOUBLE_EQ(s.p50, 5.5);
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_DOUBLE_EQ(s.max, 10.0);
  const std::vector<double> rows = {1, 2, 3, 4, 5, 6};  // 2 rows x 3 years
  EXPECT_EQ(row_sums(rows, 3), (std::vector<double>{6, 15}));
  EXPECT_EQ(column(rows, 3, 1), (std::vector<double>{2, 5}));
  const auto npv = npv_by_row(rows, 3, 0.0);
  EXPECT_DOUBLE_EQ(npv[1], 15.0);
  const auto npv5 = npv_by_row(rows, 3, 0.05);
  EXPECT_NEAR(npv5[0], 1 / std::pow(1.05, 0.5) + 2 / std::pow(1.05, 1.5) + 3 / std::pow(1.05, 2.5),
              1e-12);
}

}  // namespace
}  // namespace reformsim::sim
