// The batched generator gives, word for word, what the streams give one by one.
#include <gtest/gtest.h>

#include <vector>

#include "sim/philox_batch.hpp"

namespace reformsim::sim {
namespace {

TEST(PhiloxBatch, SameWordsAsTheStreams) {
  const StreamKey base = StreamKey::of("workforce_injury").with("claim").with("police");
  for (std::uint64_t seed : {0ULL, 1ULL, 20220701ULL, 0xfedcba9876543210ULL}) {
    for (std::uint64_t path : {0ULL, 17ULL, 4294967295ULL}) {
      for (std::size_t n :
           {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{33}, kPhiloxBatch}) {
        std::vector<std::uint64_t> keys(n);
        stream_keys(base.with(seed % 97), 1000, n, keys.data());
        for (std::uint32_t block = 0; block < 3; ++block) {
          PhiloxBlocks out;
          philox_blocks(seed, path, keys.data(), n, block, out);
          for (std::size_t i = 0; i < n; ++i) {
            Stream s(seed, path, StreamKey(keys[i]));
            for (std::uint32_t skip = 0; skip < 4 * block; ++skip) s.next_u32();
            for (int j = 0; j < 4; ++j)
              ASSERT_EQ(out.w[j][i], s.next_u32())
                  << "seed " << seed << " path " << path << " stream " << i << " block " << block
                  << " word " << j << " (" << philox_batch_isa() << ")";
          }
        }
      }
    }
  }
}

TEST(PhiloxBatch, KeysAreTheStreamKeys) {
  const StreamKey base = StreamKey::of("x").with(3);
  std::vector<std::uint64_t> keys(kPhiloxBatch);
  for (std::uint64_t first : {0ULL, 5ULL, 1ULL << 40}) {
    stream_keys(base, first, keys.size(), keys.data());
    for (std::size_t i = 0; i < keys.size(); ++i)
      ASSERT_EQ(keys[i], base.with(first + i).value()) << i;
  }
}

TEST(PhiloxBatch, UniformsAreTheStreamsUniforms) {
  Stream a(9, 8, StreamKey::of("u")), b(9, 8, StreamKey::of("u"));
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t hi = b.next_u32();
    ASSERT_EQ(a.uniform(), uniform53(hi, b.next_u32()));
  }
  EXPECT_GT(uniform32(0), 0.0);
  EXPECT_LT(uniform32(0xffffffffu), 1.0);
  EXPECT_GT(uniform53(0, 0), 0.0);
}

}  // namespace
}  // namespace reformsim::sim
