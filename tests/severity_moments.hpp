// Closed-form moments of capped severities, for the models' compound-Poisson tests (real estate's
// damage, liability's claims).
#pragma once

#include <cmath>

#include "sim/special.hpp"

namespace reformsim::testing {

// E[min(X, cap)^k] for X lognormal(mu, sigma).
inline double capped_lognormal_moment(double mu, double sigma, double cap, int k) {
  const double z = (std::log(cap) - mu) / sigma;
  return std::exp(k * mu + 0.5 * k * k * sigma * sigma) * sim::normal_cdf(z - k * sigma) +
         std::pow(cap, k) * sim::normal_sf(z);
}

// E[min(X, cap)^k] of the spliced severity (sim/spliced_severity.hpp): lognormal body below u with
// weight 1 - p, Pareto(u, alpha) above u with weight p, capped at cap >= u (alpha != k).
inline double spliced_moment(double mu, double sigma, double u, double p, double alpha, double cap,
                             int k) {
  const double zu = (std::log(u) - mu) / sigma;
  const double body = std::exp(k * mu + 0.5 * k * k * sigma * sigma) *
                      sim::normal_cdf(zu - k * sigma) / sim::normal_cdf(zu);
  const double tail = alpha * std::pow(u, alpha) *
                          (std::pow(cap, k - alpha) - std::pow(u, k - alpha)) / (k - alpha) +
                      std::pow(cap, k) * std::pow(u / cap, alpha);
  return (1.0 - p) * body + p * tail;
}

}  // namespace reformsim::testing
