// The /summary and /comparisons tables of a results file written by `reformsim run`, read back
// with the HDF5 layer and recomputed here from the file's own per-path arrays
// (docs/results-format.md): interval = mean -/+ 1.959964 se, P(increase) and P(decrease) the
// fractions of positive and negative path deltas, P(better) the decrease for a cost. The metric
// is chosen so that P(increase) and P(decrease) differ and some deltas are exactly 0.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "io/h5.hpp"

namespace reformsim {
namespace {

namespace h5 = io::h5;

const char* kScenario = R"(
simulation: {paths: 900, horizon_years: 3, start_year: 2028, seed: 17, discount_rate: 0.035}
models:
  example:
    events_per_year: 6
    cost_per_event_usd: {lognormal: {mean: 2300, sd: 1700}}
options:
  baseline: {}
  reform:
    models: {example: {reform: {effect: 0.31, cost_usd: 800, start_year_offset: 1}}}
)";

double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double sd_of(const std::vector<double>& x) {
  const double m = mean_of(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(x.size() - 1));
}

// Linear interpolation between order statistics at p (n - 1).
double quantile_of(std::vector<double> x, double p) {
  std::sort(x.begin(), x.end());
  const double h = p * static_cast<double>(x.size() - 1);
  const auto lo = static_cast<std::size_t>(h);
  const std::size_t hi = std::min(lo + 1, x.size() - 1);
  return x[lo] + (h - static_cast<double>(lo)) * (x[hi] - x[lo]);
}

void expect_near_rel(double actual, double expected, double rel, const std::string& what) {
  EXPECT_NEAR(actual, expected, rel * std::fabs(expected) + 1e-9) << what;
}

// Column c of row r of a [rows x width] table.
double cell(const std::vector<double>& t, std::size_t width, std::size_t r, std::size_t c) {
  return t.at(r * width + c);
}

// Checks the stored tables of `metric` ("model/name"), a cost (P(better) = P(decrease)) or not.
void check_metric(hid_t file, const std::string& metric, bool cost) {
  SCOPED_TRACE(metric);
  const std::size_t years = 3, paths = 900;
  const double z = 1.959964, rate = 0.035;
  std::vector<hsize_t> dims;
  const auto base = h5::read_dataset(file, "options/baseline/" + metric, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{paths, years}));
  const auto reform = h5::read_dataset(file, "options/reform/" + metric);
  auto column = [&](const std::vector<double>& v, std::size_t t) {
    std::vector<double> c(paths);
    for (std::size_t p = 0; p < paths; ++p) c[p] = v[p * years + t];
    return c;
  };
  auto total = [&](const std::vector<double>& v, bool npv) {
    std::vector<double> c(paths, 0.0);
    for (std::size_t p = 0; p < paths; ++p)
      for (std::size_t t = 0; t < years; ++t)
        c[p] += v[p * years + t] * (npv ? std::pow(1 + rate, -(t + 0.5)) : 1.0);
    return c;
  };

  // /summary/reform/<metric>: rows 2028, 2029, 2030, total, npv; 10 columns.
  const auto summary = h5::read_dataset(file, "summary/reform/" + metric, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{years + 2, 10}));
  for (std::size_t r = 0; r < years + 2; ++r) {
    const auto x = r < years ? column(reform, r) : total(reform, r == years + 1);
    const std::string row = "summary row " + std::to_string(r);
    const double m = mean_of(x), sd = sd_of(x), se = sd / std::sqrt(double(paths));
    expect_near_rel(cell(summary, 10, r, 0), m, 1e-12, row + " mean");
    expect_near_rel(cell(summary, 10, r, 1), sd, 1e-10, row + " sd");
    expect_near_rel(cell(summary, 10, r, 2), se, 1e-10, row + " se");
    // 1.959964 is z(0.975) to 7 digits: a relative 1e-7 of the half-width.
    EXPECT_NEAR(cell(summary, 10, r, 3), m - z * se, 1e-7 * z * se) << row << " ci_lower";
    EXPECT_NEAR(cell(summary, 10, r, 4), m + z * se, 1e-7 * z * se) << row << " ci_upper";
    expect_near_rel(cell(summary, 10, r, 5), quantile_of(x, 0.05), 1e-12, row + " p5");
    expect_near_rel(cell(summary, 10, r, 6), quantile_of(x, 0.50), 1e-12, row + " p50");
    expect_near_rel(cell(summary, 10, r, 7), quantile_of(x, 0.95), 1e-12, row + " p95");
    EXPECT_EQ(cell(summary, 10, r, 8), *std::min_element(x.begin(), x.end())) << row;
    EXPECT_EQ(cell(summary, 10, r, 9), *std::max_element(x.begin(), x.end())) << row;
  }

  // /comparisons/reform/<metric>: reform - baseline, path by path; 11 columns; P(better) is
  // P(decrease) for a cost, else P(increase).
  const auto cmp = h5::read_dataset(file, "comparisons/reform/" + metric, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{years + 2, 11}));
  std::vector<double> delta(paths * years);
  for (std::size_t i = 0; i < delta.size(); ++i) delta[i] = reform[i] - base[i];
  bool differ = false, ties = false;
  for (std::size_t r = 0; r < years + 2; ++r) {
    const auto d = r < years ? column(delta, r) : total(delta, r == years + 1);
    const std::string row = "comparison row " + std::to_string(r);
    const double m = mean_of(d), se = sd_of(d) / std::sqrt(double(paths));
    double up = 0, down = 0;
    for (double v : d) {
      up += v > 0;
      down += v < 0;
    }
    up /= paths;
    down /= paths;
    expect_near_rel(cell(cmp, 11, r, 0), m, 1e-10, row + " mean");
    expect_near_rel(cell(cmp, 11, r, 2), se, 1e-10, row + " se");
    EXPECT_NEAR(cell(cmp, 11, r, 3), m - z * se, 1e-7 * z * se + 1e-9) << row << " ci_lower";
    EXPECT_NEAR(cell(cmp, 11, r, 4), m + z * se, 1e-7 * z * se + 1e-9) << row << " ci_upper";
    EXPECT_EQ(cell(cmp, 11, r, 8), up) << row << " P(increase)";
    EXPECT_EQ(cell(cmp, 11, r, 9), down) << row << " P(decrease)";
    EXPECT_EQ(cell(cmp, 11, r, 10), cost ? down : up) << row << " P(better)";
    differ = differ || std::fabs(up - down) > 0.2;
    ties = ties || up + down < 1.0;
  }
  EXPECT_TRUE(differ) << "P(increase) and P(decrease) should differ for this metric";
  EXPECT_TRUE(ties) << "year 0 (before the reform) has zero deltas";
}

TEST(StoredTables, SummaryAndComparisonAgreeWithThePerPathArrays) {
  testing::TempDir dir;
  testing::write_file(dir.file("s.yaml"), kScenario);
  const auto run =
      testing::run_reformsim({"run", dir.file("s.yaml"), "-o", dir.file("r.h5"), "-q"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  h5::Handle file = h5::open_file_read(dir.file("r.h5"));
  // The event cost never increases (the reform only removes events): P(increase) = 0 and
  // P(decrease) near 0.8 from 2029. The budget (- event cost - 800) moves both ways.
  check_metric(file, "example/event_cost_usd", true);
  check_metric(file, "fiscal/net_budget_usd", false);
}

}  // namespace
}  // namespace reformsim
