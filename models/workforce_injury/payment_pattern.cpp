#include "models/workforce_injury/payment_pattern.hpp"

#include <algorithm>

namespace reformsim::models::workforce_injury {

const std::vector<double>& default_payment_pattern() {
  // Output of scripts/wc_payment_pattern.py (six decimals; the last year takes the rounding).
  static const std::vector<double> pattern = {
      0.225111, 0.261623, 0.157648, 0.096882, 0.055969, 0.031798, 0.033830, 0.025630,
      0.017667, 0.009224, 0.008317, 0.007500, 0.006763, 0.006098, 0.005498, 0.004958,
      0.004471, 0.004031, 0.003635, 0.003278, 0.002956, 0.002665, 0.002403, 0.002167,
      0.001954, 0.001762, 0.001589, 0.001433, 0.001292, 0.011848};
  return pattern;
}

const std::vector<std::vector<double>>& bootstrap_payment_patterns() {
  static const std::vector<std::vector<double>> patterns = {
#include "models/workforce_injury/payment_pattern_bootstrap.inc"
  };
  return patterns;
}

void medical_trend_factors(double medical_share, double rate, std::span<double> trend) {
  double growth = 1.0;  // (1 + rate)^d
  for (double& f : trend) {
    f = 1.0 + medical_share * (growth - 1.0);
    growth *= 1.0 + rate;
  }
}

void pay_out(std::span<const double> incurred, int first_accident_year,
             std::span<const double> pattern, std::span<double> paid,
             std::span<const double> trend) {
  const int horizon = static_cast<int>(paid.size());
  const int lags = static_cast<int>(pattern.size());
  for (int t = 0; t < horizon; ++t) {
    // Accident years a with 0 <= t - a < lags, in increasing order (a fixed summation order).
    const int a_first = std::max(first_accident_year, t - lags + 1);
    double sum = 0.0;
    for (int a = a_first; a <= t; ++a) {
      const auto k = static_cast<std::size_t>(a - first_accident_year);
      if (k >= incurred.size()) break;
      const double payment = incurred[k] * pattern[static_cast<std::size_t>(t - a)];
      sum +=
          trend.empty() ? payment : payment * trend[static_cast<std::size_t>(t - std::max(a, 0))];
    }
    paid[static_cast<std::size_t>(t)] += sum;
  }
}

}  // namespace reformsim::models::workforce_injury
