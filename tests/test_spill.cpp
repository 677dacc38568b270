// sim/spill.hpp: large per-path arrays in an unlinked file's shared mapping, the same values as
// in memory, out of the resident set after trim_spill().
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "sim/spill.hpp"

namespace fs = std::filesystem;
using reformsim::sim::disable_spill;
using reformsim::sim::enable_spill;
using reformsim::sim::is_spilled;
using reformsim::sim::kSpillMinBytes;
using reformsim::sim::PathVector;
using reformsim::sim::spill_enabled;
using reformsim::sim::spill_unusable;
using reformsim::sim::spilled_bytes;
using reformsim::sim::trim_spill;

namespace {

// The process's resident bytes (/proc/self/statm's second field), file-backed pages included.
std::size_t resident_bytes() {
  std::ifstream in("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

struct SpillTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("reformsim-spill-test-" + std::to_string(::getpid()));
  void SetUp() override {
    fs::create_directories(dir);
    if (const std::string why = spill_unusable(dir.string()); !why.empty())
      GTEST_SKIP() << dir << " cannot hold spilled blocks: " << why;
    enable_spill(dir.string());
  }
  void TearDown() override {
    disable_spill();
    fs::remove_all(dir);
  }
};

}  // namespace

TEST_F(SpillTest, LargeBlocksAreSpilledZeroedAndKeepTheirValues) {
  const std::size_t n = 3'000'017;  // 24 MB, not a whole number of pages
  PathVector<double> v(n);
  ASSERT_TRUE(is_spilled(v.data()));
  EXPECT_GE(spilled_bytes(), n * sizeof(double));
  for (std::size_t i = 0; i < n; i += 4099) ASSERT_EQ(v[i], 0.0) << i;
  for (std::size_t i = 0; i < n; ++i) v[i] = 0.37 * static_cast<double>(i) - 11.0;
  trim_spill();
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += v[i] - (0.37 * static_cast<double>(i) - 11.0);
  EXPECT_EQ(sum, 0.0);
  EXPECT_EQ(v[n - 1], 0.37 * static_cast<double>(n - 1) - 11.0);
  // Nothing visible in the folder: the file is unlinked from the start.
  EXPECT_TRUE(fs::is_empty(dir));
}

// A column derived row by row from another (spilled_column): every row's value, across the
// blocks of rows between two notes (1,048,576 rows a block at 8 bytes a row), spilled.
TEST_F(SpillTest, ADerivedColumnHasEveryRowsValue) {
  const std::size_t n = 2'500'003;  // two whole blocks and part of a third
  const PathVector<double> from = reformsim::sim::spilled_column<double>(
      n, sizeof(double), [](std::size_t p) { return 1.5 * static_cast<double>(p) - 7.0; });
  ASSERT_EQ(from.size(), n);
  EXPECT_TRUE(is_spilled(from.data()));
  const PathVector<int> to = reformsim::sim::spilled_column<int>(
      n, sizeof(double) + sizeof(int), [&](std::size_t p) { return static_cast<int>(from[p]); });
  ASSERT_EQ(to.size(), n);
  for (std::size_t p = 0; p < n; ++p)
    ASSERT_EQ(to[p], static_cast<int>(1.5 * static_cast<double>(p) - 7.0)) << p;
}

TEST_F(SpillTest, TrimDropsTheResidentPages) {
  const std::size_t n = std::size_t{48} << 17;  // 48 MiB of doubles
  PathVector<double> v(n);
  ASSERT_TRUE(is_spilled(v.data()));
  std::iota(v.begin(), v.end(), 1.0);
  const std::size_t touched = resident_bytes();
  trim_spill();
  const std::size_t trimmed = resident_bytes();
  // At least 40 of the 48 MiB leave the resident set (the rest is slack for other threads).
  EXPECT_GE(touched, trimmed + (std::size_t{40} << 20)) << touched << " " << trimmed;
  EXPECT_EQ(v[n / 3], static_cast<double>(n / 3 + 1));
  EXPECT_EQ(v.back(), static_cast<double>(n));
}

TEST_F(SpillTest, SmallBlocksAndBlocksMadeWhileOffUseMemory) {
  PathVector<double> small(kSpillMinBytes / sizeof(double) - 1);
  EXPECT_FALSE(is_spilled(small.data()));
  PathVector<int> big(kSpillMinBytes / sizeof(int) + 1, 7);
  EXPECT_TRUE(is_spilled(big.data()));
  EXPECT_EQ(big.back(), 7);
  disable_spill();
  EXPECT_FALSE(spill_enabled());
  PathVector<double> off(1 << 20, 2.5);
  EXPECT_FALSE(is_spilled(off.data()));
  // A block spilled before stays usable after spilling stops, and frees its disk when it goes.
  EXPECT_TRUE(is_spilled(big.data()));
  big[3] = -4;
  EXPECT_EQ(big[3], -4);
  const std::size_t before = spilled_bytes();
  PathVector<int>().swap(big);
  EXPECT_LT(spilled_bytes(), before);
  EXPECT_EQ(spilled_bytes(), 0u);
}

TEST_F(SpillTest, GrowingCopiesMovesAndFreesAsAVectorDoes) {
  PathVector<double> v;
  v.reserve(100'000);
  ASSERT_TRUE(is_spilled(v.data()));
  for (int i = 0; i < 70'000; ++i) v.push_back(1.0 / (i + 3));
  v.resize(150'000, -1.0);  // past the capacity: a new block, the old one freed
  ASSERT_TRUE(is_spilled(v.data()));
  EXPECT_EQ(v[69'999], 1.0 / 70'002);
  EXPECT_EQ(v[70'000], -1.0);
  PathVector<double> w = v;  // a copy is a block of its own
  EXPECT_NE(w.data(), v.data());
  EXPECT_TRUE(w == v);
  const double* at = v.data();
  PathVector<double> moved = std::move(v);
  EXPECT_EQ(moved.data(), at);
  const std::size_t both = spilled_bytes();
  moved.clear();
  moved.shrink_to_fit();
  EXPECT_LT(spilled_bytes(), both);
  PathVector<double>().swap(w);
  EXPECT_EQ(spilled_bytes(), 0u);
}

TEST(Spill, AFolderThatCannotHoldTheFileIsNamed) {
  try {
    enable_spill("/nonexistent-reformsim-folder/sub");
    disable_spill();
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-reformsim-folder/sub"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(spill_enabled());
}

// Folders where a spilled block would be held in memory anyway, or could end the process, are
// refused with the reason, and enable_spill says it.
TEST(Spill, FoldersThatCannotHoldBlocksSayWhy) {
  if (fs::exists("/dev/shm") &&
      spill_unusable("/dev/shm").find("memory filesystem") == std::string::npos)
    ADD_FAILURE() << "/dev/shm: '" << spill_unusable("/dev/shm") << "'";
  EXPECT_NE(spill_unusable("/nonexistent-reformsim-folder").find("cannot read it"),
            std::string::npos);
  const fs::path dir = fs::temp_directory_path();
  if (!spill_unusable(dir.string()).empty()) GTEST_SKIP() << dir << " is not a disk folder";
  // A file size limit (ulimit -f) would kill the process (SIGXFSZ) as the file grows.
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &before), 0);
  rlimit limited = before;
  limited.rlim_cur = rlim_t{1} << 30;
  if (before.rlim_max != RLIM_INFINITY && before.rlim_max < limited.rlim_cur)
    limited.rlim_cur = before.rlim_max;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  const std::string why = spill_unusable(dir.string());
  try {
    enable_spill(dir.string());
    disable_spill();
    ADD_FAILURE() << "spilled under a file size limit";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("file size limit"), std::string::npos) << e.what();
  }
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &before), 0);
  EXPECT_NE(why.find("file size limit"), std::string::npos) << why;
  EXPECT_EQ(spill_unusable(dir.string()), "");
}
