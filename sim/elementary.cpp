#include "sim/elementary.hpp"

#include <limits>

#include "sim/clones.hpp"
#include "sim/lanes.hpp"

namespace reformsim::sim {
namespace {

using elementary::exp_kernel;
using elementary::in_exp_kernel_range;
using elementary::in_log_kernel_range;
using elementary::log_kernel;

// exp outside the kernel's range: the same reduction and kernel, then 2^k applied in two steps,
// exactly near overflow, with one rounding into the subnormals (as fdlibm).
double exp_outside(double x) {
  constexpr double kOverflow = 7.09782712893383973096e+02;    // above: +inf
  constexpr double kUnderflow = -7.45133219101941108420e+02;  // below: 0
  if (x != x) return x + x;                                   // NaN
  if (x > kOverflow) return std::numeric_limits<double>::infinity();
  if (x < kUnderflow) return 0.0;
  std::int64_t k;
  const double y = elementary::exp_reduced(x, k);
  if (k > 0) return y * elementary::pow2<double>(k - 1) * 2.0;
  return y * elementary::pow2<double>(k + 1000) * 0x1p-1000;
}

double log_outside(double x) {
  if (x != x) return x + x;  // NaN
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  // Subnormal: scale into the normal range exactly.
  return log_kernel(x * 0x1p54) - 54.0 * elementary::kLn2Hi - 54.0 * elementary::kLn2Lo;
}

}  // namespace

double exp_portable(double x) {
  return in_exp_kernel_range(x) ? exp_kernel(x) : exp_outside(x);
}

double log_portable(double x) {
  return in_log_kernel_range(x) ? log_kernel(x) : log_outside(x);
}

// Eight values at a time in lanes (sim/lanes.hpp), the last ones padded with a harmless value.
template <bool kExp>
[[gnu::always_inline]] inline lanes::F kernel(lanes::F v) {
  if constexpr (kExp) {
    return exp_kernel<lanes::F, lanes::I>(v);
  } else {
    return log_kernel<lanes::F, lanes::I>(v);
  }
}
template <bool kExp>
[[gnu::always_inline]] inline void kernel_lanes(const double* x, std::size_t n, double* y) {
  using lanes::kLanes;
  const std::size_t whole = n / kLanes * kLanes;
  for (std::size_t i = 0; i < whole; i += kLanes)
    lanes::store(y + i, kernel<kExp>(lanes::load(x + i)));
  if (whole < n) {
    lanes::F v = lanes::F{} + (kExp ? 0.0 : 1.0);
    for (std::size_t i = whole; i < n; ++i) v[i - whole] = x[i];
    v = kernel<kExp>(v);
    for (std::size_t i = whole; i < n; ++i) y[i] = v[i - whole];
  }
}

// One pass counts the arguments outside the kernel's range; when there are none (the usual
// case), the kernel runs in SIMD lanes on all of them, else each goes through the scalar function.
template <Isa>
[[gnu::always_inline]] inline void exps_portable_for(const double* x, std::size_t n, double* y) {
  std::size_t outside = 0;
  for (std::size_t i = 0; i < n; ++i) outside += in_exp_kernel_range(x[i]) ? 0 : 1;
  if (outside == 0) {
    kernel_lanes<true>(x, n, y);
  } else {
    for (std::size_t i = 0; i < n; ++i) y[i] = exp_portable(x[i]);
  }
}
REFORMSIM_PER_ISA(void, exps_portable, (const double* x, std::size_t n, double* y), (x, n, y))

template <Isa>
[[gnu::always_inline]] inline void logs_portable_for(const double* x, std::size_t n, double* y) {
  std::size_t outside = 0;
  for (std::size_t i = 0; i < n; ++i) outside += in_log_kernel_range(x[i]) ? 0 : 1;
  if (outside == 0) {
    kernel_lanes<false>(x, n, y);
  } else {
    for (std::size_t i = 0; i < n; ++i) y[i] = log_portable(x[i]);
  }
}
REFORMSIM_PER_ISA(void, logs_portable, (const double* x, std::size_t n, double* y), (x, n, y))

}  // namespace reformsim::sim
