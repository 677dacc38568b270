// The SIMD clones (sim/clones.hpp): each kernel gives the same bits on every clone this CPU runs,
// forced one after the other in one process (word for word against the baseline clone's, and
// against the scalar functions), and REFORMSIM_SIMD forces a clone or is refused with a clear
// message. tests/CMakeLists.txt also runs the shipped scenarios' pinned checksums and the
// workforce kernels' tests under each clone forced through REFORMSIM_SIMD.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "sim/clones.hpp"
#include "sim/distributions.hpp"
#include "sim/elementary.hpp"
#include "sim/lognormal32.hpp"
#include "sim/philox_batch.hpp"
#include "sim/special.hpp"

namespace reformsim::sim {
namespace {

// Everything the batch kernels give on fixed inputs, as raw 64-bit words.
std::vector<std::uint64_t> kernel_outputs() {
  std::vector<std::uint64_t> words;
  auto put = [&words](double v) { words.push_back(std::bit_cast<std::uint64_t>(v)); };
  // Philox: every remainder of the 32-stream passes, two seeds, three blocks.
  const StreamKey base = StreamKey::of("clones").with(7);
  for (const std::size_t n : {std::size_t{1}, std::size_t{5}, std::size_t{31}, std::size_t{37},
                              std::size_t{200}, kPhiloxBatch}) {
    std::vector<std::uint64_t> keys(n);
    stream_keys(base, 1000 + n, n, keys.data());
    words.insert(words.end(), keys.begin(), keys.end());
    for (const std::uint64_t seed : {20220701ULL, 0xfedcba9876543210ULL}) {
      for (std::uint32_t block = 0; block < 3; ++block) {
        PhiloxBlocks out;
        philox_blocks(seed, 4294967295ULL - n, keys.data(), n, block, out);
        for (const auto& row : out.w) words.insert(words.end(), row, row + n);
        std::vector<double> u(n);
        uniforms53(out.w[0], out.w[1], n, u.data());
        for (const double v : u) put(v);
      }
    }
  }
  // exp, log and the normal quantile on 1,003 arguments spread over their ranges, with the
  // special values and the far tails (the scalar fallback) in a second call.
  std::vector<double> x(1003), y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = -700.0 + 1.3957 * static_cast<double>(i);
  exps_portable(x.data(), x.size(), y.data());
  for (const double v : y) put(v);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1e-300 * std::exp(0.6893 * i);
  logs_portable(x.data(), x.size(), y.data());
  for (const double v : y) put(v);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = (static_cast<double>(i) + 0.377) / 1003.5;
  normal_quantiles(x.data(), x.size(), y.data());
  for (const double v : y) put(v);
  const double specials[] = {0.0,         1e-310, 1e-20,
                             1.0 - 1e-16, 1.0,    -0.0,
                             800.0,       -800.0, std::numeric_limits<double>::quiet_NaN()};
  double out[std::size(specials)];
  exps_portable(specials, std::size(specials), out);
  for (const double v : out) put(v);
  logs_portable(specials, std::size(specials), out);
  for (const double v : out) put(v);
  normal_quantiles(specials, std::size(specials), out);
  for (const double v : out) put(v);
  // The single-precision normal quantile and lognormal of 1,003 words over the whole range (the
  // extremes first), a run that is not a multiple of the eight lanes.
  std::vector<std::uint32_t> w(x.size());
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<std::uint32_t>(i < 4 ? (i % 2 == 0 ? i : 0xffffffffu - i) : 4282377 * i);
  std::vector<float> z(w.size());
  normal_quantiles32(w.data(), w.size(), z.data());
  for (const float v : z) put(v);
  lognormals32(w.data(), w.size(), 1.37f, 2718.3, y.data());
  for (const double v : y) put(v);
  // The Poisson CDF's SIMD ratio sums, below and above the mean.
  for (const double mean : {13.7, 41.3, 977.0, 23456.7}) {
    for (const double share : {0.31, 0.87, 0.995, 1.013, 1.2, 2.9}) {
      put(detail::poisson_cdf_by_ratios(mean, std::floor(mean * share), 1.0));
    }
  }
  return words;
}

class ForcedClone : public ::testing::Test {
 protected:
  void TearDown() override { force_isa(start_); }
  const Isa start_ = simd_isa();
};

TEST_F(ForcedClone, EveryKernelGivesTheBaselineClonesBits) {
  force_isa(Isa::kBaseline);
  ASSERT_EQ(simd_isa(), Isa::kBaseline);
  const std::vector<std::uint64_t> expected = kernel_outputs();
  int compared = 0;
  for (const Isa isa : {Isa::kAvx2, Isa::kAvx512}) {
    if (!isa_supported(isa)) continue;
    force_isa(isa);
    ASSERT_STREQ(philox_batch_isa(), isa_name(isa));
    const std::vector<std::uint64_t> got = kernel_outputs();
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(got[i], expected[i]) << isa_name(isa) << " word " << i;
    ++compared;
  }
  if (compared == 0) GTEST_SKIP() << "this CPU runs only the baseline clone";
}

TEST_F(ForcedClone, EveryClonesPhiloxWordsAreTheStreams) {
  const StreamKey base = StreamKey::of("clones").with(3);
  constexpr std::size_t kN = 45;  // whole passes (32, 8 or 4 streams) and a remainder
  std::vector<std::uint64_t> keys(kN);
  for (const Isa isa : {Isa::kAvx512, Isa::kAvx2, Isa::kBaseline}) {
    if (!isa_supported(isa)) continue;
    force_isa(isa);
    stream_keys(base, 99, kN, keys.data());
    for (std::uint32_t block = 0; block < 3; ++block) {
      PhiloxBlocks out;
      philox_blocks(0x123456789abcdefULL, 77, keys.data(), kN, block, out);
      for (std::size_t i = 0; i < kN; ++i) {
        ASSERT_EQ(keys[i], base.with(99 + i).value());
        Stream s(0x123456789abcdefULL, 77, StreamKey(keys[i]));
        for (std::uint32_t skip = 0; skip < 4 * block; ++skip) s.next_u32();
        for (int j = 0; j < 4; ++j)
          ASSERT_EQ(out.w[j][i], s.next_u32()) << isa_name(isa) << " stream " << i;
      }
    }
  }
}

TEST_F(ForcedClone, PhiloxLeavesTheBlocksPastThePassAlone) {
  std::vector<std::uint64_t> keys(33, 5);
  PhiloxBlocks out;
  std::memset(&out, 0xab, sizeof out);
  philox_blocks(1, 2, keys.data(), keys.size(), 0, out);
  for (std::size_t i = 64; i < kPhiloxBatch; ++i) ASSERT_EQ(out.w[3][i], 0xababababu) << i;
}

TEST_F(ForcedClone, ACloneThisCpuCannotRunIsRefused) {
  for (const Isa isa : {Isa::kAvx512, Isa::kAvx2}) {
    if (isa_supported(isa)) continue;
    EXPECT_THROW(force_isa(isa), std::invalid_argument) << isa_name(isa);
  }
  EXPECT_TRUE(isa_supported(Isa::kBaseline));
  EXPECT_TRUE(isa_supported(best_isa()));
}

// Sets REFORMSIM_SIMD for one test, then restores it.
class SimdVariable {
 public:
  explicit SimdVariable(const char* value) {
    if (const char* old = std::getenv("REFORMSIM_SIMD")) old_ = old;
    ::setenv("REFORMSIM_SIMD", value, 1);
  }
  ~SimdVariable() {
    if (old_) {
      ::setenv("REFORMSIM_SIMD", old_->c_str(), 1);
    } else {
      ::unsetenv("REFORMSIM_SIMD");
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(SimdEnvironment, NamesAClone) {
  for (const Isa isa : {Isa::kAvx512, Isa::kAvx2, Isa::kBaseline}) {
    const SimdVariable v(isa_name(isa));
    if (isa_supported(isa)) {
      EXPECT_EQ(isa_from_environment(), isa);
    } else {
      EXPECT_THROW(isa_from_environment(), std::invalid_argument);
    }
  }
  const SimdVariable empty("");
  EXPECT_EQ(isa_from_environment(), std::nullopt);
}

TEST(SimdEnvironment, AnUnknownWordIsRefusedByName) {
  const SimdVariable v("avx-512");
  try {
    isa_from_environment();
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "REFORMSIM_SIMD: expected avx512, avx2 or baseline, found 'avx-512'");
  }
}

TEST(SimdEnvironment, UnsetMeansTheCpusBest) {
  const SimdVariable empty("");
  const Isa before = simd_isa();
  EXPECT_EQ(detail::choose_simd_isa(), best_isa());
  EXPECT_EQ(simd_isa(), best_isa());
  force_isa(before);
}

TEST(SimdEnvironment, TheCliRefusesAnUnknownWordBeforeRunning) {
  const SimdVariable v("avx-512");
  const testing::TempDir dir;
  const testing::RunResult r =
      testing::run_reformsim({"run", std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/example.yaml",
                              "--paths", "20", "-o", dir.file("r.h5")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "reformsim: REFORMSIM_SIMD: expected avx512, avx2 or baseline, found 'avx-512'\n");
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace reformsim::sim
