#include "sim/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/errors.hpp"
#include "sim/special.hpp"

namespace reformsim::sim {

double mean(std::span<const double> x) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  // Neumaier-compensated sum in index order: accurate and deterministic.
  CompensatedSum s;
  for (double v : x) s.add(v);
  return s.total() / static_cast<double>(x.size());
}

double standard_deviation(std::span<const double> x) {
  if (x.size() < 2) return 0.0;
  const double m = mean(x);
  double ss = 0.0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double standard_error(std::span<const double> x) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  return standard_deviation(x) / std::sqrt(static_cast<double>(x.size()));
}

Interval mean_confidence_interval(std::span<const double> x, double level) {
  if (!(level > 0.0 && level < 1.0)) throw InputError("confidence level must be in (0, 1)");
  const double m = mean(x);
  const double half = normal_quantile(0.5 + 0.5 * level) * standard_error(x);
  return {m - half, m + half};
}

double sorted_quantile(std::span<const double> s, double p) {
  if (s.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (!(p >= 0.0 && p <= 1.0)) throw InputError("quantile level must be in [0, 1]");
  const double h = p * static_cast<double>(s.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (h - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

double quantile(std::span<const double> x, double p) {
  std::vector<double> v(x.begin(), x.end());
  std::sort(v.begin(), v.end());
  return sorted_quantile(v, p);
}

std::vector<double> quantiles(std::span<const double> x, std::span<const double> ps) {
  std::vector<double> v(x.begin(), x.end());
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  out.reserve(ps.size());
  for (double p : ps) out.push_back(sorted_quantile(v, p));
  return out;
}

double value_at_risk(std::span<const double> losses, double level) {
  return quantile(losses, level);
}

double tail_value_at_risk(std::span<const double> losses, double level) {
  if (losses.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (!(level >= 0.0 && level < 1.0)) throw InputError("TVaR level must be in [0, 1)");
  std::vector<double> v(losses.begin(), losses.end());
  std::sort(v.begin(), v.end());
  // The worst (1 - level) share of the n equally weighted outcomes: whole order statistics from
  // the top, and a fraction of the one that straddles the boundary.
  const double n = static_cast<double>(v.size());
  const double tail = (1.0 - level) * n;
  double taken = 0.0, sum = 0.0;
  for (std::size_t i = v.size(); i-- > 0 && taken < tail;) {
    const double w = std::min(1.0, tail - taken);
    sum += w * v[i];
    taken += w;
  }
  return sum / tail;
}

double exceedance_probability(std::span<const double> x, double threshold) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto k = std::count_if(x.begin(), x.end(), [&](double v) { return v > threshold; });
  return static_cast<double>(k) / static_cast<double>(x.size());
}

double probability_at_least(std::span<const double> x, double target) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto k = std::count_if(x.begin(), x.end(), [&](double v) { return v >= target; });
  return static_cast<double>(k) / static_cast<double>(x.size());
}

Summary summarize(std::span<const double> x) {
  Summary s;
  s.n = x.size();
  if (x.empty()) return s;
  s.mean = mean(x);
  s.sd = standard_deviation(x);
  s.se = s.sd / std::sqrt(static_cast<double>(x.size()));
  const double half = normal_quantile(0.975) * s.se;
  s.ci_lower = s.mean - half;
  s.ci_upper = s.mean + half;
  std::vector<double> v(x.begin(), x.end());
  std::sort(v.begin(), v.end());
  s.p5 = sorted_quantile(v, 0.05);
  s.p50 = sorted_quantile(v, 0.50);
  s.p95 = sorted_quantile(v, 0.95);
  s.min = v.front();
  s.max = v.back();
  return s;
}

std::vector<double> column(std::span<const double> values, std::size_t cols, std::size_t col) {
  const std::size_t rows = cols ? values.size() / cols : 0;
  std::vector<double> out(rows);
  for (std::size_t r = 0; r < rows; ++r) out[r] = values[r * cols + col];
  return out;
}

std::vector<double> npv_by_row(std::span<const double> values, std::size_t cols, double rate) {
  const std::size_t rows = cols ? values.size() / cols : 0;
  std::vector<double> factor(cols);
  for (std::size_t t = 0; t < cols; ++t)
    factor[t] = std::pow(1.0 + rate, -(static_cast<double>(t) + 0.5));
  std::vector<double> out(rows, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    double s = 0.0;
    for (std::size_t t = 0; t < cols; ++t) s += values[r * cols + t] * factor[t];
    out[r] = s;
  }
  return out;
}

std::vector<double> row_sums(std::span<const double> values, std::size_t cols) {
  const std::size_t rows = cols ? values.size() / cols : 0;
  std::vector<double> out(rows, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    double s = 0.0;
    for (std::size_t t = 0; t < cols; ++t) s += values[r * cols + t];
    out[r] = s;
  }
  return out;
}

}  // namespace reformsim::sim
