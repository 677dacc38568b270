// The lane helpers of the batch kernels (sim/lanes.hpp): the bits of a mask, the positions of
// set bits, and the comparison by sign.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/lanes.hpp"

namespace reformsim::sim::lanes {
namespace {

TEST(Lanes, MaskBitsGivesLaneJAsBitJForEveryPattern) {
  for (unsigned pattern = 0; pattern < 256; ++pattern) {
    I mask = {};
    for (unsigned j = 0; j < kLanes; ++j) mask[j] = (pattern >> j & 1u) ? -1 : 0;
    EXPECT_EQ(mask_bits(mask), pattern);
  }
}

TEST(Lanes, AppendPositionsListsTheSetBitsInOrder) {
  for (unsigned bits = 0; bits < 256; ++bits) {
    for (std::size_t first : {std::size_t{0}, std::size_t{8}, std::size_t{248}}) {
      std::uint8_t at[3 + kLanes] = {7, 7, 7};
      const std::size_t n = append_positions(at, 3, first, bits);
      std::vector<std::size_t> expected;
      for (unsigned j = 0; j < kLanes; ++j)
        if (bits >> j & 1u) expected.push_back(first + j);
      ASSERT_EQ(n, 3 + expected.size());
      EXPECT_EQ(at[0] + at[1] + at[2], 21);  // the entries before are kept
      for (std::size_t k = 0; k < expected.size(); ++k) EXPECT_EQ(at[3 + k], expected[k]);
    }
  }
}

TEST(Lanes, BelowIsLessThanOnTheStatedRange) {
  const std::int64_t values[] = {0, 1, 2, 0xffffffffll, 0x100000000ll, 1ll << 61, 1ll << 62};
  for (std::int64_t a : values) {
    for (std::int64_t b : values) {
      const I r = below(I{} + a, I{} + b);
      for (unsigned j = 0; j < kLanes; ++j) EXPECT_EQ(r[j], a < b ? -1 : 0) << a << " " << b;
    }
  }
}

TEST(Lanes, LoadWordsZeroExtends) {
  const std::uint32_t w[kLanes] = {0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu, 5, 6, 7};
  const I v[] = {load_words<Isa::kBaseline>(w), load_words<Isa::kAvx2>(w),
                 load_words<Isa::kAvx512>(w)};
  for (const I& vi : v)
    for (unsigned j = 0; j < kLanes; ++j) EXPECT_EQ(vi[j], static_cast<std::int64_t>(w[j]));
}

}  // namespace
}  // namespace reformsim::sim::lanes
