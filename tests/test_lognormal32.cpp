// The single-precision lognormal of 32-bit words (sim/lognormal32.hpp): its error bounds, against
// the double-precision quantile and exp of the same words (sim::normal_quantile, AS 241's
// PPND16, and sim::exp_portable) over a dense grid of words that holds every word of both
// extreme tails; and the batch functions' bits against the scalar ones (tests/test_clones.cpp
// checks them across clones).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/elementary.hpp"
#include "sim/lognormal32.hpp"
#include "sim/random.hpp"
#include "sim/special.hpp"

namespace {

using namespace reformsim;

// Every word below 2^20 and at or above 2^32 - 2^20 (the far tails, |z| > 4.9), and every
// `stride`-th word between.
template <class F>
void for_grid(std::uint32_t stride, F f) {
  constexpr std::uint64_t kEdge = std::uint64_t{1} << 20, kTop = std::uint64_t{1} << 32;
  for (std::uint64_t w = 0; w < kEdge; ++w) f(static_cast<std::uint32_t>(w));
  for (std::uint64_t w = kEdge; w < kTop - kEdge; w += stride) f(static_cast<std::uint32_t>(w));
  for (std::uint64_t w = kTop - kEdge; w < kTop; ++w) f(static_cast<std::uint32_t>(w));
}

// The docs' bound on z: |z32 - z| <= 1.5e-6 on the whole grid (measured 1.44e-6, in the tails),
// 5e-7 in the central region (4.3e-7); the grid reaches the extreme words (|z| = 6.338).
TEST(Lognormal32, QuantileIsWithinItsBoundOfTheDoubleOne) {
  double worst = 0.0, worst_central = 0.0, z_max = 0.0;
  std::uint64_t n = 0;
  for_grid(1021, [&](std::uint32_t w) {
    const double z = sim::normal_quantile(sim::uniform32(w));
    const double err = std::abs(static_cast<double>(sim::normal_quantile32(w)) - z);
    worst = std::max(worst, err);
    if (std::abs(z) < 1.44) worst_central = std::max(worst_central, err);
    z_max = std::max(z_max, std::abs(z));
    ++n;
  });
  EXPECT_GT(n, 6'000'000u);
  EXPECT_GT(z_max, 6.33);  // the extreme words were on the grid
  EXPECT_LE(worst, 1.5e-6);
  EXPECT_LE(worst_central, 5e-7);
  // Symmetric: the word's mirror 2^32 - 1 - w gives -z exactly.
  for (const std::uint32_t w : {0u, 17u, 40000u, 322122546u, 322122547u, 1234567891u})
    EXPECT_EQ(sim::normal_quantile32(0xffffffffu - w), -sim::normal_quantile32(w)) << w;
  // Increasing over the split between the central and the tail formulas (no jump back).
  float before = sim::normal_quantile32(322122547u - 200u);
  for (std::uint32_t w = 322122547u - 199u; w < 322122547u + 200u; ++w) {
    const float z = sim::normal_quantile32(w);
    EXPECT_GE(z, before) << w;
    before = z;
  }
}

// exp32 against exp over the range it takes, |x| <= 76.4: within 2 float ulps (2.4e-7).
TEST(Lognormal32, ExpIsWithinTwoFloatUlps) {
  double worst = 0.0;
  for (int i = -764000; i <= 764000; ++i) {
    const float x = static_cast<float>(i) * 1.0e-4f + 3.7e-6f;
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(static_cast<double>(sim::exp32(x)) / want - 1.0));
  }
  EXPECT_LE(worst, 2.4e-7);
  EXPECT_GT(worst, 0.0);  // single precision, not a double exp in disguise
}

// The value's relative error: |v32 / v - 1| <= 5e-7 + 1.7e-6 sigma, v = exp(mu + sigma z) in
// double, for sigmas from small to the largest taken (none exactly a float).
TEST(Lognormal32, ValueIsWithinItsRelativeBound) {
  const double mu = 7.93;
  const double scale = sim::exp_portable(mu);
  for (const double sigma : {0.137, 1.41, 3.3, 11.97}) {
    double worst = 0.0;
    for_grid(4093, [&](std::uint32_t w) {
      const double v = sim::exp_portable(mu + sigma * sim::normal_quantile(sim::uniform32(w)));
      const double v32 = sim::lognormal32(w, static_cast<float>(sigma), scale);
      worst = std::max(worst, std::abs(v32 / v - 1.0));
    });
    EXPECT_LE(worst, 5e-7 + 1.7e-6 * sigma) << "sigma " << sigma;
  }
}

// The batch functions give the scalar ones' bits, for a run that is not a multiple of the lanes.
TEST(Lognormal32, BatchGivesTheScalarBits) {
  sim::Stream s(20261206, 5, sim::StreamKey::of("test_lognormal32"));
  std::vector<std::uint32_t> w(1237);
  for (std::uint32_t& v : w) v = s.next_u32();
  w[3] = 0;
  w[4] = 0xffffffffu;
  std::vector<float> z(w.size());
  std::vector<double> y(w.size());
  sim::normal_quantiles32(w.data(), w.size(), z.data());
  sim::lognormals32(w.data(), w.size(), 0.83f, 7612.9, y.data());
  for (std::size_t i = 0; i < w.size(); ++i) {
    ASSERT_EQ(z[i], sim::normal_quantile32(w[i])) << i;
    ASSERT_EQ(y[i], sim::lognormal32(w[i], 0.83f, 7612.9)) << i;
  }
}

}  // namespace
