// exp and log that give the same bits on every machine, one value or many at once.
//
// The C library's exp and log are not correctly rounded, and glibc picks its implementation by
// CPU (with or without FMA), so a result that goes through them can differ in the last bit from
// one machine to another. These are fdlibm's algorithms (Sun Microsystems, 1993; the ones
// FreeBSD's and musl's libm descend from: argument reduction, a rational or polynomial kernel,
// error below 1 ulp), written with +, -, *, / and integer operations on the bit patterns only.
// IEEE-754 rounds each of those the same way in any SIMD width, and the build forbids FMA
// contraction (-ffp-contract=off), so the scalar functions and the batch functions (SIMD lanes:
// AVX-512, AVX2 or baseline, picked at load time) give the same bits on every x86-64 CPU.
//
// Accuracy (tests/test_elementary.cpp, against the long-double expl and logl): below 1 ulp
// everywhere tested; special values as C's (exp: +inf above 709.78, 0 below -745.13, exp(NaN)
// = NaN; log: log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf), without setting errno.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace reformsim::sim {

double exp_portable(double x);
double log_portable(double x);

// y[i] = exp_portable(x[i]) and log_portable(x[i]) for i < n, bit for bit. x and y may be the
// same array.
void exps_portable(const double* x, std::size_t n, double* y);
void logs_portable(const double* x, std::size_t n, double* y);

namespace elementary {

// The kernels for the arguments of the usual range, branch-free so that loops over them run in
// SIMD lanes; exp_portable and log_portable send the rest elsewhere.
inline constexpr double kExpKernelMax = 708.0;                // exp_kernel for |x| <= this
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000: k ln2hi exact
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;
inline constexpr double kInvLn2 = 1.44269504088896338700e+00;
inline constexpr double kShifter = 0x1.8p52;  // x + kShifter - kShifter rounds x to an integer

// The kernels are templates on the value type F and a 64-bit integer type I of the same shape:
// double and std::int64_t, or GCC vectors of them (sim/lanes.hpp) for the batch functions; the
// same operations in the same order either way.

// The bits of v as the type To (a double and a 64-bit integer, or vectors of them).
template <class To, class From>
[[gnu::always_inline]] inline To bits_as(From v) {
  if constexpr (std::is_arithmetic_v<From>) {
    return std::bit_cast<To>(v);
  } else {
    return (To)v;  // GCC: a C cast between vectors of one size keeps the bits
  }
}

// exp(x) = y 2^k with y in [sqrt(2)/2, sqrt(2)] (fdlibm e_exp.c): x = k ln2 + r, |r| <= ln2/2,
// exp(r) from a rational approximation. For |x| <= 745.2.
template <class F, class I>
[[gnu::always_inline]] inline F exp_reduced(F x, I& k) {
  constexpr double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                   P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                   P5 = 4.13813679705723846039e-08;
  const F kd_shifted = x * kInvLn2 + kShifter;
  k = bits_as<I>(kd_shifted) - std::bit_cast<std::int64_t>(kShifter);
  const F kd = kd_shifted - kShifter;
  const F hi = x - kd * kLn2Hi;
  const F lo = kd * kLn2Lo;
  const F r = hi - lo;
  const F t = r * r;
  const F c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  return 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
}

// 2^k for -1022 <= k <= 1023.
template <class F, class I>
[[gnu::always_inline]] inline F pow2(I k) {
  return bits_as<F>((k + 1023) << 52);
}

// exp(x) for |x| <= kExpKernelMax: times 2^k is then exact (the result is a normal number).
template <class F = double, class I = std::int64_t>
[[gnu::always_inline]] inline F exp_kernel(F x) {
  I k;
  const F y = exp_reduced(x, k);
  return y * pow2<F>(k);
}

// Branch-free (both comparisons evaluated), so that loops counting arguments vectorise.
inline bool in_exp_kernel_range(double x) {
  return (x >= -kExpKernelMax) & (x <= kExpKernelMax);  // false for NaN
}

// log(x) for a positive normal finite x (fdlibm e_log.c): x = 2^k m, sqrt(2)/2 <= m < sqrt(2),
// f = m - 1 (exact), s = f / (2 + f), log(m) = f - f^2/2 + s (f^2/2 + R(s^2)).
template <class F = double, class I = std::int64_t>
[[gnu::always_inline]] inline F log_kernel(F x) {
  constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                   Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                   Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                   Lg7 = 1.479819860511658591e-01;
  constexpr std::int64_t kSqrtHalfBits = 0x3fe6a09e667f3bcdll;  // sqrt(2)/2
  const I ix = bits_as<I>(x);
  const I k = (ix - kSqrtHalfBits) >> 52;  // arithmetic shift: k < 0 for x < sqrt(2)/2
  const F m = bits_as<F>(ix - (k << 52));
  // k as a double without an int64 conversion instruction (AVX2 has none): exact, |k| < 2^51.
  const F kd = bits_as<F>(std::bit_cast<std::int64_t>(kShifter) + k) - kShifter;
  const F f = m - 1.0;
  const F s = f / (2.0 + f);
  const F z = s * s;
  const F w = z * z;
  const F t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const F t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  const F R = t2 + t1;
  const F hfsq = 0.5 * f * f;
  return kd * kLn2Hi - ((hfsq - (s * (hfsq + R) + kd * kLn2Lo)) - f);
}

inline bool in_log_kernel_range(double x) {
  return (x >= 0x1p-1022) & (x <= 0x1.fffffffffffffp1023);  // false for NaN
}

}  // namespace elementary

}  // namespace reformsim::sim
