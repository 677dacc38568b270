// The path memo: what is stored is found again under the same key and no other, until cleared;
// a full memo refuses instead of growing.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "sim/path_memo.hpp"

namespace reformsim::sim {
namespace {

TEST(PathMemo, FindsWhatWasStoredUnderTheSameKeyOnly) {
  PathMemo memo;
  const std::uint64_t a[] = {1, 2, 3}, b[] = {1, 2, 4}, prefix[] = {1, 2};
  EXPECT_EQ(memo.find(a), nullptr);
  std::byte* p = memo.store(a, 3 * sizeof(double));
  ASSERT_NE(p, nullptr);
  const double v[3] = {1.5, -2.0, 1e300};
  std::memcpy(p, v, sizeof v);
  const std::byte* q = memo.find(a);
  ASSERT_EQ(q, p);
  EXPECT_EQ(std::memcmp(q, v, sizeof v), 0);
  EXPECT_EQ(memo.find(b), nullptr);
  EXPECT_EQ(memo.find(prefix), nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t), 0u);
}

TEST(PathMemo, ManyEntriesStayFindableAndInPlace) {
  PathMemo memo;
  std::vector<std::byte*> where;
  for (std::uint64_t k = 0; k < 5000; ++k) {  // beyond the first table size and chunk
    const std::uint64_t key[] = {7, k};
    std::byte* p = memo.store(key, 200 + k % 50);
    ASSERT_NE(p, nullptr);
    std::memcpy(p, &k, sizeof k);
    where.push_back(p);
  }
  for (std::uint64_t k = 0; k < 5000; ++k) {
    const std::uint64_t key[] = {7, k};
    ASSERT_EQ(memo.find(key), where[k]) << k;
    std::uint64_t back = 0;
    std::memcpy(&back, where[k], sizeof back);
    EXPECT_EQ(back, k);
  }
}

TEST(PathMemo, ClearForgetsAndReusesMemory) {
  PathMemo memo;
  const std::uint64_t key[] = {42};
  std::byte* first = memo.store(key, 1000);
  ASSERT_NE(first, nullptr);
  EXPECT_GE(memo.used(), 1000u);
  memo.clear();
  EXPECT_EQ(memo.used(), 0u);
  EXPECT_EQ(memo.find(key), nullptr);
  EXPECT_EQ(memo.store(key, 1000), first);  // the same chunk again: no new memory
}

TEST(PathMemo, AFullMemoRefusesAndStaysUsable) {
  PathMemo memo(10000);
  const std::uint64_t small[] = {1}, big[] = {2}, other[] = {3};
  ASSERT_NE(memo.store(small, 4000), nullptr);
  EXPECT_EQ(memo.store(big, 8000), nullptr);
  EXPECT_EQ(memo.find(big), nullptr);
  EXPECT_NE(memo.find(small), nullptr);
  EXPECT_LE(memo.used(), memo.capacity());
  EXPECT_NE(memo.store(other, 1000), nullptr);
  // A request larger than a chunk gets a chunk of its own.
  PathMemo large(std::size_t{64} << 20);
  EXPECT_NE(large.store(big, std::size_t{3} << 20), nullptr);
}

}  // namespace
}  // namespace reformsim::sim
