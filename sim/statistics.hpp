// Statistics over per-path results. All sums run in path order, so they are deterministic.
//
// Quantiles are exact order statistics with linear interpolation between neighbours (the
// "type 7" definition used by numpy and R by default). VaR at level a is the a-quantile of
// the values seen as losses (larger is worse); TVaR (expected shortfall) at level a is the mean
// of the values at or above VaR, counting the order statistic at the boundary fractionally
// (Acerbi and Tasche 2002), so TVaR >= VaR and TVaR at level 0 is the mean.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace reformsim::sim {

// Neumaier-compensated sum in the order the values are added: what mean() computes, so a mean
// taken in pieces (the paths a chunk at a time, in order) has the bits of mean() over them all.
struct CompensatedSum {
  double sum = 0.0, c = 0.0;
  void add(double v) {
    const double t = sum + v;
    c += std::fabs(sum) >= std::fabs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  double total() const { return sum + c; }
};

double mean(std::span<const double> x);
// Sample standard deviation (n - 1 in the denominator); 0 for fewer than two values.
double standard_deviation(std::span<const double> x);
// Standard error of the mean: sd / sqrt(n).
double standard_error(std::span<const double> x);

struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};
// Normal-approximation confidence interval of the mean at `level` (e.g. 0.95).
Interval mean_confidence_interval(std::span<const double> x, double level);

// Exact quantile of unsorted data (copies and partially sorts).
double quantile(std::span<const double> x, double p);
// Quantile of data already sorted ascending.
double sorted_quantile(std::span<const double> sorted, double p);
// Several quantiles at once (one sort).
std::vector<double> quantiles(std::span<const double> x, std::span<const double> ps);

double value_at_risk(std::span<const double> losses, double level);
double tail_value_at_risk(std::span<const double> losses, double level);
// Share of values strictly above the threshold.
double exceedance_probability(std::span<const double> x, double threshold);
// Share of values at or above the target.
double probability_at_least(std::span<const double> x, double target);

struct Summary {
  std::size_t n = 0;
  double mean = 0, sd = 0, se = 0;
  double ci_lower = 0, ci_upper = 0;  // 95% CI of the mean
  double p5 = 0, p50 = 0, p95 = 0;
  double min = 0, max = 0;
};
Summary summarize(std::span<const double> x);

// Column `col` of a row-major rows x cols array, copied out.
std::vector<double> column(std::span<const double> values, std::size_t cols, std::size_t col);
// Net present value per row of a rows x cols array of yearly flows, discounting year t (0-based)
// by (1 + rate)^-(t + 0.5): flows are spread over each year (mid-year convention).
std::vector<double> npv_by_row(std::span<const double> values, std::size_t cols, double rate);
// Sum per row of a rows x cols array.
std::vector<double> row_sums(std::span<const double> values, std::size_t cols);

}  // namespace reformsim::sim
