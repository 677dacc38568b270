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
