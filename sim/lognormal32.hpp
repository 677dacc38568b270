// Lognormal values from 32-bit uniform words in single precision, for values that a sum of
// thousands of them uses (a claim's cost): scale x exp(sigma z), z the standard normal quantile
// of the word's uniform (w + 0.5) 2^-32 (sim::uniform32), computed in floats.
//
// A 32-bit word already limits z to |z| <= 6.338 (its uniform's distance from 0 and 1 is at least
// 2^-33) and to steps of about 2^-32 / phi(z) in the uniform, so double precision adds nothing
// a sum of costs can see. In floats, branch-free, in SIMD lanes of eight (16 a zmm's worth on
// AVX-512 in two halves, eight a ymm on AVX2, four an xmm on the baseline), the quantile and the
// exp cost a fraction of the double ones (docs/performance.md, section 2):
//   - z: AS 241's single-precision rational approximations (PPND7; Wichura, Applied Statistics
//     37, 1988, "accurate to about 1 part in 10^7"), the central one and the near tail one for
//     every lane, the lane's own picked by a mask (the far tail, r > 5, lies beyond 32-bit
//     words: r <= sqrt(33 ln 2) = 4.78). The tail's probability min(u, 1 - u) is formed from the
//     word as an integer (min(w, 2^32 - 1 - w)), so it keeps its relative precision (2^-24) down
//     to 2^-33; the tail's log is fdlibm's logf (FreeBSD e_logf.c's reduced coefficients);
//   - exp: fdlibm's expf (FreeBSD e_expf.c: reduction by ln 2 in two parts, a degree-2 rational
//     kernel), for |x| <= 76.1, where 2^k is a normal float;
//   - the product with `scale` (exp(mu), computed once in double) in double.
// Bound (tests/test_lognormal32.cpp, against the double-precision sim::normal_quantile and
// sim::exp_portable of the same words: every word below 2^20 and above 2^32 - 2^20, and every
// 1,021st word between): |z32 - z| <= 1.5e-6 (measured 1.44e-6, in the tails; 4.3e-7 for
// |z| < 1.44) and |value32 / value - 1| <= 5e-7 + 1.7e-6 sigma (the change of z, sigma's rounding
// to a float, the exp's and the products' roundings; measured 2.6e-6 at sigma 1.41, 1.9e-5 at
// 11.97), for sigma <= kLognormal32MaxSigma. A sum of such values (a year's claim costs) moves by
// at most the same relative amount, a ten-thousandth of a Monte Carlo standard error of 1%.
//
// Only +, -, *, /, sqrt and integer operations on the bit patterns, each rounded by IEEE-754 the
// same in any SIMD width (and no FMA contraction: -ffp-contract=off), so the scalar and batch
// functions, and every clone (sim/clones.hpp), give the same bits.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "sim/elementary.hpp"
#include "sim/lanes.hpp"

namespace reformsim::sim {

// The largest log-scale sigma these functions take: then |sigma z| <= 12 x 6.338 < 76.1, and
// exp(sigma z) is a normal float (floats reach e^-87.3 to e^88.7).
inline constexpr double kLognormal32MaxSigma = 12.0;

// z = the standard normal quantile of uniform32(w), in single precision (above).
float normal_quantile32(std::uint32_t w);
// exp(x) in single precision for |x| <= 76.1.
float exp32(float x);
// scale x exp(sigma z(w)): sigma as a float (0 <= sigma <= kLognormal32MaxSigma), the product
// with scale in double.
double lognormal32(std::uint32_t w, float sigma, double scale);

// z[i] = normal_quantile32(w[i]) and y[i] = lognormal32(w[i], sigma, scale) for i < n, bit for
// bit, in SIMD lanes.
void normal_quantiles32(const std::uint32_t* w, std::size_t n, float* z);
void lognormals32(const std::uint32_t* w, std::size_t n, float sigma, double scale, double* y);

namespace single {

// The kernels are templates on a float type F and a 32-bit integer type I of the same shape:
// float and std::int32_t, or GCC vectors of them (sim/lanes.hpp's F32, I32); the same
// operations in the same order either way.
using elementary::bits_as;

template <class F, class I>
[[gnu::always_inline]] inline F to_float(I v) {
  if constexpr (std::is_arithmetic_v<I>) {
    return static_cast<F>(v);
  } else {
    return __builtin_convertvector(v, F);  // cvtdq2ps: every x86-64 level has it
  }
}

template <class F>
[[gnu::always_inline]] inline F sqrt_lanes(F v) {
  if constexpr (std::is_arithmetic_v<F>) {
    return std::sqrt(v);
  } else {
    // One sqrtps/vsqrtps (the file compiles with -fno-math-errno); IEEE square root is exact.
    for (std::size_t j = 0; j < sizeof(F) / sizeof(float); ++j) v[j] = __builtin_sqrtf(v[j]);
    return v;
  }
}

// a where mask is -1, b where it is 0 (masks of -1/0 from arithmetic shifts).
template <class F, class I>
[[gnu::always_inline]] inline F select(I mask, F a, F b) {
  return bits_as<F>((bits_as<I>(a) & mask) | (bits_as<I>(b) & ~mask));
}

// log(x) for a positive normal float (fdlibm e_logf.c, FreeBSD's coefficients): x = 2^k m,
// sqrt(2)/2 <= m < sqrt(2), f = m - 1, s = f / (2 + f), log(m) = f - f^2/2 + s (f^2/2 + R(s^2)).
template <class F, class I>
[[gnu::always_inline]] inline F log_kernel(F x) {
  constexpr float Lg1 = 0xaaaaaa.0p-24f, Lg2 = 0xccce13.0p-25f, Lg3 = 0x91e9ee.0p-25f,
                  Lg4 = 0xf89e26.0p-26f;
  constexpr float kLn2Hi = 6.9313812256e-01f;         // 0x3f317180
  constexpr float kLn2Lo = 9.0580006145e-06f;         // 0x3717f7d1
  constexpr std::int32_t kSqrtHalfBits = 0x3f3504f3;  // sqrt(2)/2
  const I ix = bits_as<I>(x);
  const I k = (ix - kSqrtHalfBits) >> 23;  // arithmetic shift
  const F m = bits_as<F>(ix - k * (1 << 23));
  const F kd = to_float<F>(k);
  const F f = m - 1.0f;
  const F s = f / (2.0f + f);
  const F z = s * s;
  const F w = z * z;
  const F t1 = w * (Lg2 + w * Lg4);
  const F t2 = z * (Lg1 + w * Lg3);
  const F R = t2 + t1;
  const F hfsq = 0.5f * f * f;
  return kd * kLn2Hi - ((hfsq - (s * (hfsq + R) + kd * kLn2Lo)) - f);
}

// exp(x) for |x| <= 76.1 (fdlibm e_expf.c, FreeBSD's coefficients): x = k ln2 + r, |r| <= ln2/2,
// exp(r) from a rational kernel, times 2^k (a normal float for these x, so exact).
template <class F, class I>
[[gnu::always_inline]] inline F exp_kernel(F x) {
  constexpr float kLn2Hi = 6.9314575195e-01f;  // 0x3f317200: k ln2hi exact for |k| < 2^9
  constexpr float kLn2Lo = 1.4286067653e-06f;  // 0x35bfbe8e
  constexpr float kInvLn2 = 1.4426950216e+00f;
  constexpr float P1 = 0xaaaaa8.0p-26f, P2 = -0xb55215.0p-32f;
  constexpr float kShifter = 0x1.8p23f;  // x + kShifter - kShifter rounds x to an integer
  const F kd_shifted = x * kInvLn2 + kShifter;
  const I k = bits_as<I>(kd_shifted) - bits_as<std::int32_t>(kShifter);
  const F kd = kd_shifted - kShifter;
  const F hi = x - kd * kLn2Hi;
  const F lo = kd * kLn2Lo;
  const F r = hi - lo;
  const F t = r * r;
  const F c = r - t * (P1 + t * P2);
  const F y = 1.0f - ((lo - (r * c) / (2.0f - c)) - hi);
  return y * bits_as<F>((k + 127) * (1 << 23));
}

// The word w's tail probability min(u, 1 - u) is below 0.075 (AS 241's split, |u - 1/2| > 0.425)
// exactly when min(w, 2^32 - 1 - w) < kTailWords.
inline constexpr std::int32_t kTailWords = 322122547;  // ceil(0.075 x 2^32 - 0.5)

// AS 241's central formula for w's q = u - 1/2 (for |q| <= 0.425; finite for every word).
template <class F, class I>
[[gnu::always_inline]] inline F central_quantile_word(I w) {
  constexpr float A0 = 3.3871327179e+00f, A1 = 5.0434271938e+01f, A2 = 1.5929113202e+02f,
                  A3 = 5.9109374720e+01f, B1 = 1.7895169469e+01f, B2 = 7.8757757664e+01f,
                  B3 = 6.7187563600e+01f;
  const I s = w ^ std::numeric_limits<std::int32_t>::min();  // w - 2^31
  const F q = (to_float<F>(s) + 0.5f) * 0x1p-32f;
  const F r = 0.180625f - q * q;
  return q * (((A3 * r + A2) * r + A1) * r + A0) / (((B3 * r + B2) * r + B1) * r + 1.0f);
}

// -1 where w is in the tails (|q| > 0.425), else 0.
template <class I>
[[gnu::always_inline]] inline I tail_word_mask(I w) {
  const I below = (w ^ std::numeric_limits<std::int32_t>::min()) >> 31;  // -1 where u < 1/2
  const I t = w ^ ~below;  // min(w, 2^32 - 1 - w), in [0, 2^31)
  return (t - kTailWords) >> 31;
}

// AS 241's near-tail formula for w: r = sqrt(-log p) - 1.6, p = min(u, 1 - u) from the integer
// min(w, 2^32 - 1 - w) (finite for every word: p <= 1/2), its sign that of u - 1/2.
template <class F, class I>
[[gnu::always_inline]] inline F tail_quantile_word(I w) {
  constexpr float C0 = 1.4234372777e+00f, C1 = 2.7568153900e+00f, C2 = 1.3067284816e+00f,
                  C3 = 1.7023821103e-01f, D1 = 7.3700164250e-01f, D2 = 1.2021132975e-01f;
  constexpr std::int32_t kSign = std::numeric_limits<std::int32_t>::min();
  const I below = (w ^ kSign) >> 31;  // -1 where u < 1/2
  const I t = w ^ ~below;             // min(w, 2^32 - 1 - w)
  const F p = (to_float<F>(t) + 0.5f) * 0x1p-32f;
  const F r = sqrt_lanes(-log_kernel<F, I>(p)) - 1.6f;
  const F x = (((C3 * r + C2) * r + C1) * r + C0) / ((D2 * r + D1) * r + 1.0f);
  return bits_as<F>(bits_as<I>(x) ^ (below & kSign));  // -x where u < 1/2
}

// The standard normal quantile of uniform32(w), w's bits in an int32 lane: the tail formula in
// the tails, the central one elsewhere.
template <class F, class I>
[[gnu::always_inline]] inline F normal_quantile_word(I w) {
  return select<F, I>(tail_word_mask(w), tail_quantile_word<F, I>(w),
                      central_quantile_word<F, I>(w));
}

// The lanes of a -1/0 mask of sixteen 32-bit lanes as the bits of a 16-bit word (lane j -> bit j).
[[gnu::always_inline]] inline unsigned mask_bits(lanes::I32 mask) {
  using Bytes16 = std::int8_t __attribute__((vector_size(lanes::kLanes32)));
  const Bytes16 b = __builtin_convertvector(mask, Bytes16);
  std::uint64_t half[2];
  std::memcpy(half, &b, sizeof half);
  auto bits = [](std::uint64_t x) {  // the top bit of byte j to bit j (lanes::mask_bits)
    return static_cast<unsigned>(((x & 0x8080808080808080ull) * 0x0002040810204081ull) >> 56);
  };
  return bits(half[0]) | bits(half[1]) << 8;
}

// normal_quantile_word of the words [0, m), m <= 256, into z[0, m rounded up to 16), with its
// bits: the central formula for every word, sixteen at a time, which also marks the tail words
// (about 15%); those gathered, their tail formula sixteen at a time, scattered back. Less work
// than both formulas in every lane, and shorter chains of dependent operations.
[[gnu::always_inline]] inline void normal_quantiles_chunk(const std::uint32_t* w, std::size_t m,
                                                          float* z) {
  using lanes::F32;
  using lanes::I32;
  constexpr std::size_t k16 = lanes::kLanes32;
  std::uint8_t at[256 + k16];
  alignas(64) std::uint32_t tail_w[256 + k16];
  alignas(64) float tail_z[256 + k16];
  std::size_t n_tail = 0;
  for (std::size_t b = 0; b < m; b += k16) {
    I32 v;
    unsigned valid = 0xffffu;
    if (b + k16 <= m) {
      v = lanes::load_i32(w + b);
    } else {
      std::uint32_t rest[k16] = {};
      for (std::size_t i = b; i < m; ++i) rest[i - b] = w[i];
      v = lanes::load_i32(rest);
      valid = (1u << (m - b)) - 1u;
    }
    const F32 central = central_quantile_word<F32, I32>(v);
    std::memcpy(z + b, &central, sizeof central);
    const unsigned tails = mask_bits(tail_word_mask(v)) & valid;
    n_tail = lanes::append_positions(at, n_tail, b, tails & 0xffu);
    n_tail = lanes::append_positions(at, n_tail, b + lanes::kLanes, tails >> 8);
  }
  for (std::size_t k = 0; k < n_tail; ++k) tail_w[k] = w[at[k]];
  for (std::size_t k = n_tail; k % k16 != 0; ++k) tail_w[k] = 0;
  for (std::size_t k = 0; k < n_tail; k += k16) {
    const F32 x = tail_quantile_word<F32, I32>(lanes::load_i32(tail_w + k));
    std::memcpy(tail_z + k, &x, sizeof x);
  }
  for (std::size_t k = 0; k < n_tail; ++k) z[at[k]] = tail_z[k];
}

}  // namespace single

}  // namespace reformsim::sim
