// Small special functions used by the samplers: the standard normal CDF, density and quantile.
#pragma once

#include <cmath>
#include <cstddef>

namespace reformsim::sim {

inline constexpr double kInvSqrt2 = 0.70710678118654752440;
inline constexpr double kInvSqrt2Pi = 0.39894228040143267794;

inline double normal_pdf(double z) {
  return kInvSqrt2Pi * std::exp(-0.5 * z * z);
}
// Phi(z), accurate in both tails through erfc.
inline double normal_cdf(double z) {
  return 0.5 * std::erfc(-z * kInvSqrt2);
}
// 1 - Phi(z) without cancellation.
inline double normal_sf(double z) {
  return 0.5 * std::erfc(z * kInvSqrt2);
}

// Phi^{-1}(p) for p in (0, 1): Wichura's algorithm AS 241 (PPND16), relative error ~1e-16. The
// tails' logarithm is sim::log_portable, so the result is the same on every machine.
double normal_quantile(double p);
// z[i] = normal_quantile(p[i]) for i < n, bit for bit; the central region (85% of uniforms) in
// SIMD lanes, the tails (their logs too) in SIMD lanes again, the far tail one by one.
void normal_quantiles(const double* p, std::size_t n, double* z);

}  // namespace reformsim::sim

namespace reformsim::sim {

// log B(a, b) for a, b > 0, to about an ulp of B (Boost's beta, through lgamma where B would
// underflow): the constant beta_quantile takes, computed once per law.
double log_beta(double a, double b);

// The beta(a, b) quantile: x in [0, 1] with I_x(a, b) = p, the regularized incomplete beta
// function (0 for p <= 0, 1 for p >= 1); log_b = log_beta(a, b). Within ~1e-15 relative of
// Boost's ibeta_inv (tests/test_special.cpp, a grid of shapes and tails) at a fraction of its
// cost: AS 109's start, then safeguarded Halley steps on log I (or log(1 - I)) against log x,
// where I comes from its continued fraction (and its slope with it, without another
// transcendental). Plain scalar code in one translation unit, through sim::log_portable and
// sim::exp_portable, so the same bits on every clone and thread count.
double beta_quantile(double a, double b, double log_b, double p);

}  // namespace reformsim::sim
