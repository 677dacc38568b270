#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "sim/random.hpp"

namespace reformsim::sim {
namespace {

TEST(StreamKey, NamesAndIndicesGiveDistinctKeys) {
  std::set<std::uint64_t> seen;
  const StreamKey base = StreamKey::of("workforce_injury");
  for (const char* var : {"count", "cost", "lost_days"})
    for (std::uint64_t d = 0; d < 20; ++d)
      for (std::uint64_t y = 0; y < 30; ++y) seen.insert(base.with(var).with(d).with(y).value());
  EXPECT_EQ(seen.size(), 3u * 20u * 30u);
  EXPECT_NE(StreamKey::of("ab").value(), StreamKey::of("ba").value());
  EXPECT_NE(base.with(1).with(2).value(), base.with(2).with(1).value());
}

TEST(Stream, SameAddressSameNumbers) {
  const StreamKey k = StreamKey::of("x").with(7);
  Stream a(123, 45, k), b(123, 45, k);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.uniform(), b.uniform());
}

TEST(Stream, DifferentSeedPathOrKeyDiffer) {
  const StreamKey k = StreamKey::of("x");
  const double base = Stream(1, 0, k).uniform();
  EXPECT_NE(base, Stream(2, 0, k).uniform());
  EXPECT_NE(base, Stream(1, 1, k).uniform());
  EXPECT_NE(base, Stream(1, 0, k.with(0)).uniform());
  // A seed that differs only in its high word gives other numbers too.
  EXPECT_NE(base, Stream(1 + (1ULL << 32), 0, k).uniform());
}

TEST(Stream, KnownPhiloxValue) {
  // Random123's known-answer vector for Philox4x32-10 with zero key and counter.
  r123::Philox4x32 rng;
  const r123::Philox4x32::ctr_type c = {{0, 0, 0, 0}};
  const r123::Philox4x32::key_type k = {{0, 0}};
  const auto out = rng(c, k);
  EXPECT_EQ(out.v[0], 0x6627e8d5u);
  EXPECT_EQ(out.v[1], 0xe169c58du);
  EXPECT_EQ(out.v[2], 0xbc57ac4cu);
  EXPECT_EQ(out.v[3], 0x9b00dbd8u);
}

TEST(Stream, UniformsAreOpenAndHaveTheRightMoments) {
  Stream s(2024, 3, StreamKey::of("moments"));
  const int n = 1'000'000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  // Theory: mean 1/2 (sd of the mean sqrt(1/12/n)), variance 1/12 (sd sqrt(1/180/n)).
  EXPECT_NEAR(mean, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / n));
  EXPECT_NEAR(var, 1.0 / 12.0, 4.0 * std::sqrt(1.0 / 180.0 / n));
}

TEST(Stream, ExtremeWordsStayInsideTheOpenInterval) {
  EXPECT_LT(uniform53(0xffffffffu, 0xffffffffu), 1.0);
  EXPECT_GT(uniform53(0u, 0u), 0.0);
  EXPECT_EQ(uniform53(0u, 0u), 0x1.0p-54);
  EXPECT_LT(uniform32(0xffffffffu), 1.0);
  EXPECT_GT(uniform32(0u), 0.0);
}

TEST(Stream, CountsBlocks) {
  Stream s(1, 1, StreamKey::of("b"));
  for (int i = 0; i < 4; ++i) s.uniform();  // 8 words = 2 blocks
  EXPECT_EQ(s.blocks_used(), 2u);
}

TEST(Uniform32, ThresholdDecidesLikeTheUniform) {
  std::vector<double> xs = {0.0,   -1.0, 1e-300,      0x1.0p-33, 0x1.0p-32, 0.028,       0.25,
                            0.381, 0.5,  0.999999999, 1.0,       1.5,       std::nan("")};
  // Values that are exactly a uniform32, and their neighbours.
  for (std::uint32_t w : {0u, 1u, 12345u, 0x80000000u, 0xfffffffeu, 0xffffffffu}) {
    const double u = uniform32(w);
    xs.insert(xs.end(), {u, std::nextafter(u, 0.0), std::nextafter(u, 2.0)});
  }
  Stream s(5, 6, StreamKey::of("threshold"));
  for (int i = 0; i < 200; ++i) xs.push_back(s.uniform());
  for (double x : xs) {
    const std::uint64_t t = threshold32(x);
    ASSERT_LE(t, std::uint64_t{1} << 32);
    std::vector<std::uint64_t> ws = {0, 1, 0xffffffffu};
    for (std::int64_t d = -3; d <= 3; ++d) {
      const std::int64_t w = static_cast<std::int64_t>(t) + d;
      if (w >= 0 && w <= 0xffffffffLL) ws.push_back(static_cast<std::uint64_t>(w));
    }
    for (int k = 0; k < 50; ++k) ws.push_back(s.next_u32());
    for (std::uint64_t w : ws)
      ASSERT_EQ(w < t, uniform32(static_cast<std::uint32_t>(w)) < x) << "x " << x << " w " << w;
  }
}

}  // namespace
}  // namespace reformsim::sim
